//! A camera stand-in that costs bits like a camera: a panning textured background, sensor noise, a face-sized
//! object moving across it, and the frame number and capture time drawn in (see [`super::stamp`]).

use super::stamp::{Stamp, draw_stamp};
use super::{Clock, I420Frame, StillPhoto, VideoFormat, VideoSource, check_dimensions, encode_still};
use crate::MediaError;

/// Size of the still photos this source produces, like a 2-megapixel webcam.
pub const SYNTHETIC_STILL: (u32, u32) = (1920, 1080);

/// The moving scene at one picture size.
#[derive(Debug)]
struct Scene {
    width: u32,
    height: u32,
    /// Background luma twice the picture size, panned across.
    texture: Vec<u8>,
}

impl Scene {
    fn new(width: u32, height: u32) -> Self {
        let (tw, th) = (2 * width as usize, 2 * height as usize);
        let mut noise = XorShift(0x9e37_79b9_7f4a_7c15);
        let scale = 320.0 / width as f32;
        let mut texture = Vec::with_capacity(tw * th);
        for row in 0..th {
            for column in 0..tw {
                let (x, y) = (column as f32 * scale, row as f32 * scale);
                let stripes = (x * 0.11).sin() * 30.0 + (y * 0.07 + x * 0.03).sin() * 25.0;
                let checks = if ((x / 23.0) as i32 + (y / 17.0) as i32) % 2 == 0 { 12.0 } else { -12.0 };
                let grain = f32::from(noise.next_byte() % 24) - 12.0;
                texture.push((120.0 + stripes + checks + grain).clamp(20.0, 230.0) as u8);
            }
        }
        Self { width, height, texture }
    }

    fn render(&self, index: u64, capture_us: u64, noise: &mut XorShift) -> Result<I420Frame, MediaError> {
        let mut frame = I420Frame::black(self.width, self.height, capture_us)?;
        let (w, h) = (self.width as usize, self.height as usize);
        let t = index as f32 / 15.0;
        let pan_x = ((t * 0.09).sin() * 0.5 + 0.5) * w as f32;
        let pan_y = ((t * 0.07).cos() * 0.5 + 0.5) * h as f32;
        let (pan_x, pan_y) = (pan_x as usize % w, pan_y as usize % h);
        // Face: an ellipse about a quarter of the height across, on a Lissajous path.
        let (face_rx, face_ry) = (h as f32 * 0.13, h as f32 * 0.17);
        let face_x = w as f32 * (0.45 + 0.25 * (t * 0.8).sin());
        let face_y = h as f32 * (0.45 + 0.15 * (t * 1.1).cos());
        let eye_r = face_rx * 0.18;
        let blink = index % 45 < 3;
        let (y_plane, u_plane, v_plane) = frame.planes_mut();
        for row in 0..h {
            let texture_row = &self.texture[(row + pan_y) * 2 * w + pan_x..];
            for column in 0..w {
                let (dx, dy) = ((column as f32 - face_x) / face_rx, (row as f32 - face_y) / face_ry);
                let inside_face = dx * dx + dy * dy <= 1.0;
                let base = if inside_face {
                    let eye_dy = (row as f32 - (face_y - face_ry * 0.25)) / eye_r;
                    let eye = [-0.4f32, 0.4].iter().any(|side| {
                        let eye_dx = (column as f32 - (face_x + side * face_rx)) / eye_r;
                        eye_dx * eye_dx + eye_dy * eye_dy <= 1.0
                    });
                    if eye && !blink { 40 } else { 165 - (dy * 25.0) as i32 }
                } else {
                    i32::from(texture_row[column])
                };
                let grain = i32::from(noise.next_byte() % 9) - 4;
                y_plane[row * w + column] = (base + grain).clamp(16, 235) as u8;
            }
        }
        for row in 0..h / 2 {
            for column in 0..w / 2 {
                let (dx, dy) = ((2 * column) as f32 - face_x, (2 * row) as f32 - face_y);
                let inside_face = (dx / face_rx).powi(2) + (dy / face_ry).powi(2) <= 1.0;
                let (u, v) = if inside_face {
                    (108, 155)
                } else {
                    (110 + (column * 40 / (w / 2)) as u8, 120 + (row * 30 / (h / 2)) as u8)
                };
                u_plane[row * (w / 2) + column] = u;
                v_plane[row * (w / 2) + column] = v;
            }
        }
        draw_stamp(&mut frame, Stamp { frame_number: (index & 0xf_ffff) as u32, capture_ms: capture_us / 1000 });
        Ok(frame)
    }
}

/// Deterministic noise, so the same frame index always gives the same picture.
#[derive(Debug)]
struct XorShift(u64);

impl XorShift {
    fn next_byte(&mut self) -> u8 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 56) as u8
    }
}

/// Synthetic camera. Frames come as fast as they are asked for; the caller paces them.
pub struct SyntheticVideo {
    format: VideoFormat,
    scene: Scene,
    still_scene: Option<Scene>,
    clock: Clock,
    index: u64,
    noise: XorShift,
}

impl std::fmt::Debug for SyntheticVideo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SyntheticVideo({:?}, frame {})", self.format, self.index)
    }
}

impl SyntheticVideo {
    pub fn new(format: VideoFormat, clock: Clock) -> Result<Self, MediaError> {
        check_dimensions(format.width, format.height)?;
        Ok(Self {
            format,
            scene: Scene::new(format.width, format.height),
            still_scene: None,
            clock,
            index: 0,
            noise: XorShift(0x2545_f491_4f6c_dd1d),
        })
    }
}

impl VideoSource for SyntheticVideo {
    fn format(&self) -> VideoFormat {
        self.format
    }

    fn next_frame(&mut self) -> Result<Option<I420Frame>, MediaError> {
        let frame = self.scene.render(self.index, (self.clock)(), &mut self.noise)?;
        self.index += 1;
        Ok(Some(frame))
    }

    fn capture_still(&mut self) -> Result<StillPhoto, MediaError> {
        let (width, height) = SYNTHETIC_STILL;
        let scene = self.still_scene.get_or_insert_with(|| Scene::new(width, height));
        let frame = scene.render(self.index, (self.clock)(), &mut self.noise)?;
        encode_still(&frame)
    }
}
