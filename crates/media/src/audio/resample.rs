use std::collections::VecDeque;

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler as _};

use crate::MediaError;

/// Streaming mono resampler from a device's or file's rate to another (48 kHz inside the engine).
pub struct Resampler {
    inner: Fft<f32>,
    input: Vec<f32>,
    output: Vec<f32>,
    ready: VecDeque<f32>,
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Resampler({} buffered)", self.input.len())
    }
}

fn resample_error(e: impl std::fmt::Display) -> MediaError {
    MediaError::Resample(e.to_string())
}

impl Resampler {
    pub fn new(from_hz: u32, to_hz: u32) -> Result<Self, MediaError> {
        if from_hz == 0 || to_hz == 0 {
            return Err(MediaError::InvalidSetting(format!("resampling {from_hz} Hz to {to_hz} Hz")));
        }
        // 10 ms chunks keep the added delay small.
        let chunk = (from_hz / 100).max(1) as usize;
        let inner =
            Fft::<f32>::new(from_hz as usize, to_hz as usize, chunk, 1, FixedSync::Input).map_err(resample_error)?;
        let output = vec![0.0; inner.output_frames_max()];
        Ok(Self { inner, input: Vec::with_capacity(chunk), output, ready: VecDeque::new() })
    }

    /// Feeds samples in; converted samples become available from [`Self::pull`] chunk by chunk.
    pub fn push(&mut self, samples: &[f32]) -> Result<(), MediaError> {
        for &sample in samples {
            self.input.push(sample);
            if self.input.len() == self.inner.input_frames_next() {
                let input = InterleavedSlice::new(&self.input, 1, self.input.len()).map_err(resample_error)?;
                let capacity = self.output.len();
                let mut output = InterleavedSlice::new_mut(&mut self.output, 1, capacity).map_err(resample_error)?;
                let (_, written) = self.inner.process_into_buffer(&input, &mut output, None).map_err(resample_error)?;
                self.ready.extend(&self.output[..written]);
                self.input.clear();
            }
        }
        Ok(())
    }

    /// Converted samples available now.
    pub fn available(&self) -> usize {
        self.ready.len()
    }

    /// Moves up to `out.len()` converted samples into `out` as 16-bit PCM; returns how many.
    pub fn pull(&mut self, out: &mut [i16]) -> usize {
        let count = out.len().min(self.ready.len());
        for (slot, sample) in out.iter_mut().zip(self.ready.drain(..count)) {
            *slot = (sample * 32_768.0).clamp(-32_768.0, 32_767.0) as i16;
        }
        count
    }
}
