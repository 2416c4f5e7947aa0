//! Sound devices through cpal, opened by id (`alsa:pulse`, `wasapi:{…}`), at 48 kHz mono when the device offers
//! it and converted (downmix, resample) when it does not.

use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, Sample, SampleFormat, SizedSample, StreamConfig, SupportedStreamConfig};

use super::{AudioSource, Resampler, SAMPLE_RATE};
use crate::MediaError;

/// A capture device that delivers nothing for this long has gone away.
const CAPTURE_STALL: Duration = Duration::from_secs(2);
/// Device buffer: 20 ms keeps the added latency to a frame of speech (a server's default can be seconds).
const DEVICE_BUFFER_FRAMES: u32 = 960;
/// Callback buffers in flight between the audio thread and the reader (a few seconds at most).
const CAPTURE_QUEUE: usize = 256;

fn device_error(what: &'static str) -> impl FnOnce(cpal::Error) -> MediaError {
    move |e| MediaError::AudioDevice(format!("{what}: {e}"))
}

/// A sound device as listed for the settings screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioDeviceInfo {
    /// Stable id to open it by.
    pub id: String,
    pub name: String,
    pub input: bool,
    pub output: bool,
}

/// Every device of the default host.
pub fn list_audio_devices() -> Result<Vec<AudioDeviceInfo>, MediaError> {
    let host = cpal::default_host();
    let devices = host.devices().map_err(device_error("listing devices"))?;
    Ok(devices
        .filter_map(|device| {
            let id = device.id().ok()?.to_string();
            let name = device.description().map(|d| d.name().to_owned()).unwrap_or_else(|_| id.clone());
            Some(AudioDeviceInfo { id, name, input: device.supports_input(), output: device.supports_output() })
        })
        .collect())
}

/// The id of the default host's default microphone, when there is one.
pub fn default_input_id() -> Option<String> {
    cpal::default_host().default_input_device()?.id().ok().map(|id| id.to_string())
}

/// The id of the default host's default loudspeaker, when there is one.
pub fn default_output_id() -> Option<String> {
    cpal::default_host().default_output_device()?.id().ok().map(|id| id.to_string())
}

fn find_device(id: &str) -> Result<cpal::Device, MediaError> {
    let parsed = cpal::DeviceId::from_str(id).map_err(device_error("device id"))?;
    let host = cpal::host_from_id(parsed.host()).map_err(device_error("audio host"))?;
    host.device_by_id(&parsed).ok_or_else(|| MediaError::AudioDevice(format!("no device {id}")))
}

/// The stream configuration with a short device buffer when the device allows one.
fn low_latency(supported: &SupportedStreamConfig) -> StreamConfig {
    let mut config = supported.config();
    if let cpal::SupportedBufferSize::Range { min, max } = *supported.buffer_size() {
        config.buffer_size = cpal::BufferSize::Fixed(DEVICE_BUFFER_FRAMES.clamp(min, max));
    }
    config
}

/// 48 kHz mono if the device has it, else its default configuration.
fn pick_config(
    configs: impl Iterator<Item = cpal::SupportedStreamConfigRange>,
    default: impl FnOnce() -> Result<SupportedStreamConfig, cpal::Error>,
) -> Result<SupportedStreamConfig, MediaError> {
    let usable = |format: SampleFormat| matches!(format, SampleFormat::I16 | SampleFormat::F32);
    let mut configs: Vec<_> = configs.filter(|c| usable(c.sample_format())).collect();
    configs.sort_by_key(|c| (c.channels(), c.sample_format() != SampleFormat::I16));
    let native = configs
        .iter()
        .find(|c| c.min_sample_rate() <= SAMPLE_RATE && SAMPLE_RATE <= c.max_sample_rate())
        .map(|c| c.with_sample_rate(SAMPLE_RATE));
    match native {
        Some(config) => Ok(config),
        None => {
            let config = default().map_err(device_error("default configuration"))?;
            if usable(config.sample_format()) {
                Ok(config)
            } else {
                Err(MediaError::UnsupportedFormat(format!("device sample format {:?}", config.sample_format())))
            }
        }
    }
}

/// Microphone capture: samples arrive on the audio thread and are read, blocking, as 48 kHz mono.
pub struct CpalCapture {
    stream: cpal::Stream,
    buffers: Receiver<Result<Vec<f32>, String>>,
    pending: VecDeque<i16>,
    resampler: Option<Resampler>,
    device_rate: u32,
}

impl std::fmt::Debug for CpalCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CpalCapture({} Hz)", self.device_rate)
    }
}

fn downmix<T: Sample>(data: &[T], channels: usize) -> Vec<f32>
where
    f32: FromSample<T>,
{
    data.chunks(channels.max(1))
        .map(|frame| frame.iter().map(|s| f32::from_sample(*s)).sum::<f32>() / frame.len() as f32)
        .collect()
}

fn build_input<T: SizedSample>(
    device: &cpal::Device,
    config: StreamConfig,
    sender: SyncSender<Result<Vec<f32>, String>>,
) -> Result<cpal::Stream, MediaError>
where
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels);
    let errors = sender.clone();
    device
        .build_input_stream::<T, _, _>(
            config,
            move |data, _| {
                // A full queue means the reader stalled; dropping audio beats blocking the audio thread.
                let _ = sender.try_send(Ok(downmix(data, channels)));
            },
            move |error| {
                let _ = errors.try_send(Err(error.to_string()));
            },
            None,
        )
        .map_err(device_error("opening the capture stream"))
}

impl CpalCapture {
    pub fn open(device_id: &str) -> Result<Self, MediaError> {
        let device = find_device(device_id)?;
        let configs = device.supported_input_configs().map_err(device_error("input configurations"))?;
        let supported = pick_config(configs, || device.default_input_config())?;
        let config = low_latency(&supported);
        let (sender, buffers) = sync_channel(CAPTURE_QUEUE);
        let stream = match supported.sample_format() {
            SampleFormat::I16 => build_input::<i16>(&device, config, sender)?,
            _ => build_input::<f32>(&device, config, sender)?,
        };
        stream.play().map_err(device_error("starting capture"))?;
        let device_rate = config.sample_rate;
        let resampler = (device_rate != SAMPLE_RATE).then(|| Resampler::new(device_rate, SAMPLE_RATE)).transpose()?;
        Ok(Self { stream, buffers, pending: VecDeque::new(), resampler, device_rate })
    }

    /// The device's own rate (48000 unless it had to be resampled).
    pub fn device_rate(&self) -> u32 {
        self.device_rate
    }

    fn receive(&mut self) -> Result<(), MediaError> {
        let buffer = match self.buffers.recv_timeout(CAPTURE_STALL) {
            Ok(Ok(buffer)) => buffer,
            Ok(Err(message)) => return Err(MediaError::AudioDevice(format!("capture: {message}"))),
            Err(RecvTimeoutError::Timeout) => return Err(MediaError::AudioDevice("capture stalled".into())),
            Err(RecvTimeoutError::Disconnected) => return Err(MediaError::AudioDevice("capture stopped".into())),
        };
        match &mut self.resampler {
            Some(resampler) => {
                resampler.push(&buffer)?;
                let mut converted = vec![0; resampler.available()];
                resampler.pull(&mut converted);
                self.pending.extend(converted);
            }
            None => self.pending.extend(buffer.into_iter().map(i16::from_sample)),
        }
        Ok(())
    }
}

impl AudioSource for CpalCapture {
    fn read(&mut self, out: &mut [i16]) -> Result<usize, MediaError> {
        while self.pending.len() < out.len() {
            self.receive()?;
        }
        let wanted = out.len();
        for (slot, sample) in out.iter_mut().zip(self.pending.drain(..wanted)) {
            *slot = sample;
        }
        Ok(out.len())
    }
}

impl Drop for CpalCapture {
    fn drop(&mut self) {
        let _ = self.stream.pause();
    }
}

/// What playback has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlaybackStats {
    /// Samples the device consumed, real or silence.
    pub consumed: u64,
    /// Samples of silence played because nothing was queued.
    pub underrun: u64,
}

#[derive(Debug, Default)]
struct PlaybackQueue {
    samples: VecDeque<f32>,
    stats: PlaybackStats,
}

/// Loudspeaker playback: queue 48 kHz mono samples, the audio thread plays them (silence when starved).
pub struct CpalPlayback {
    stream: cpal::Stream,
    queue: Arc<Mutex<PlaybackQueue>>,
    resampler: Option<Resampler>,
    device_rate: u32,
}

impl std::fmt::Debug for CpalPlayback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CpalPlayback({} Hz)", self.device_rate)
    }
}

fn build_output<T: SizedSample + FromSample<f32>>(
    device: &cpal::Device,
    config: StreamConfig,
    queue: Arc<Mutex<PlaybackQueue>>,
) -> Result<cpal::Stream, MediaError> {
    let channels = usize::from(config.channels).max(1);
    device
        .build_output_stream::<T, _, _>(
            config,
            move |data, _| {
                // A poisoned lock means the feeding thread panicked; play silence rather than propagate it.
                let Ok(mut queue) = queue.lock() else { return };
                for frame in data.chunks_mut(channels) {
                    let sample = match queue.samples.pop_front() {
                        Some(sample) => sample,
                        None => {
                            queue.stats.underrun += 1;
                            0.0
                        }
                    };
                    queue.stats.consumed += 1;
                    frame.fill(T::from_sample(sample));
                }
            },
            |_| {},
            None,
        )
        .map_err(device_error("opening the playback stream"))
}

impl CpalPlayback {
    pub fn open(device_id: &str) -> Result<Self, MediaError> {
        let device = find_device(device_id)?;
        let configs = device.supported_output_configs().map_err(device_error("output configurations"))?;
        let supported = pick_config(configs, || device.default_output_config())?;
        let config = low_latency(&supported);
        let queue = Arc::new(Mutex::new(PlaybackQueue::default()));
        let stream = match supported.sample_format() {
            SampleFormat::I16 => build_output::<i16>(&device, config, Arc::clone(&queue))?,
            _ => build_output::<f32>(&device, config, Arc::clone(&queue))?,
        };
        stream.play().map_err(device_error("starting playback"))?;
        let device_rate = config.sample_rate;
        let resampler = (device_rate != SAMPLE_RATE).then(|| Resampler::new(SAMPLE_RATE, device_rate)).transpose()?;
        Ok(Self { stream, queue, resampler, device_rate })
    }

    /// Queues samples for playing.
    pub fn play(&mut self, samples: &[i16]) -> Result<(), MediaError> {
        let as_f32: Vec<f32> = samples.iter().map(|s| f32::from_sample(*s)).collect();
        let converted = match &mut self.resampler {
            Some(resampler) => {
                resampler.push(&as_f32)?;
                let mut out = vec![0; resampler.available()];
                resampler.pull(&mut out);
                out.iter().map(|s| f32::from_sample(*s)).collect()
            }
            None => as_f32,
        };
        let mut queue = self.queue.lock().map_err(|_| MediaError::AudioDevice("playback thread failed".into()))?;
        queue.samples.extend(converted);
        Ok(())
    }

    /// Samples queued and not yet played.
    pub fn queued(&self) -> usize {
        self.queue.lock().map_or(0, |queue| queue.samples.len())
    }

    pub fn stats(&self) -> PlaybackStats {
        self.queue.lock().map_or_else(|_| PlaybackStats::default(), |queue| queue.stats)
    }
}

impl Drop for CpalPlayback {
    fn drop(&mut self) {
        let _ = self.stream.pause();
    }
}
