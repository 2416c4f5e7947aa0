//! The media engine: pictures and sound from devices, files or synthetic sources; H.264 and Opus at rural
//! bitrates; quality metrics; and the allocator that splits a bandwidth estimate between them.
//!
//! Codecs, conversion and the allocator are pure (no clocks, no threads); capture and playback are thin drivers
//! over V4L2 and cpal.

pub mod allocator;
pub mod audio;
pub mod bench;
mod error;
pub mod quality;
pub mod video;

pub use error::MediaError;
