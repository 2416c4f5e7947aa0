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
    pub seconds: f64,
}

impl Profile {
    pub fn steady(bps: f64, loss: Loss) -> Self {
        Self { capacity: vec![(0.0, bps)], propagation_ms: 100, jitter_ms: 0, queue_ms: 800, loss, seconds: 40.0 }
    }

    fn shape(&self) -> Shape {
        Shape {
            capacity: self.capacity.iter().map(|(from, bps)| (Duration::from_secs_f64(*from), *bps as u64)).collect(),
            delay: Duration::from_millis(self.propagation_ms),
            jitter: Duration::from_millis(self.jitter_ms),
            loss: self.loss,
            queue: Duration::from_millis(self.queue_ms),
            outages: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub t: f64,
    pub estimate_bps: f64,
}

/// A report on its way back: when it reaches the sender, the packet's sequence, its arrival (or loss) and its
/// departure.
type InFlightReport = (Duration, u64, Option<Duration>, Duration);

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
    let mut unheard: BTreeMap<u64, Duration> = BTreeMap::new();
    let mut credit_bytes = 0.0;
    let mut sequence = 0u64;
    let mut samples = Vec::new();
    let steps = (profile.seconds / STEP.as_secs_f64()) as u64;
    for step in 0..steps {
        let now = STEP * u32::try_from(step).unwrap();
        while let Some(arrived) = link.poll_delivery(now) {
            let Some(departure) = unheard.remove(&arrived) else { continue };
            let lost: Vec<u64> = unheard.range(..arrived).map(|(seq, _)| *seq).collect();
            for seq in lost {
                let lost_departure = unheard.remove(&seq).unwrap();
                reports.push(Reverse((report_due(now, propagation), seq, None, lost_departure)));
            }
            reports.push(Reverse((
                report_due(now, propagation),
                arrived,
                Some(now + RECEIVER_CLOCK_OFFSET),
                departure,
            )));
        }
        let mut batch = Vec::new();
        while reports.peek().is_some_and(|Reverse((due, ..))| *due <= now) {
            let Reverse((_, _, arrival, departure)) = reports.pop().unwrap();
            batch.push(Ack { departure, arrival, size_bytes: PACKET_BYTES });
        }
        estimator.on_feedback(now, &batch);

        credit_bytes += estimator.target_bps() * STEP.as_secs_f64() / 8.0;
        while credit_bytes >= PACKET_BYTES as f64 {
            credit_bytes -= PACKET_BYTES as f64;
            sequence += 1;
            unheard.insert(sequence, now);
            link.handle_packet(now, PACKET_BYTES, sequence);
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
