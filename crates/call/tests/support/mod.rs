//! A simulated link for the estimator: `eclinic-linklab`'s link (a bottleneck with a drop-tail queue and
//! a capacity that can step, delay with jitter, radio loss random or bursty) forward, and feedback every
//! 50 ms back as TWCC gives it. Deterministic and faster than real time: a minute of link runs in
//! milliseconds.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Duration;

use eclinic_call::bwe::{Ack, LossTolerantEstimator};
pub use eclinic_linklab::Loss;
use eclinic_linklab::{Link, Shape};

pub const PACKET_BYTES: usize = 1200;
const STEP: Duration = Duration::from_millis(5);
const FEEDBACK_INTERVAL_MS: u64 = 50;
/// The receiver's clock has another origin than the sender's; the estimator must not care.
const RECEIVER_CLOCK_OFFSET: Duration = Duration::from_secs(1_000);

#[derive(Debug, Clone)]
pub struct Profile {
    /// (from second, bits per second), in order.
    pub capacity: Vec<(f64, f64)>,
    pub propagation_ms: u64,
    pub jitter_ms: u64,
    /// The longest a packet waits in the bottleneck's queue.
    pub queue_ms: u64,
    pub loss: Loss,
    /// (from second, to second) windows in which the radio loses every packet.
    pub fades: Vec<(f64, f64)>,
    pub seconds: f64,
    pub sender: Sender,
}

/// How the sender fills the link.
#[derive(Debug, Clone, Copy)]
pub enum Sender {
    /// A smooth flow at exactly the estimate.
    Fluid,
    /// A camera's encoder as the call has it, unpaced: a burst of packets per frame, a frame every
    /// 1/`fps` s of `used` times the estimate's share, and every `keyframe_every` frames one `keyframe_size`
    /// times as large.
    Video { fps: u32, used: f64, keyframe_every: u32, keyframe_size: f64 },
}

impl Profile {
    pub fn steady(bps: f64, loss: Loss) -> Self {
        Self {
            capacity: vec![(0.0, bps)],
            propagation_ms: 100,
            jitter_ms: 0,
            queue_ms: 800,
            loss,
            fades: Vec::new(),
            seconds: 40.0,
            sender: Sender::Fluid,
        }
    }

    fn shape(&self) -> Shape {
        Shape {
            capacity: self.capacity.iter().map(|(from, bps)| (Duration::from_secs_f64(*from), *bps as u64)).collect(),
            delay: Duration::from_millis(self.propagation_ms),
            jitter: Duration::from_millis(self.jitter_ms),
            loss: self.loss,
            queue: Duration::from_millis(self.queue_ms),
            outages: self
                .fades
                .iter()
                .map(|(from, to)| (Duration::from_secs_f64(*from), Duration::from_secs_f64(*to)))
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub t: f64,
    pub estimate_bps: f64,
}

/// A report on its way back: when it reaches the sender, the packet's sequence, its arrival (or loss), its
/// departure and its size.
type InFlightReport = (Duration, u64, Option<Duration>, Duration, usize);

/// The receiver reports at its next feedback tick after hearing of a packet; the report takes the
/// propagation delay back.
fn report_due(heard_at: Duration, propagation: Duration) -> Duration {
    let tick = heard_at.as_millis() as u64 / FEEDBACK_INTERVAL_MS * FEEDBACK_INTERVAL_MS + FEEDBACK_INTERVAL_MS;
    Duration::from_millis(tick) + propagation
}

/// Runs `profile` with the estimator setting the send rate; a sample every 100 ms.
pub fn run(profile: &Profile) -> Vec<Sample> {
    let mut estimator = LossTolerantEstimator::new(2_000_000.0);
    let mut link: Link<u64> = Link::new(profile.shape(), 0x9E37_79B9_7F4A_7C15);
    let propagation = Duration::from_millis(profile.propagation_ms);
    let mut reports: BinaryHeap<Reverse<InFlightReport>> = BinaryHeap::new();
    // Sent and not yet heard of: the link keeps order, so a packet still here when a later one arrives
    // was lost.
    let mut unheard: BTreeMap<u64, (Duration, usize)> = BTreeMap::new();
    let mut credit_bytes = 0.0;
    let mut sequence = 0u64;
    let mut samples = Vec::new();
    let steps = (profile.seconds / STEP.as_secs_f64()) as u64;
    for step in 0..steps {
        let now = STEP * u32::try_from(step).unwrap();
        while let Some(arrived) = link.poll_delivery(now) {
            let Some((departure, size)) = unheard.remove(&arrived) else { continue };
            let lost: Vec<u64> = unheard.range(..arrived).map(|(seq, _)| *seq).collect();
            for seq in lost {
                let (lost_departure, lost_size) = unheard.remove(&seq).unwrap();
                reports.push(Reverse((report_due(now, propagation), seq, None, lost_departure, lost_size)));
            }
            reports.push(Reverse((
                report_due(now, propagation),
                arrived,
                Some(now + RECEIVER_CLOCK_OFFSET),
                departure,
                size,
            )));
        }
        let mut batch = Vec::new();
        while reports.peek().is_some_and(|Reverse((due, ..))| *due <= now) {
            let Reverse((_, _, arrival, departure, size_bytes)) = reports.pop().unwrap();
            batch.push(Ack { departure, arrival, size_bytes });
        }
        estimator.on_feedback(now, &batch);

        let mut send = |bytes: usize| {
            sequence += 1;
            unheard.insert(sequence, (now, bytes));
            link.handle_packet(now, bytes, sequence);
        };
        match profile.sender {
            Sender::Fluid => {
                credit_bytes += estimator.target_bps() * STEP.as_secs_f64() / 8.0;
                while credit_bytes >= PACKET_BYTES as f64 {
                    credit_bytes -= PACKET_BYTES as f64;
                    send(PACKET_BYTES);
                }
            }
            Sender::Video { fps, used, keyframe_every, keyframe_size } => {
                let frame_interval = 1_000 / u64::from(fps);
                let millis = now.as_millis() as u64;
                if millis % frame_interval < STEP.as_millis() as u64 {
                    let frame = millis / frame_interval;
                    let size = if frame.is_multiple_of(u64::from(keyframe_every)) { keyframe_size } else { 1.0 };
                    let mut bytes = (estimator.target_bps() * used / 8.0 / f64::from(fps) * size) as usize;
                    while bytes > 0 {
                        let packet = bytes.min(PACKET_BYTES);
                        bytes -= packet;
                        send(packet);
                    }
                }
            }
        }
        if step % 20 == 0 {
            samples.push(Sample { t: now.as_secs_f64(), estimate_bps: estimator.target_bps() });
        }
    }
    samples
}

/// The mean estimate over [from, to) seconds.
pub fn mean_estimate(samples: &[Sample], from: f64, to: f64) -> f64 {
    let window: Vec<f64> = samples.iter().filter(|s| s.t >= from && s.t < to).map(|s| s.estimate_bps).collect();
    window.iter().sum::<f64>() / window.len().max(1) as f64
}
