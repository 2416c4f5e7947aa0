//! A picture as the UI receives it: one binary message, drawn with WebGL from its three planes.
//!
//! Layout (little-endian): `version u8 = 1`, `view u8` (0 self-view, 1 far end), `width u16`, `height u16`,
//! then the Y plane (`width × height` bytes), U and V (`width/2 × height/2` each; sizes are even). A still
//! photo from the far end is `version`, `view = 2`, then its JPEG bytes. `ui/src/lib/picture.ts` reads both.

use eclinic_media::video::I420Frame;

pub const PICTURE_FORMAT_VERSION: u8 = 1;
const HEADER_BYTES: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// What this end's camera sends.
    SelfView = 0,
    /// What the far end sent.
    Far = 1,
    /// A still photo from the far end (JPEG).
    Photo = 2,
}

/// A still photo's packet.
pub fn photo_packet(jpeg: &[u8]) -> Vec<u8> {
    [&[PICTURE_FORMAT_VERSION, View::Photo as u8][..], jpeg].concat()
}

/// The self-view is drawn at a quarter of the window's video: it crosses to the UI at half size, a quarter
/// of the bytes (pictures narrower than this go whole).
const SELF_VIEW_HALVED_FROM_WIDTH: u32 = 320;

/// The self-view's packet for a captured picture.
pub fn self_view_packet(frame: &I420Frame) -> Vec<u8> {
    if frame.width() >= SELF_VIEW_HALVED_FROM_WIDTH {
        // Even sizes, as 4:2:0 needs; a picture that cannot be scaled goes whole.
        if let Ok(half) = frame.scaled((frame.width() / 2) & !1, (frame.height() / 2) & !1) {
            return picture_packet(View::SelfView, &half);
        }
    }
    picture_packet(View::SelfView, frame)
}

pub fn picture_packet(view: View, frame: &I420Frame) -> Vec<u8> {
    let (y, u, v) = (frame.y(), frame.u(), frame.v());
    let mut packet = Vec::with_capacity(HEADER_BYTES + y.len() + u.len() + v.len());
    packet.push(PICTURE_FORMAT_VERSION);
    packet.push(view as u8);
    // Frames are at most MAX_DIMENSION (far below 65 536) on each side: checked when they are made.
    packet.extend_from_slice(&(frame.width() as u16).to_le_bytes());
    packet.extend_from_slice(&(frame.height() as u16).to_le_bytes());
    packet.extend_from_slice(y);
    packet.extend_from_slice(u);
    packet.extend_from_slice(v);
    packet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(width: u32, height: u32) -> I420Frame {
        I420Frame::black(width, height, 0).unwrap_or_else(|e| panic!("{width}x{height}: {e}"))
    }

    #[test]
    fn packets_carry_the_view_the_size_and_the_planes() {
        let cases = [
            (View::Far, frame(320, 240), (320u16, 240u16)),
            (View::Far, frame(2, 2), (2, 2)),
            (View::SelfView, frame(640, 360), (320, 180)),
            (View::SelfView, frame(320, 240), (160, 120)),
            (View::SelfView, frame(324, 242), (162, 120)),
            (View::SelfView, frame(160, 120), (160, 120)),
        ];
        for (view, frame, (width, height)) in cases {
            let packet = match view {
                View::SelfView => self_view_packet(&frame),
                View::Far | View::Photo => picture_packet(view, &frame),
            };
            let header = [PICTURE_FORMAT_VERSION, view as u8];
            assert_eq!(packet[..2], header, "{view:?}");
            assert_eq!(u16::from_le_bytes([packet[2], packet[3]]), width, "{view:?} {}", frame.width());
            assert_eq!(u16::from_le_bytes([packet[4], packet[5]]), height, "{view:?} {}", frame.height());
            let (w, h) = (usize::from(width), usize::from(height));
            assert_eq!(packet.len(), HEADER_BYTES + w * h + 2 * (w / 2) * (h / 2), "{view:?}");
        }
    }

    #[test]
    fn a_photo_packet_is_its_jpeg_behind_the_header() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        assert_eq!(photo_packet(&jpeg), [&[PICTURE_FORMAT_VERSION, 2][..], &jpeg].concat());
    }
}
