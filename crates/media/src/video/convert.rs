use yuvutils_rs::{YuvChromaSubsampling, YuvPackedImage, YuvPlanarImageMut};

use super::still::{planar_to_frame, rgb_to_i420};
use super::{I420Frame, check_dimensions, decode_jpeg};
use crate::MediaError;

/// Pixel layouts cameras deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RawPixelFormat {
    /// Packed 4:2:2, Y0 U Y1 V.
    Yuyv,
    /// Planar Y then interleaved UV, 4:2:0.
    Nv12,
    /// Each frame a JPEG.
    Mjpeg,
    /// Packed 8-bit R G B.
    Rgb24,
}

impl RawPixelFormat {
    /// Bytes of one row of the first plane when tightly packed (JPEG: not applicable).
    fn row_bytes(self, width: usize) -> usize {
        match self {
            Self::Yuyv => width * 2,
            Self::Nv12 => width,
            Self::Rgb24 => width * 3,
            Self::Mjpeg => 0,
        }
    }
}

/// Converts one camera buffer to I420. `bytes_per_line` is the row stride the device reported (0: tightly
/// packed). Short or malformed buffers are an error, never a panic.
pub fn raw_to_i420(
    format: RawPixelFormat,
    (width, height): (u32, u32),
    bytes_per_line: usize,
    data: &[u8],
    capture_us: u64,
) -> Result<I420Frame, MediaError> {
    let (w, h) = (width as usize, height as usize);
    match format {
        RawPixelFormat::Mjpeg => decode_jpeg(data, capture_us),
        RawPixelFormat::Yuyv => {
            let stride = checked_stride(format, (width, height), bytes_per_line, data.len())?;
            let packed = YuvPackedImage { yuy: data, yuy_stride: stride as u32, width, height };
            let mut planar = YuvPlanarImageMut::<u8>::alloc(width, height, YuvChromaSubsampling::Yuv420);
            yuvutils_rs::yuyv422_to_yuv420(&mut planar, &packed)
                .map_err(|e| MediaError::InvalidFrame(format!("YUYV to I420: {e}")))?;
            planar_to_frame(planar, capture_us)
        }
        RawPixelFormat::Nv12 => {
            let stride = checked_stride(format, (width, height), bytes_per_line, data.len())?;
            // NV12 and I420 share the luma plane and the chroma samples; only the chroma interleaving differs,
            // a byte shuffle that neither conversion crate offers.
            let (luma, chroma) = data.split_at(stride * h);
            let mut u = Vec::with_capacity(w * h / 4);
            let mut v = Vec::with_capacity(w * h / 4);
            for row in chroma.chunks(stride).take(h / 2) {
                for pair in row[..w].chunks_exact(2) {
                    u.push(pair[0]);
                    v.push(pair[1]);
                }
            }
            let y = luma.chunks(stride).take(h).flat_map(|row| &row[..w]).copied().collect();
            I420Frame::from_planes(width, height, y, u, v, capture_us)
        }
        RawPixelFormat::Rgb24 => {
            let stride = checked_stride(format, (width, height), bytes_per_line, data.len())?;
            rgb_to_i420(data, stride, (width, height), capture_us)
        }
    }
}

/// The row stride of an uncompressed buffer, after checking the size and that the buffer holds every row.
fn checked_stride(
    format: RawPixelFormat,
    (width, height): (u32, u32),
    bytes_per_line: usize,
    len: usize,
) -> Result<usize, MediaError> {
    check_dimensions(width, height)?;
    let (w, h) = (width as usize, height as usize);
    let stride = if bytes_per_line == 0 { format.row_bytes(w) } else { bytes_per_line };
    let plane_rows = if format == RawPixelFormat::Nv12 { h + h / 2 } else { h };
    if stride < format.row_bytes(w) || len < stride * plane_rows {
        return Err(MediaError::InvalidFrame(format!(
            "{format:?} {width}x{height}: buffer of {len} bytes with stride {stride} is too short"
        )));
    }
    Ok(stride)
}
