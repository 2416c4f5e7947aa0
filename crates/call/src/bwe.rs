//! Bandwidth estimation for lossy radio links.
//!
//! A stock loss-based controller reads every lost packet as congestion; on EDGE or poor 3G a steady few
//! per cent of packets are lost to the radio whatever the rate, and such a controller sinks to its floor.
//! This one separates the two causes by the queue:
//! - **Delay** is the congestion signal. The one-way delay above its running minimum is the queue the
//!   sender has built. Above [`OVERUSE_QUEUE_MS`] the estimate drops to 85 % of what actually arrived.
//! - **Loss** seen while the queue is short is the link's own. Its rate is learned, and only loss beyond it
//!   (plus a margin) that comes with a queue building lowers the estimate, or loss so high that no radio
//!   explains it (a policer).
//! - **Increase** is multiplicative (+15 %/s) when far from the last congestion point and additive near it:
//!   about one packet more per round trip, as libwebrtc's AIMD has it, so that on a long-RTT link the
//!   overshoot a late feedback lets through stays small.
//!
//! Sans-IO: [`LossTolerantEstimator::on_feedback`] takes the time and the packets the receiver has reported;
//! [`LossTolerantEstimator::target_bps`] is the answer. [`RtcEstimator`] plugs it into webrtc-rs.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Where a call starts: low enough for EDGE.
pub const START_BPS: f64 = 150_000.0;
/// Never below: audio with FEC and a trickle of video still fit.
pub const FLOOR_BPS: f64 = 40_000.0;
/// Queueing delay that means the sender is above capacity.
pub const OVERUSE_QUEUE_MS: f64 = 60.0;
/// Queueing delay from which a queue is taken to be building.
const CLEAR_QUEUE_MS: f64 = 25.0;
/// The deepest cut below what arrives that a long queue adds to the 15 % one: enough to drain a full
/// queue within a second or so without landing far below the link.
const DRAIN_FLOOR: f64 = 0.8;
/// Multiplicative increase per second, far from the last congestion point.
const GROWTH_PER_SECOND: f64 = 0.15;
/// Near the congestion point the estimate grows by one packet per response time (a round trip and the
/// feedback interval): the packet is a frame's share of the estimate at this many frames per second...
const ADDITIVE_FRAMES_PER_SECOND: f64 = 30.0;
/// ...split into packets of at most this size...
const PACKET_BITS: f64 = 1_200.0 * 8.0;
/// ...and the increase is never slower than this.
const MIN_ADDITIVE_BPS_PER_SECOND: f64 = 4_000.0;
/// Added to the feedback delay for the response time: the receiver's feedback interval and its jitter.
const RESPONSE_MARGIN: Duration = Duration::from_millis(100);
/// After a decrease, the queue needs time to drain before delay means anything again.
const HOLD_AFTER_DECREASE: Duration = Duration::from_millis(400);
/// The receive-rate window.
const RATE_WINDOW: Duration = Duration::from_millis(600);
/// How long the minimum one-way delay is remembered: a route change moves it, and so does a capacity change
/// (a packet's own transmission time is part of its delay).
const BASE_DELAY_WINDOW: Duration = Duration::from_secs(10);
/// The queue is the least delay above the base within this window: a standing queue delays every packet,
/// radio jitter (tens of ms on EDGE) only some of them, and must not read as congestion.
const QUEUE_WINDOW: Duration = Duration::from_millis(250);
/// Nothing arriving for this long is a silence (a radio fade, a sender pausing), not a slow link: the
/// receive rate is measured from after it. Over a window spanning a 400 ms fade on EDGE the link looked
/// a third as fast, and a cut relative to that took the estimate from 117 to the 40 kb/s floor.
const SILENCE: Duration = Duration::from_millis(200);
/// Loss is judged over the packets sent in this window...
const LOSS_WINDOW: Duration = Duration::from_secs(2);
/// ...once it holds at least this many.
const LOSS_MIN_PACKETS: usize = 20;
/// Loss beyond the learned rate that is still forgiven while a queue builds (radio loss comes in bursts).
const LOSS_MARGIN: f64 = 0.10;
/// Loss beyond the learned rate that means a policer even with no queue...
const POLICER_LOSS: f64 = 0.20;
/// ...when it lasts this long (a radio fade is shorter; slowing down would not help it).
const POLICER_PERSISTENCE: Duration = Duration::from_secs(3);

/// One packet whose fate the receiver has reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ack {
    /// When it left the sender, on the sender's clock.
    pub departure: Duration,
    /// When it arrived, on the receiver's clock (another origin), or `None` if it was lost.
    pub arrival: Option<Duration>,
    pub size_bytes: usize,
}

/// Why the estimate last moved, for stats and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Start,
    Increase,
    Hold,
    DelayOveruse,
    ExcessLoss,
}

#[derive(Debug, Clone)]
pub struct LossTolerantEstimator {
    estimate_bps: f64,
    max_bps: f64,
    last_update: Option<Duration>,
    hold_until: Duration,
    /// The rate at the last congestion decrease: growth slows near it.
    congestion_point_bps: Option<f64>,
    /// (arrival, one-way delay in ms) minima for the base delay.
    delays: VecDeque<(Duration, f64)>,
    /// (arrival, one-way delay in ms) minima over the queue window.
    recent_delays: VecDeque<(Duration, f64)>,
    /// (arrival, bytes) of recent arrivals for the receive rate.
    arrivals: VecDeque<(Duration, usize)>,
    /// Recent packets' departures and fates, newest last.
    fates: VecDeque<(Duration, bool)>,
    /// How long loss has been learned for; learning is fast at first.
    learned_for: Duration,
    /// Since when loss has been far beyond the link's own.
    heavy_loss_since: Option<Duration>,
    inherent_loss: f64,
    queue_ms: f64,
    /// Smoothed time from a packet's departure to the feedback that reports it: the sender's round trip.
    feedback_delay: Option<Duration>,
    decision: Decision,
}

/// Keeps `window` as a monotonic deque of minima over `span`: the front is the smallest delay in it.
fn push_minimum(window: &mut VecDeque<(Duration, f64)>, arrival: Duration, delay: f64, span: Duration) {
    while window.back().is_some_and(|(_, d)| *d >= delay) {
        window.pop_back();
    }
    window.push_back((arrival, delay));
    while window.front().is_some_and(|(t, _)| arrival.saturating_sub(*t) > span) {
        window.pop_front();
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl LossTolerantEstimator {
    pub fn new(max_bps: f64) -> Self {
        Self {
            estimate_bps: START_BPS.min(max_bps),
            max_bps,
            last_update: None,
            hold_until: Duration::ZERO,
            congestion_point_bps: None,
            delays: VecDeque::new(),
            recent_delays: VecDeque::new(),
            arrivals: VecDeque::new(),
            fates: VecDeque::new(),
            learned_for: Duration::ZERO,
            heavy_loss_since: None,
            inherent_loss: 0.0,
            queue_ms: 0.0,
            feedback_delay: None,
            decision: Decision::Start,
        }
    }

    pub fn target_bps(&self) -> f64 {
        self.estimate_bps
    }

    /// The loss rate learned as the link's own.
    pub fn inherent_loss(&self) -> f64 {
        self.inherent_loss
    }

    /// The queueing delay seen in the last feedback, ms.
    pub fn queue_delay_ms(&self) -> f64 {
        self.queue_ms
    }

    pub fn decision(&self) -> Decision {
        self.decision
    }

    /// Loss over the recent window.
    pub fn recent_loss(&self) -> f64 {
        if self.fates.len() < LOSS_MIN_PACKETS {
            return 0.0;
        }
        self.fates.iter().filter(|(_, arrived)| !*arrived).count() as f64 / self.fates.len() as f64
    }

    /// What arrived over the newest `window` of arrivals, back to the last silence; `None` while they span
    /// less than a third of it.
    fn receive_rate_bps(&self, window: Duration) -> Option<f64> {
        let last = self.arrivals.back()?.0;
        let mut previous = last;
        let recent = self.arrivals.iter().rev().take_while(|(t, _)| {
            let within = last.saturating_sub(*t) <= window && previous.saturating_sub(*t) <= SILENCE;
            previous = *t;
            within
        });
        let (first, bytes) = recent.fold((last, 0), |(_, bytes), (t, size)| (*t, bytes + size));
        let span = last.saturating_sub(first);
        (span >= window / 3).then(|| bytes as f64 * 8.0 / span.as_secs_f64())
    }

    /// The link's capacity as the standing queue shows it: every packet of the last queue window waited, so
    /// the bottleneck never idled and what arrived then is what it carries. Over the longer rate window a
    /// sender that uses the link in bursts (an unpaced encoder's frames) shows far less, and a cut relative
    /// to that sank the estimate to half the capacity.
    fn capacity_under_queue_bps(&self) -> Option<f64> {
        let busy = self.receive_rate_bps(QUEUE_WINDOW);
        let overall = self.receive_rate_bps(RATE_WINDOW);
        busy.into_iter().chain(overall).reduce(f64::max)
    }

    fn record(&mut self, now: Duration, acks: &[Ack]) {
        if let Some(newest) = acks.iter().map(|ack| ack.departure).max() {
            let delay = now.saturating_sub(newest);
            self.feedback_delay = Some(self.feedback_delay.map_or(delay, |smoothed| (smoothed * 7 + delay) / 8));
        }
        for ack in acks {
            self.fates.push_back((ack.departure, ack.arrival.is_some()));
            let Some(arrival) = ack.arrival else { continue };
            self.arrivals.push_back((arrival, ack.size_bytes));
            let delay = ms(arrival) - ms(ack.departure);
            push_minimum(&mut self.delays, arrival, delay, BASE_DELAY_WINDOW);
            push_minimum(&mut self.recent_delays, arrival, delay, QUEUE_WINDOW);
            let base = self.delays.front().map_or(delay, |(_, d)| *d);
            self.queue_ms = self.recent_delays.front().map_or(delay, |(_, d)| *d) - base;
        }
        if let Some(&(newest, _)) = self.fates.back() {
            while self.fates.front().is_some_and(|(t, _)| newest.saturating_sub(*t) > LOSS_WINDOW) {
                self.fates.pop_front();
            }
        }
        if let Some(&(newest, _)) = self.arrivals.back() {
            while self.arrivals.front().is_some_and(|(t, _)| newest.saturating_sub(*t) > RATE_WINDOW) {
                self.arrivals.pop_front();
            }
        }
    }

    /// Packets the receiver reported since the last call, in send order, at sender time `now`.
    pub fn on_feedback(&mut self, now: Duration, acks: &[Ack]) {
        if acks.is_empty() {
            return;
        }
        self.record(now, acks);
        let elapsed = self.last_update.map_or(Duration::ZERO, |last| now.saturating_sub(last));
        self.last_update = Some(now);
        let loss = self.recent_loss();
        if self.queue_ms < OVERUSE_QUEUE_MS && self.fates.len() >= LOSS_MIN_PACKETS {
            // Loss with no standing queue cannot be a full queue's: it is the radio's. Learn it quickly at first (a 2 s average), then slowly (10 s)
            // so a burst does not move it.
            let horizon = if self.learned_for < Duration::from_secs(10) { 2.0 } else { 10.0 };
            self.inherent_loss += (loss - self.inherent_loss) * (elapsed.as_secs_f64() / horizon).min(1.0);
            self.learned_for += elapsed;
        }
        self.heavy_loss_since = match self.heavy_loss_since {
            _ if loss <= self.inherent_loss + POLICER_LOSS => None,
            None => Some(now),
            since => since,
        };
        if now < self.hold_until {
            self.decision = Decision::Hold;
            return;
        }
        let received = self.receive_rate_bps(RATE_WINDOW);
        // Already sending well below what arrives, the queue is draining: the delay it still shows and the
        // packets its overflow dropped are the last cut's news, and cutting again for them sank the estimate
        // far below the link (38 % of a new capacity after three cuts in a row).
        let draining = received.is_some_and(|r| self.estimate_bps < 0.9 * r);
        if self.queue_ms > OVERUSE_QUEUE_MS {
            // Below what arrives, and further below the longer the queue, so a deep queue (a capacity drop)
            // drains in seconds rather than tens of seconds.
            let drain = (1.0 - self.queue_ms / 1_000.0).clamp(DRAIN_FLOOR, 1.0);
            let capacity = self.capacity_under_queue_bps();
            let target = 0.85 * drain * capacity.unwrap_or(self.estimate_bps);
            // Growth slows near the capacity later.
            self.congestion_point_bps = capacity.or(self.congestion_point_bps);
            if target < self.estimate_bps && !draining {
                self.decrease(now, target, Decision::DelayOveruse);
            } else {
                self.decision = Decision::Hold;
            }
        } else if self.excess_loss(now, loss) {
            if draining {
                self.decision = Decision::Hold;
            } else {
                let excess = loss - self.inherent_loss;
                self.decrease(now, self.estimate_bps * (1.0 - 0.5 * excess), Decision::ExcessLoss);
            }
        } else {
            self.increase(elapsed, received);
        }
    }

    /// Loss beyond the link's own that comes with a queue building (congestion), or so much loss for so long
    /// that no radio fade explains it (a policer that drops without queueing).
    fn excess_loss(&self, now: Duration, loss: f64) -> bool {
        let beyond_radio = loss > self.inherent_loss * 1.5 + LOSS_MARGIN;
        let policed = self.heavy_loss_since.is_some_and(|since| now.saturating_sub(since) >= POLICER_PERSISTENCE);
        (beyond_radio && self.queue_ms >= CLEAR_QUEUE_MS) || policed
    }

    /// One packet per response time, the packet being a frame's share of the estimate (split at
    /// [`PACKET_BITS`]): on EDGE (150 kb/s, 500 ms round trip) about 6 kb/s per second, on good 3G (1 Mb/s,
    /// 120 ms) about 35.
    fn additive_bps_per_second(&self) -> f64 {
        let response = self.feedback_delay.unwrap_or_default() + RESPONSE_MARGIN;
        let frame_bits = self.estimate_bps / ADDITIVE_FRAMES_PER_SECOND;
        let packet_bits = frame_bits / (frame_bits / PACKET_BITS).ceil().max(1.0);
        (packet_bits / response.as_secs_f64()).max(MIN_ADDITIVE_BPS_PER_SECOND)
    }

    fn decrease(&mut self, now: Duration, to_bps: f64, why: Decision) {
        self.estimate_bps = to_bps.clamp(FLOOR_BPS, self.max_bps);
        self.hold_until = now + HOLD_AFTER_DECREASE;
        self.decision = why;
    }

    fn increase(&mut self, elapsed: Duration, received: Option<f64>) {
        let seconds = elapsed.as_secs_f64().min(0.5);
        let near_congestion = self.congestion_point_bps.is_some_and(|point| self.estimate_bps > 0.8 * point);
        let next = if near_congestion {
            self.estimate_bps + self.additive_bps_per_second() * seconds
        } else {
            self.estimate_bps * (1.0 + GROWTH_PER_SECOND).powf(seconds)
        };
        // Not far beyond what actually arrives: a sender that is not using its estimate must not inflate it.
        let ceiling = received.map_or(self.max_bps, |r| (1.5 * r).max(START_BPS));
        self.estimate_bps = next.min(ceiling).max(self.estimate_bps.min(ceiling)).clamp(FLOOR_BPS, self.max_bps);
        if near_congestion && self.estimate_bps > 1.3 * self.congestion_point_bps.unwrap_or(0.0) {
            self.congestion_point_bps = None;
        }
        self.decision = Decision::Increase;
    }
}

/// The estimator behind webrtc-rs's congestion-control seam: its packet reports become [`Ack`]s, its
/// instants durations since the first report.
#[derive(Debug)]
pub struct RtcEstimator {
    inner: LossTolerantEstimator,
    epoch: Option<Instant>,
}

impl RtcEstimator {
    pub fn new(max_bps: f64) -> Self {
        Self { inner: LossTolerantEstimator::new(max_bps), epoch: None }
    }

    pub fn estimator(&self) -> &LossTolerantEstimator {
        &self.inner
    }
}

impl rtc::interceptor::BandwidthEstimator for RtcEstimator {
    fn on_reports(&mut self, now: Instant, reports: &[rtc::interceptor::PacketReport]) {
        let epoch = *self.epoch.get_or_insert_with(|| reports.first().map_or(now, |r| r.departure.min(now)));
        let acks: Vec<Ack> = reports
            .iter()
            .map(|r| Ack {
                departure: r.departure.saturating_duration_since(epoch),
                arrival: r.arrival.filter(|_| r.arrived),
                size_bytes: r.size,
            })
            .collect();
        self.inner.on_feedback(now.saturating_duration_since(epoch), &acks);
    }

    fn target_bitrate(&self) -> f64 {
        self.inner.target_bps()
    }
}
