//! Cameras. On Linux through V4L2 (`linuxvideo`); other platforms report no cameras until their backends
//! (Media Foundation, AVFoundation) are written behind the same [`VideoSource`] trait.

use super::{RawPixelFormat, VideoFormat, VideoSource};
use crate::MediaError;

/// One mode a camera offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CameraFormat {
    pub pixel_format: RawPixelFormat,
    pub width: u32,
    pub height: u32,
}

/// A camera and the modes we can convert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CameraInfo {
    /// Stable id to open it by (the device path on Linux).
    pub id: String,
    pub name: String,
    pub formats: Vec<CameraFormat>,
}

/// Prefer formats that cost least to convert; MJPEG only when nothing else gives the size.
fn preference(format: RawPixelFormat) -> u8 {
    match format {
        RawPixelFormat::Nv12 => 0,
        RawPixelFormat::Yuyv => 1,
        RawPixelFormat::Rgb24 => 2,
        RawPixelFormat::Mjpeg => 3,
    }
}

/// Picks the mode closest to the wanted size (at least as large when possible), cheapest format first.
fn choose_format(formats: &[CameraFormat], wanted: (u32, u32)) -> Option<CameraFormat> {
    let area = |f: &CameraFormat| u64::from(f.width) * u64::from(f.height);
    let wanted_area = u64::from(wanted.0) * u64::from(wanted.1);
    formats
        .iter()
        .copied()
        .min_by_key(|f| (area(f) < wanted_area, area(f).abs_diff(wanted_area), preference(f.pixel_format)))
}

/// The largest mode, for still photos.
fn largest_format(formats: &[CameraFormat]) -> Option<CameraFormat> {
    formats
        .iter()
        .copied()
        .max_by_key(|f| (u64::from(f.width) * u64::from(f.height), std::cmp::Reverse(preference(f.pixel_format))))
}

#[cfg(target_os = "linux")]
mod v4l2 {
    use std::path::Path;

    use linuxvideo::format::{FrameSizes, PixFormat, PixelFormat};
    use linuxvideo::stream::ReadStream;
    use linuxvideo::{BufType, Device};

    use super::{CameraFormat, CameraInfo, choose_format, largest_format};
    use crate::MediaError;
    use crate::video::{
        Clock, I420Frame, RawPixelFormat, StillPhoto, VideoFormat, VideoSource, encode_still, raw_to_i420,
    };

    fn camera_error(what: &str) -> impl FnOnce(std::io::Error) -> MediaError + '_ {
        move |e| MediaError::Camera(format!("{what}: {e}"))
    }

    const NV12: PixelFormat = PixelFormat::from_fourcc(*b"NV12");

    fn to_raw(format: PixelFormat) -> Option<RawPixelFormat> {
        Some(match format {
            PixelFormat::YUYV => RawPixelFormat::Yuyv,
            NV12 => RawPixelFormat::Nv12,
            PixelFormat::MJPG | PixelFormat::JPEG => RawPixelFormat::Mjpeg,
            PixelFormat::RGB3 => RawPixelFormat::Rgb24,
            _ => return None,
        })
    }

    fn from_raw(format: RawPixelFormat) -> PixelFormat {
        match format {
            RawPixelFormat::Yuyv => PixelFormat::YUYV,
            RawPixelFormat::Nv12 => NV12,
            RawPixelFormat::Mjpeg => PixelFormat::MJPG,
            RawPixelFormat::Rgb24 => PixelFormat::RGB3,
        }
    }

    fn describe(device: &Device) -> Result<CameraInfo, MediaError> {
        let id = device.path().map_err(camera_error("device path"))?.display().to_string();
        let name = device.capabilities().map_err(camera_error("capabilities"))?.card().to_owned();
        let mut formats = Vec::new();
        for description in device.formats(BufType::VIDEO_CAPTURE) {
            let description = description.map_err(camera_error("formats"))?;
            let Some(pixel_format) = to_raw(description.pixel_format()) else { continue };
            let sizes = device.frame_sizes(description.pixel_format()).map_err(camera_error("frame sizes"))?;
            let sizes: Vec<(u32, u32)> = match sizes {
                FrameSizes::Discrete(sizes) => sizes.iter().map(|s| (s.width(), s.height())).collect(),
                other => vec![(other.min_width(), other.min_height()), (other.max_width(), other.max_height())],
            };
            formats.extend(
                sizes.into_iter().filter(|(w, h)| w % 2 == 0 && h % 2 == 0).map(|(width, height)| CameraFormat {
                    pixel_format,
                    width,
                    height,
                }),
            );
        }
        Ok(CameraInfo { id, name, formats })
    }

    pub fn list_cameras() -> Result<Vec<CameraInfo>, MediaError> {
        let devices = match linuxvideo::list() {
            Ok(devices) => devices,
            // No /dev at all (a container): no cameras, not an error.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(camera_error("listing devices")(e)),
        };
        let mut cameras = Vec::new();
        for device in devices {
            let Ok(device) = device else { continue };
            if !device.supported_buf_types().contains(linuxvideo::BufTypes::VIDEO_CAPTURE) {
                continue;
            }
            let camera = describe(&device)?;
            if !camera.formats.is_empty() {
                cameras.push(camera);
            }
        }
        Ok(cameras)
    }

    /// An open V4L2 camera streaming in one mode.
    pub struct V4l2Camera {
        id: String,
        formats: Vec<CameraFormat>,
        mode: CameraFormat,
        bytes_per_line: usize,
        stream: Option<ReadStream>,
        format: VideoFormat,
        clock: Clock,
    }

    impl std::fmt::Debug for V4l2Camera {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "V4l2Camera({}, {:?})", self.id, self.mode)
        }
    }

    fn start(id: &str, mode: CameraFormat) -> Result<(ReadStream, CameraFormat, usize), MediaError> {
        let device = Device::open(Path::new(id)).map_err(camera_error("opening"))?;
        let capture = device
            .video_capture(PixFormat::new(mode.width, mode.height, from_raw(mode.pixel_format)))
            .map_err(camera_error("setting the format"))?;
        let negotiated = capture.format();
        let pixel_format = to_raw(negotiated.pixel_format())
            .ok_or_else(|| MediaError::Camera("the camera switched to a format we cannot convert".into()))?;
        let mode = CameraFormat { pixel_format, width: negotiated.width(), height: negotiated.height() };
        let bytes_per_line = negotiated.bytes_per_line() as usize;
        let stream = capture.into_stream().map_err(camera_error("starting the stream"))?;
        Ok((stream, mode, bytes_per_line))
    }

    fn read_frame(
        stream: &mut ReadStream,
        mode: CameraFormat,
        bytes_per_line: usize,
        capture_us: u64,
    ) -> Result<I420Frame, MediaError> {
        stream
            .dequeue(|buffer| {
                Ok(raw_to_i420(mode.pixel_format, (mode.width, mode.height), bytes_per_line, &buffer, capture_us))
            })
            .map_err(camera_error("reading a frame"))?
    }

    pub fn open_camera(id: &str, wanted: VideoFormat, clock: Clock) -> Result<V4l2Camera, MediaError> {
        let device = Device::open(Path::new(id)).map_err(camera_error("opening"))?;
        let formats = describe(&device)?.formats;
        drop(device);
        let mode = choose_format(&formats, (wanted.width, wanted.height))
            .ok_or_else(|| MediaError::Camera("no mode we can convert".into()))?;
        let (stream, mode, bytes_per_line) = start(id, mode)?;
        let format = VideoFormat { width: mode.width, height: mode.height, fps: wanted.fps };
        Ok(V4l2Camera { id: id.to_owned(), formats, mode, bytes_per_line, stream: Some(stream), format, clock })
    }

    impl VideoSource for V4l2Camera {
        fn format(&self) -> VideoFormat {
            self.format
        }

        fn next_frame(&mut self) -> Result<Option<I420Frame>, MediaError> {
            let stream = self.stream.as_mut().ok_or_else(|| MediaError::Camera("the stream is not running".into()))?;
            read_frame(stream, self.mode, self.bytes_per_line, (self.clock)()).map(Some)
        }

        /// Switches the camera to its largest mode for one frame, then back to the video mode. V4L2 allows one
        /// streaming owner per device, so the video stream stops while the photo is taken.
        fn capture_still(&mut self) -> Result<StillPhoto, MediaError> {
            let largest = largest_format(&self.formats).ok_or_else(|| MediaError::Camera("no modes".into()))?;
            self.stream = None;
            let photo = start(&self.id, largest)
                .and_then(|(mut stream, mode, stride)| read_frame(&mut stream, mode, stride, (self.clock)()));
            self.stream = Some(start(&self.id, self.mode)?.0);
            encode_still(&photo?)
        }
    }
}

#[cfg(target_os = "linux")]
pub use v4l2::list_cameras;

/// Opens a camera by id in the mode closest to `wanted`.
#[cfg(target_os = "linux")]
pub fn open_camera(id: &str, wanted: VideoFormat, clock: super::Clock) -> Result<Box<dyn VideoSource>, MediaError> {
    Ok(Box::new(v4l2::open_camera(id, wanted, clock)?))
}

#[cfg(not(target_os = "linux"))]
pub fn list_cameras() -> Result<Vec<CameraInfo>, MediaError> {
    Ok(Vec::new())
}

#[cfg(not(target_os = "linux"))]
pub fn open_camera(_id: &str, _wanted: VideoFormat, _clock: super::Clock) -> Result<Box<dyn VideoSource>, MediaError> {
    Err(MediaError::Camera("no camera backend on this platform yet".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(pixel_format: RawPixelFormat, width: u32, height: u32) -> CameraFormat {
        CameraFormat { pixel_format, width, height }
    }

    #[test]
    fn chooses_the_closest_mode_at_least_as_large_and_cheapest() {
        let modes = [
            mode(RawPixelFormat::Mjpeg, 640, 480),
            mode(RawPixelFormat::Yuyv, 640, 480),
            mode(RawPixelFormat::Yuyv, 320, 180),
            mode(RawPixelFormat::Mjpeg, 1920, 1080),
        ];
        assert_eq!(choose_format(&modes, (320, 240)), Some(mode(RawPixelFormat::Yuyv, 640, 480)));
        assert_eq!(choose_format(&modes, (160, 120)), Some(mode(RawPixelFormat::Yuyv, 320, 180)));
        assert_eq!(choose_format(&modes, (3840, 2160)), Some(mode(RawPixelFormat::Mjpeg, 1920, 1080)));
        assert_eq!(largest_format(&modes), Some(mode(RawPixelFormat::Mjpeg, 1920, 1080)));
        assert_eq!(choose_format(&[], (320, 240)), None);
    }
}
