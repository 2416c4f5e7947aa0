use yuvutils_rs::{YuvConversionMode, YuvPlanarImage, YuvPlanarImageMut, YuvRange, YuvStandardMatrix};
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

use super::{I420Frame, MAX_DIMENSION, check_dimensions};
use crate::MediaError;

/// JPEG quality for clinical photos: detail of a wound or a rash matters more than size.
const STILL_QUALITY: u8 = 92;

/// A photo as taken: JPEG bytes and the picture size.
#[derive(Clone, PartialEq, Eq)]
pub struct StillPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl std::fmt::Debug for StillPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StillPhoto({}x{}, {} bytes)", self.width, self.height, self.jpeg.len())
    }
}

/// Encodes a picture as a JPEG photo.
pub fn encode_still(frame: &I420Frame) -> Result<StillPhoto, MediaError> {
    let (width, height) = (frame.width(), frame.height());
    let rgb = i420_to_rgb(frame)?;
    let mut jpeg = Vec::new();
    let too_large = |_| MediaError::UnsupportedFormat(format!("{width}x{height}: too large for JPEG"));
    let (w16, h16) = (u16::try_from(width).map_err(too_large)?, u16::try_from(height).map_err(too_large)?);
    jpeg_encoder::Encoder::new(&mut jpeg, STILL_QUALITY)
        .encode(&rgb, w16, h16, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| MediaError::Jpeg(e.to_string()))?;
    Ok(StillPhoto { jpeg, width, height })
}

/// Decodes a JPEG (a photo or an MJPEG camera frame) into a picture, refusing anything larger than the engine
/// handles before allocating for it.
pub fn decode_jpeg(jpeg: &[u8], capture_us: u64) -> Result<I420Frame, MediaError> {
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGB)
        .set_max_width(MAX_DIMENSION as usize)
        .set_max_height(MAX_DIMENSION as usize);
    let mut decoder = JpegDecoder::new_with_options(jpeg, options);
    let rgb = decoder.decode().map_err(|e| MediaError::Jpeg(e.to_string()))?;
    let (width, height) = decoder.dimensions().ok_or_else(|| MediaError::Jpeg("no picture size".into()))?;
    // Cameras give even sizes; an odd photo loses its last row/column rather than being refused.
    let (even_width, even_height) = ((width & !1) as u32, (height & !1) as u32);
    check_dimensions(even_width, even_height)?;
    rgb_to_i420(&rgb, width * 3, (even_width, even_height), capture_us)
}

pub(super) fn rgb_to_i420(
    rgb: &[u8],
    rgb_stride: usize,
    (width, height): (u32, u32),
    capture_us: u64,
) -> Result<I420Frame, MediaError> {
    let mut planar = YuvPlanarImageMut::<u8>::alloc(width, height, yuvutils_rs::YuvChromaSubsampling::Yuv420);
    yuvutils_rs::rgb_to_yuv420(
        &mut planar,
        rgb,
        rgb_stride as u32,
        YuvRange::Limited,
        YuvStandardMatrix::Bt601,
        YuvConversionMode::Balanced,
    )
    .map_err(|e| MediaError::InvalidFrame(format!("RGB to I420: {e}")))?;
    planar_to_frame(planar, capture_us)
}

/// A yuvutils conversion result as a frame (the planes are moved, not copied).
pub(super) fn planar_to_frame(planar: YuvPlanarImageMut<'_, u8>, capture_us: u64) -> Result<I420Frame, MediaError> {
    let plane = |store: yuvutils_rs::BufferStoreMut<'_, u8>| match store {
        yuvutils_rs::BufferStoreMut::Owned(plane) => plane,
        yuvutils_rs::BufferStoreMut::Borrowed(plane) => plane.to_vec(),
    };
    let (width, height) = (planar.width, planar.height);
    I420Frame::from_planes(
        width,
        height,
        plane(planar.y_plane),
        plane(planar.u_plane),
        plane(planar.v_plane),
        capture_us,
    )
}

/// Interleaved 8-bit RGB of a picture (for JPEG and for drawing).
pub fn i420_to_rgb(frame: &I420Frame) -> Result<Vec<u8>, MediaError> {
    let (width, height) = (frame.width(), frame.height());
    let planar = YuvPlanarImage {
        y_plane: frame.y(),
        y_stride: width,
        u_plane: frame.u(),
        u_stride: width / 2,
        v_plane: frame.v(),
        v_stride: width / 2,
        width,
        height,
    };
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    yuvutils_rs::yuv420_to_rgb(&planar, &mut rgb, width * 3, YuvRange::Limited, YuvStandardMatrix::Bt601)
        .map_err(|e| MediaError::InvalidFrame(format!("I420 to RGB: {e}")))?;
    Ok(rgb)
}
