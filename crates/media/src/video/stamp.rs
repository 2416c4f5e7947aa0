//! The frame number and capture time drawn into a picture, both as digits for people and as an 8x8 block code
//! that survives low-bitrate H.264, so a receiver can measure glass-to-glass latency from the picture alone.

use super::I420Frame;

/// What a synthetic source writes into each frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Frame number modulo 2^20.
    pub frame_number: u32,
    /// Capture time, milliseconds since the Unix epoch.
    pub capture_ms: u64,
}

const FRAME_BITS: u32 = 20;
const TIME_BITS: u32 = 36;
const GRID: usize = 8;
const DARK: u8 = 16;
const LIGHT: u8 = 235;
/// Side of the code square as a fraction of the frame height; cells stay >= 5 px at 120 lines.
const CODE_SIDE: f32 = 0.4;
const MARGIN: f32 = 0.03;

impl Stamp {
    fn payload(self) -> u64 {
        let frame = u64::from(self.frame_number) & ((1 << FRAME_BITS) - 1);
        let time = self.capture_ms & ((1 << TIME_BITS) - 1);
        let body = (frame << TIME_BITS) | time;
        (body << 8) | u64::from(crc8(body))
    }
}

/// Draws the stamp: the block code in the bottom-right corner and the digits at the top-left.
pub fn draw_stamp(frame: &mut I420Frame, stamp: Stamp) {
    let bits = stamp.payload();
    let geometry = CodeGeometry::of(frame);
    let width = frame.width() as usize;
    let (y_plane, _, _) = frame.planes_mut();
    for bit in 0..GRID * GRID {
        let value = if bits >> (63 - bit) & 1 == 1 { LIGHT } else { DARK };
        let (x0, y0, x1, y1) = geometry.cell(bit);
        for row in y0..y1 {
            y_plane[row * width + x0..row * width + x1].fill(value);
        }
    }
    let seconds_of_day = (stamp.capture_ms / 1000) % 86_400;
    let text = format!(
        "{} {:02}:{:02}:{:02}.{:03}",
        stamp.frame_number,
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60,
        stamp.capture_ms % 1000
    );
    draw_text(frame, &text);
}

/// Reads the block code back. `now_ms` (the receiver's clock) restores the capture time's high bits. `None`
/// when the code does not check out (no stamp, or too damaged).
pub fn read_stamp(frame: &I420Frame, now_ms: u64) -> Option<Stamp> {
    let geometry = CodeGeometry::of(frame);
    let width = frame.width() as usize;
    let y_plane = frame.y();
    let mut bits = 0u64;
    for bit in 0..GRID * GRID {
        let (x0, y0, x1, y1) = geometry.cell(bit);
        // The middle of the cell: edges blur first under compression.
        let (cx0, cx1) = (x0 + (x1 - x0) / 4, x1 - (x1 - x0) / 4);
        let (cy0, cy1) = (y0 + (y1 - y0) / 4, y1 - (y1 - y0) / 4);
        let (mut sum, mut count) = (0u32, 0u32);
        for row in cy0..cy1.max(cy0 + 1) {
            for &pixel in &y_plane[row * width + cx0..row * width + cx1.max(cx0 + 1)] {
                sum += u32::from(pixel);
                count += 1;
            }
        }
        let light = sum > count * u32::from(DARK.midpoint(LIGHT));
        bits = (bits << 1) | u64::from(light);
    }
    let body = bits >> 8;
    if crc8(body) != (bits & 0xff) as u8 {
        return None;
    }
    let frame_number = (body >> TIME_BITS) as u32;
    let low_time = body & ((1 << TIME_BITS) - 1);
    Some(Stamp { frame_number, capture_ms: nearest_with_low_bits(now_ms, low_time, TIME_BITS) })
}

/// The value closest to `reference` whose low `bits` bits are `low`.
fn nearest_with_low_bits(reference: u64, low: u64, bits: u32) -> u64 {
    let span = 1u64 << bits;
    let base = reference & !(span - 1);
    [base.wrapping_sub(span), base, base + span]
        .into_iter()
        .map(|high| high | low)
        .min_by_key(|candidate| candidate.abs_diff(reference))
        .unwrap_or(low)
}

struct CodeGeometry {
    left: f32,
    top: f32,
    cell: f32,
}

impl CodeGeometry {
    fn of(frame: &I420Frame) -> Self {
        let (width, height) = (frame.width() as f32, frame.height() as f32);
        let side = (height * CODE_SIDE).min(width * CODE_SIDE);
        let margin = height * MARGIN;
        Self { left: width - side - margin, top: height - side - margin, cell: side / GRID as f32 }
    }

    /// Pixel rectangle [x0, x1) x [y0, y1) of one cell, never empty.
    fn cell(&self, bit: usize) -> (usize, usize, usize, usize) {
        let (column, row) = ((bit % GRID) as f32, (bit / GRID) as f32);
        let x0 = (self.left + column * self.cell).round() as usize;
        let y0 = (self.top + row * self.cell).round() as usize;
        let x1 = ((self.left + (column + 1.0) * self.cell).round() as usize).max(x0 + 1);
        let y1 = ((self.top + (row + 1.0) * self.cell).round() as usize).max(y0 + 1);
        (x0, y0, x1, y1)
    }
}

/// CRC-8/SMBUS over the 56-bit body, big-endian.
fn crc8(body: u64) -> u8 {
    body.to_be_bytes()[1..].iter().fold(0u8, |crc, &byte| {
        (0..8).fold(crc ^ byte, |crc, _| if crc & 0x80 != 0 { (crc << 1) ^ 0x07 } else { crc << 1 })
    })
}

/// 3x5 glyphs, one row per 3 bits, for the characters a stamp uses.
fn glyph(character: char) -> Option<[u8; 5]> {
    Some(match character {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        ':' => [0b000, 0b010, 0b000, 0b010, 0b000],
        '.' => [0b000, 0b000, 0b000, 0b000, 0b010],
        _ => return None,
    })
}

/// Light digits on a dark band along the top-left, scaled with the frame height.
fn draw_text(frame: &mut I420Frame, text: &str) {
    let scale = (frame.height() as usize / 60).max(1);
    let advance = 4 * scale;
    let width = frame.width() as usize;
    let band_width = (text.chars().count() * advance + 2 * scale).min(width);
    let band_height = (7 * scale).min(frame.height() as usize);
    let (y_plane, _, _) = frame.planes_mut();
    for row in 0..band_height {
        y_plane[row * width..row * width + band_width].fill(DARK);
    }
    for (index, character) in text.chars().enumerate() {
        let Some(rows) = glyph(character) else { continue };
        let x = scale + index * advance;
        for (glyph_row, bits) in rows.iter().enumerate() {
            for glyph_column in 0..3 {
                if bits >> (2 - glyph_column) & 1 == 0 {
                    continue;
                }
                let px = x + glyph_column * scale;
                let py = scale + glyph_row * scale;
                if px + scale > band_width || py + scale > band_height {
                    continue;
                }
                for row in py..py + scale {
                    y_plane[row * width + px..row * width + px + scale].fill(LIGHT);
                }
            }
        }
    }
}
