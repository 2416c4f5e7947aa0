//! Pictures: the frame type, sources (synthetic, Y4M file, camera), pixel conversion, still photos, the
//! H.264 codec and the resolution ladder.

mod camera;
mod convert;
mod frame;
pub mod h264;
mod keyframe;
mod ladder;
pub mod stamp;
mod still;
mod synthetic;
mod y4m_io;

pub use camera::{CameraFormat, CameraInfo, list_cameras, open_camera};
pub use convert::{RawPixelFormat, raw_to_i420};
pub use frame::{I420Frame, MAX_DIMENSION, check_dimensions};
pub use keyframe::KeyframeGate;
pub use ladder::{LADDER, Rung};
pub use still::{StillPhoto, decode_jpeg, encode_still};
pub use synthetic::{SYNTHETIC_STILL, SyntheticVideo};
pub use y4m_io::{Y4mSource, Y4mWriter};

use crate::MediaError;

/// Size and nominal rate of a video source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoFormat {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

/// Wall-clock time in microseconds since the Unix epoch. Sources take it as a parameter so tests can run on a
/// simulated clock.
pub type Clock = Box<dyn Fn() -> u64 + Send>;

/// The real wall clock.
pub fn system_clock() -> Clock {
    Box::new(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_micros() as u64)
    })
}

/// Anything that yields pictures: a camera, a file, the synthetic scene. A camera blocks until its next frame;
/// the other sources return at once and are paced by their caller.
pub trait VideoSource: Send {
    fn format(&self) -> VideoFormat;

    /// The next picture, or `None` at the end of a finite source.
    fn next_frame(&mut self) -> Result<Option<I420Frame>, MediaError>;

    /// A full-resolution still photo, independent of the video size.
    fn capture_still(&mut self) -> Result<StillPhoto, MediaError>;
}
