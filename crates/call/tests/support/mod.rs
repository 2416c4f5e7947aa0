//! A simulated link for the estimator: a bottleneck with a drop-tail queue and a capacity that can step,
//! propagation delay each way, radio loss (random or bursty), and feedback every 50 ms as TWCC gives it.
//! Deterministic and faster than real time: a minute of link runs in milliseconds.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use eclinic_call::bwe::{Ack, LossTolerantEstimator};

pub const PACKET_BYTES: usize = 1200;
const STEP: Duration = Duration::from_millis(5);
const FEEDBACK_INTERVAL_MS: u64 = 50;
/// The receiver's clock has another origin than the sender's; the estimator must not care.
const RECEIVER_CLOCK_OFFSET: Duration = Duration::from_secs(1_000);

#[derive(Debug, Clone, Copy)]
pub enum Loss {
    None,
    Random(f64),
    /// Gilbert-Elliott: chance per packet of entering and leaving the bad state, and loss while in it.
    Bursty {
        enter_bad: f64,
        leave_bad: f64,
        loss_in_bad: f64,
    },
}

#[derive(Debug, Clone)]
pub struct Profile {
    /// (from second, bits per second), in order.
    pub capacity: Vec<(f64, f64)>,
    pub propagation_ms: u64,
    pub queue_bytes: usize,
    pub loss: Loss,
    pub seconds: f64,
}

impl Profile {
    pub fn steady(bps: f64, loss: Loss) -> Self {
        Self { capacity: vec![(0.0, bps)], propagation_ms: 100, queue_bytes: 30_000, loss, seconds: 40.0 }
    }

    fn capacity_at(&self, t: f64) -> f64 {
        self.capacity.iter().take_while(|(from, _)| *from <= t).last().map_or(self.capacity[0].1, |(_, bps)| *bps)
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

/// xorshift64*: the same loss pattern on every run.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Runs `profile` with the estimator setting the send rate; a sample every 100 ms.
pub fn run(profile: &Profile) -> Vec<Sample> {
    let mut estimator = LossTolerantEstimator::new(2_000_000.0);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let propagation = Duration::from_millis(profile.propagation_ms);
    let mut reports: BinaryHeap<Reverse<InFlightReport>> = BinaryHeap::new();
    let mut link_free_at = Duration::ZERO;
    let mut credit_bytes = 0.0;
    let mut sequence = 0u64;
    let mut bad_state = false;
    let mut samples = Vec::new();
    let steps = (profile.seconds / STEP.as_secs_f64()) as u64;
    for step in 0..steps {
        let now = STEP * u32::try_from(step).unwrap();
        let mut batch = Vec::new();
        while reports.peek().is_some_and(|Reverse((due, ..))| *due <= now) {
            let Reverse((_, _, arrival, departure)) = reports.pop().unwrap();
            batch.push(Ack { departure, arrival, size_bytes: PACKET_BYTES });
        }
        estimator.on_feedback(now, &batch);

        let capacity = profile.capacity_at(now.as_secs_f64());
        credit_bytes += estimator.target_bps() * STEP.as_secs_f64() / 8.0;
        while credit_bytes >= PACKET_BYTES as f64 {
            credit_bytes -= PACKET_BYTES as f64;
            sequence += 1;
            let queued = link_free_at.saturating_sub(now).as_secs_f64() * capacity / 8.0;
            let (arrival, heard_at) = if queued + PACKET_BYTES as f64 > profile.queue_bytes as f64 {
                (None, link_free_at + propagation)
            } else {
                link_free_at = link_free_at.max(now) + Duration::from_secs_f64(PACKET_BYTES as f64 * 8.0 / capacity);
                let lost = match profile.loss {
                    Loss::None => false,
                    Loss::Random(p) => rng.unit() < p,
                    Loss::Bursty { enter_bad, leave_bad, loss_in_bad } => {
                        let flip = if bad_state { leave_bad } else { enter_bad };
                        if rng.unit() < flip {
                            bad_state = !bad_state;
                        }
                        bad_state && rng.unit() < loss_in_bad
                    }
                };
                let arrived = link_free_at + propagation;
                ((!lost).then_some(arrived + RECEIVER_CLOCK_OFFSET), arrived)
            };
            // The receiver reports at its next feedback tick; the report takes the propagation delay back.
            let tick = heard_at.as_millis() as u64 / FEEDBACK_INTERVAL_MS * FEEDBACK_INTERVAL_MS + FEEDBACK_INTERVAL_MS;
            let due = Duration::from_millis(tick) + propagation;
            reports.push(Reverse((due, sequence, arrival, now)));
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
