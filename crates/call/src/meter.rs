//! What a call looks and sounds like, second by second: bitrates, the estimate, frame rate and freezes,
//! concealed audio, round trip and loss, and glass-to-glass latency read from stamped pictures. Sans-IO: fed
//! events and the time, drained with [`CallMeter::poll_second`] and summarised by [`CallMeter::summary`].

use std::time::Duration;

use crate::audio_rx::AudioCounters;

/// A freeze is an inter-picture gap longer than three times the average and 150 ms beyond it (the
/// definition of WebRTC's `freezeCount`).
const FREEZE_FACTOR: f64 = 3.0;
const FREEZE_EXTRA: Duration = Duration::from_millis(150);
/// The average inter-picture gap is taken over this many recent pictures.
const AVERAGE_OVER: usize = 30;
/// Between the first two pictures, with no average yet, a gap this long counts as frozen.
const FIRST_GAP_FREEZE: Duration = Duration::from_millis(500);

/// One second of the call.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondStats {
    /// Seconds since the call started (the end of this second).
    pub second: u32,
    pub send_kbps: f64,
    pub receive_kbps: f64,
    pub estimate_kbps: f64,
    pub pictures: u32,
    pub width: u32,
    pub height: u32,
    pub freeze_ms: u32,
    pub audio_concealed_fraction: f64,
    pub rtt_ms: Option<u32>,
    pub loss_fraction: f64,
    /// Median glass-to-glass latency of the stamped pictures received this second.
    pub latency_ms: Option<u32>,
}

/// The whole call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSummary {
    pub seconds: u32,
    pub mean_send_kbps: f64,
    pub mean_receive_kbps: f64,
    pub mean_fps: f64,
    pub freeze_ms: u64,
    pub audio_concealed_fraction: f64,
    pub latency_p50_ms: Option<u32>,
    pub latency_p95_ms: Option<u32>,
}

#[derive(Debug, Clone, Default)]
struct Window {
    sent_bytes: u64,
    received_bytes: u64,
    pictures: u32,
    freeze: Duration,
    latencies: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct CallMeter {
    started: Duration,
    second: u32,
    window: Window,
    size: (u32, u32),
    estimate_bps: f64,
    rtt_ms: Option<u32>,
    loss_fraction: f64,
    last_picture: Option<Duration>,
    recent_gaps: Vec<Duration>,
    audio_at_window_start: AudioCounters,
    audio: AudioCounters,
    totals: Window,
}

fn median(values: &mut [u32]) -> Option<u32> {
    percentile(values, 0.5)
}

fn percentile(values: &mut [u32], p: f64) -> Option<u32> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let index = ((values.len() - 1) as f64 * p).round() as usize;
    values.get(index).copied()
}

fn concealed_between(from: &AudioCounters, to: &AudioCounters) -> f64 {
    let delta = AudioCounters {
        decoded_samples: to.decoded_samples.saturating_sub(from.decoded_samples),
        recovered_samples: to.recovered_samples.saturating_sub(from.recovered_samples),
        concealed_samples: to.concealed_samples.saturating_sub(from.concealed_samples),
        ..AudioCounters::default()
    };
    delta.concealed_fraction()
}

impl CallMeter {
    pub fn new(now: Duration) -> Self {
        Self {
            started: now,
            second: 0,
            window: Window::default(),
            size: (0, 0),
            estimate_bps: 0.0,
            rtt_ms: None,
            loss_fraction: 0.0,
            last_picture: None,
            recent_gaps: Vec::new(),
            audio_at_window_start: AudioCounters::default(),
            audio: AudioCounters::default(),
            totals: Window::default(),
        }
    }

    pub fn handle_sent(&mut self, bytes: usize) {
        self.window.sent_bytes += bytes as u64;
    }

    pub fn handle_received(&mut self, bytes: usize) {
        self.window.received_bytes += bytes as u64;
    }

    pub fn handle_estimate(&mut self, bps: f64) {
        self.estimate_bps = bps;
    }

    pub fn handle_link(&mut self, rtt_ms: Option<u32>, loss_fraction: f64) {
        self.rtt_ms = rtt_ms.or(self.rtt_ms);
        self.loss_fraction = loss_fraction;
    }

    pub fn handle_audio(&mut self, counters: AudioCounters) {
        self.audio = counters;
    }

    /// A decoded picture, and its glass-to-glass latency when it carried a stamp.
    pub fn handle_picture(&mut self, now: Duration, width: u32, height: u32, latency_ms: Option<u32>) {
        self.size = (width, height);
        self.window.pictures += 1;
        self.window.latencies.extend(latency_ms);
        // The wait for the first picture is the call's setup, not a freeze.
        if let Some(since) = self.last_picture.replace(now) {
            let gap = now.saturating_sub(since);
            if self.is_freeze(gap) {
                self.window.freeze += gap;
            }
            self.recent_gaps.push(gap);
            if self.recent_gaps.len() > AVERAGE_OVER {
                self.recent_gaps.remove(0);
            }
        }
    }

    fn is_freeze(&self, gap: Duration) -> bool {
        if self.recent_gaps.is_empty() {
            return gap >= FIRST_GAP_FREEZE;
        }
        let average = self.recent_gaps.iter().sum::<Duration>() / self.recent_gaps.len() as u32;
        gap.as_secs_f64() > (average.as_secs_f64() * FREEZE_FACTOR).max((average + FREEZE_EXTRA).as_secs_f64())
    }

    /// The second that has ended by `now`, if one has. Call it at least once a second.
    pub fn poll_second(&mut self, now: Duration) -> Option<SecondStats> {
        let elapsed = now.saturating_sub(self.started);
        if elapsed < Duration::from_secs(u64::from(self.second) + 1) {
            return None;
        }
        self.second += 1;
        let mut window = std::mem::take(&mut self.window);
        let stats = SecondStats {
            second: self.second,
            send_kbps: window.sent_bytes as f64 * 8.0 / 1_000.0,
            receive_kbps: window.received_bytes as f64 * 8.0 / 1_000.0,
            estimate_kbps: self.estimate_bps / 1_000.0,
            pictures: window.pictures,
            width: self.size.0,
            height: self.size.1,
            freeze_ms: window.freeze.as_millis() as u32,
            audio_concealed_fraction: concealed_between(&self.audio_at_window_start, &self.audio),
            rtt_ms: self.rtt_ms,
            loss_fraction: self.loss_fraction,
            latency_ms: median(&mut window.latencies),
        };
        self.audio_at_window_start = self.audio;
        self.totals.sent_bytes += window.sent_bytes;
        self.totals.received_bytes += window.received_bytes;
        self.totals.pictures += window.pictures;
        self.totals.freeze += window.freeze;
        self.totals.latencies.append(&mut window.latencies);
        Some(stats)
    }

    /// The call so far, over the whole seconds already polled.
    pub fn summary(&self) -> CallSummary {
        let seconds = f64::from(self.second.max(1));
        let mut latencies = self.totals.latencies.clone();
        CallSummary {
            seconds: self.second,
            mean_send_kbps: self.totals.sent_bytes as f64 * 8.0 / 1_000.0 / seconds,
            mean_receive_kbps: self.totals.received_bytes as f64 * 8.0 / 1_000.0 / seconds,
            mean_fps: f64::from(self.totals.pictures) / seconds,
            freeze_ms: self.totals.freeze.as_millis() as u64,
            audio_concealed_fraction: self.audio.concealed_fraction(),
            latency_p50_ms: median(&mut latencies),
            latency_p95_ms: percentile(&mut latencies, 0.95),
        }
    }
}
