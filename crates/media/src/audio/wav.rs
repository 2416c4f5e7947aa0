use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::{AudioSource, Resampler, SAMPLE_RATE};
use crate::MediaError;

fn wav_error(e: hound::Error) -> MediaError {
    MediaError::Wav(e.to_string())
}

/// A WAV file (8-32 bit integer or 32-bit float, any rate, any channels) as 48 kHz mono, optionally looping.
pub struct WavSource {
    path: PathBuf,
    reader: hound::WavReader<BufReader<File>>,
    spec: hound::WavSpec,
    resampler: Option<Resampler>,
    looping: bool,
    exhausted: bool,
}

impl std::fmt::Debug for WavSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WavSource({}, {} Hz x{})", self.path.display(), self.spec.sample_rate, self.spec.channels)
    }
}

impl WavSource {
    pub fn open(path: &Path, looping: bool) -> Result<Self, MediaError> {
        let reader = hound::WavReader::open(path).map_err(wav_error)?;
        let spec = reader.spec();
        if spec.channels == 0 || spec.sample_rate == 0 {
            return Err(MediaError::Wav("no channels or no sample rate".into()));
        }
        let resampler =
            (spec.sample_rate != SAMPLE_RATE).then(|| Resampler::new(spec.sample_rate, SAMPLE_RATE)).transpose()?;
        Ok(Self { path: path.to_owned(), reader, spec, resampler, looping, exhausted: false })
    }

    /// One mono sample in [-1, 1] from the next frame of all channels, `None` at the end of the file.
    fn next_mono(&mut self) -> Result<Option<f32>, MediaError> {
        let channels = usize::from(self.spec.channels);
        let mut sum = 0.0;
        for _ in 0..channels {
            let sample = match self.spec.sample_format {
                hound::SampleFormat::Float => self.reader.samples::<f32>().next().transpose().map_err(wav_error)?,
                hound::SampleFormat::Int => {
                    let scale = 2f32.powi(i32::from(self.spec.bits_per_sample) - 1);
                    self.reader.samples::<i32>().next().transpose().map_err(wav_error)?.map(|s| s as f32 / scale)
                }
            };
            match sample {
                Some(sample) => sum += sample,
                None => return Ok(None),
            }
        }
        Ok(Some(sum / channels as f32))
    }

    fn rewind(&mut self) -> Result<(), MediaError> {
        self.reader.seek(0).map_err(MediaError::io("rewinding the WAV file"))
    }
}

impl AudioSource for WavSource {
    fn read(&mut self, out: &mut [i16]) -> Result<usize, MediaError> {
        let mut written = 0;
        while written < out.len() {
            if let Some(resampler) = &mut self.resampler {
                written += resampler.pull(&mut out[written..]);
                if written == out.len() || self.exhausted {
                    break;
                }
            }
            let sample = match self.next_mono()? {
                Some(sample) => sample,
                None if self.looping && self.reader.duration() > 0 => {
                    self.rewind()?;
                    continue;
                }
                None => {
                    self.exhausted = true;
                    if self.resampler.is_none() {
                        break;
                    }
                    continue;
                }
            };
            match &mut self.resampler {
                Some(resampler) => resampler.push(&[sample])?,
                None => {
                    out[written] = (sample * 32_768.0).clamp(-32_768.0, 32_767.0) as i16;
                    written += 1;
                }
            }
        }
        Ok(written)
    }
}

/// Writes 48 kHz mono 16-bit WAV (what a call recording holds).
pub struct WavWriter {
    writer: hound::WavWriter<std::io::BufWriter<File>>,
}

impl std::fmt::Debug for WavWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WavWriter")
    }
}

impl WavWriter {
    pub fn create(path: &Path) -> Result<Self, MediaError> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: SAMPLE_RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        Ok(Self { writer: hound::WavWriter::create(path, spec).map_err(wav_error)? })
    }

    pub fn write(&mut self, samples: &[i16]) -> Result<(), MediaError> {
        let mut writer = self.writer.get_i16_writer(samples.len() as u32);
        for &sample in samples {
            writer.write_sample(sample);
        }
        writer.flush().map_err(wav_error)
    }

    /// Completes the header; a file not finished still holds its samples but claims none.
    pub fn finish(self) -> Result<(), MediaError> {
        self.writer.finalize().map_err(wav_error)
    }
}
