use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use crate::MediaError;

/// Largest side accepted anywhere in the engine (H.264 level 5.2 tops out at 4096).
pub const MAX_DIMENSION: u32 = 4096;

const BLACK_Y: u8 = 16;
const NEUTRAL_CHROMA: u8 = 128;

/// A planar 4:2:0 picture (BT.601 limited range) with even width and height, plus the wall-clock time at
/// which it was captured (microseconds since the Unix epoch) for latency measurement.
#[derive(Clone, PartialEq, Eq)]
pub struct I420Frame {
    width: u32,
    height: u32,
    y: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
    capture_us: u64,
}

impl std::fmt::Debug for I420Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "I420Frame({}x{} @ {} us)", self.width, self.height, self.capture_us)
    }
}

/// Checks a picture size: non-zero, even (4:2:0 chroma), at most [`MAX_DIMENSION`].
pub fn check_dimensions(width: u32, height: u32) -> Result<(), MediaError> {
    if width == 0 || height == 0 || !width.is_multiple_of(2) || !height.is_multiple_of(2) {
        return Err(MediaError::UnsupportedFormat(format!("{width}x{height}: sides must be even and non-zero")));
    }
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(MediaError::UnsupportedFormat(format!("{width}x{height}: larger than {MAX_DIMENSION}")));
    }
    Ok(())
}

impl I420Frame {
    /// A black frame.
    pub fn black(width: u32, height: u32, capture_us: u64) -> Result<Self, MediaError> {
        check_dimensions(width, height)?;
        let luma = width as usize * height as usize;
        Ok(Self {
            width,
            height,
            y: vec![BLACK_Y; luma],
            u: vec![NEUTRAL_CHROMA; luma / 4],
            v: vec![NEUTRAL_CHROMA; luma / 4],
            capture_us,
        })
    }

    /// Takes ownership of tightly packed planes, checking their sizes.
    pub fn from_planes(
        width: u32,
        height: u32,
        y: Vec<u8>,
        u: Vec<u8>,
        v: Vec<u8>,
        capture_us: u64,
    ) -> Result<Self, MediaError> {
        check_dimensions(width, height)?;
        let luma = width as usize * height as usize;
        if y.len() != luma || u.len() != luma / 4 || v.len() != luma / 4 {
            return Err(MediaError::InvalidFrame(format!(
                "{width}x{height}: plane sizes {}/{}/{} do not match",
                y.len(),
                u.len(),
                v.len()
            )));
        }
        Ok(Self { width, height, y, u, v, capture_us })
    }

    /// Copies planes that have row padding (strides), as decoders and cameras hand them out.
    pub fn from_strided(
        width: u32,
        height: u32,
        planes: [(&[u8], usize); 3],
        capture_us: u64,
    ) -> Result<Self, MediaError> {
        check_dimensions(width, height)?;
        let [(y, y_stride), (u, u_stride), (v, v_stride)] = planes;
        let (w, h) = (width as usize, height as usize);
        Ok(Self {
            width,
            height,
            y: copy_rows(y, y_stride, w, h)?,
            u: copy_rows(u, u_stride, w / 2, h / 2)?,
            v: copy_rows(v, v_stride, w / 2, h / 2)?,
            capture_us,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn capture_us(&self) -> u64 {
        self.capture_us
    }

    pub fn set_capture_us(&mut self, capture_us: u64) {
        self.capture_us = capture_us;
    }

    pub fn y(&self) -> &[u8] {
        &self.y
    }

    pub fn u(&self) -> &[u8] {
        &self.u
    }

    pub fn v(&self) -> &[u8] {
        &self.v
    }

    /// The three planes for in-place drawing.
    pub fn planes_mut(&mut self) -> (&mut [u8], &mut [u8], &mut [u8]) {
        (&mut self.y, &mut self.u, &mut self.v)
    }

    /// The picture resampled to another size (bilinear on each plane); the capture time is kept.
    pub fn scaled(&self, width: u32, height: u32) -> Result<Self, MediaError> {
        check_dimensions(width, height)?;
        if (width, height) == (self.width, self.height) {
            return Ok(self.clone());
        }
        self.resampled(1.0, width, height)
    }

    /// Digital zoom: the centre of the picture magnified `percent / 100` times, at the same size (100 or
    /// less gives the picture as it is).
    pub fn zoomed(&self, percent: u16) -> Result<Self, MediaError> {
        if percent <= 100 {
            return Ok(self.clone());
        }
        self.resampled(100.0 / f64::from(percent), self.width, self.height)
    }

    /// The centre `part` of the picture (1.0 = all of it) resampled to `width` x `height`.
    fn resampled(&self, part: f64, width: u32, height: u32) -> Result<Self, MediaError> {
        let mut resizer = Resizer::new();
        let mut plane = |data: &[u8], from: (u32, u32), to: (u32, u32)| {
            let (w, h) = (f64::from(from.0) * part, f64::from(from.1) * part);
            let crop = ((f64::from(from.0) - w) / 2.0, (f64::from(from.1) - h) / 2.0, w, h);
            resize_plane(&mut resizer, data, from, to, crop)
        };
        let y = plane(&self.y, (self.width, self.height), (width, height))?;
        let source_chroma = (self.width / 2, self.height / 2);
        let target_chroma = (width / 2, height / 2);
        let u = plane(&self.u, source_chroma, target_chroma)?;
        let v = plane(&self.v, source_chroma, target_chroma)?;
        Ok(Self { width, height, y, u, v, capture_us: self.capture_us })
    }
}

fn copy_rows(plane: &[u8], stride: usize, width: usize, height: usize) -> Result<Vec<u8>, MediaError> {
    if stride < width || (height > 0 && plane.len() < stride * (height - 1) + width) {
        return Err(MediaError::InvalidFrame(format!("plane of {} bytes, stride {stride}: too short", plane.len())));
    }
    Ok(plane.chunks(stride).take(height).flat_map(|row| &row[..width]).copied().collect())
}

/// Resamples the `crop` (left, top, width, height) of a plane to `to`.
fn resize_plane(
    resizer: &mut Resizer,
    plane: &[u8],
    from: (u32, u32),
    to: (u32, u32),
    crop: (f64, f64, f64, f64),
) -> Result<Vec<u8>, MediaError> {
    let invalid = |e: &dyn std::fmt::Display| MediaError::InvalidFrame(format!("scaling: {e}"));
    let source = ImageRef::new(from.0, from.1, plane, PixelType::U8).map_err(|e| invalid(&e))?;
    let mut target = Image::new(to.0, to.1, PixelType::U8);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Bilinear))
        .crop(crop.0, crop.1, crop.2, crop.3);
    resizer.resize(&source, &mut target, &options).map_err(|e| invalid(&e))?;
    Ok(target.into_vec())
}
