//! Sound: 48 kHz mono PCM sources (synthetic voice, WAV file, a cpal device, a microphone for paced readers),
//! playback, resampling and Opus.

mod device;
mod microphone;
pub mod opus_codec;
mod resample;
mod synthetic;
mod wav;

pub use device::{
    AudioDeviceInfo, CpalCapture, CpalPlayback, PlaybackStats, default_input_id, default_output_id, list_audio_devices,
};
pub use microphone::Microphone;
pub use resample::Resampler;
pub use synthetic::SyntheticVoice;
pub use wav::{WavSource, WavWriter};

use crate::MediaError;

/// The engine's one internal rate: Opus's native rate, so nothing is resampled on the way to the codec.
pub const SAMPLE_RATE: u32 = 48_000;

/// Samples in `ms` milliseconds at [`SAMPLE_RATE`].
pub const fn samples_per_ms(ms: u32) -> usize {
    (SAMPLE_RATE / 1000 * ms) as usize
}

/// Anything that yields 48 kHz mono samples. `CpalCapture` blocks until it has them; files, the synthetic voice
/// and `Microphone` return at once and are paced by their caller.
pub trait AudioSource: Send {
    /// Fills `out`; returns how many samples were written, fewer than `out.len()` only at the end of a finite
    /// source (0: nothing left).
    fn read(&mut self, out: &mut [i16]) -> Result<usize, MediaError>;
}
