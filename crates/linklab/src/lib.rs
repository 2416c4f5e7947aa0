//! One direction of a rural link, in software: what `tc netem` + `tbf` would do, for a kernel without
//! netem (this project's build machines) and for tests that must be deterministic.
//!
//! Sans-IO: [`Link::handle_packet`] takes a packet and the time, [`Link::poll_delivery`] hands out packets
//! whose time has come, [`Link::poll_timeout`] says when to ask next. A packet first waits in a drop-tail
//! queue drained at the link's rate (capacity can step over time), then travels for the one-way delay plus
//! jitter, and may be lost on the way (randomly, in Gilbert-Elliott bursts, or in an outage).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

pub mod throughput;

use throughput::Throughput;

/// How packets are lost on the radio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Loss {
    None,
    Random(f64),
    /// Gilbert-Elliott: per packet, the chance of entering and of leaving the bad state; all packets in
    /// the bad state are lost.
    Bursty {
        enter_bad: f64,
        leave_bad: f64,
    },
}

/// One direction's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// (from, bits per second), in time order; the first entry applies from the start.
    pub capacity: Vec<(Duration, u64)>,
    pub delay: Duration,
    /// Each packet's delay varies uniformly within ± this much. Packets keep their order, as a radio link's
    /// in-order delivery keeps them: a packet held back holds back those behind it.
    pub jitter: Duration,
    pub loss: Loss,
    /// The longest a packet may wait in the queue; beyond it packets are dropped (drop-tail).
    pub queue: Duration,
    /// Windows in which every packet is lost.
    pub outages: Vec<(Duration, Duration)>,
}

impl Shape {
    /// The capacity in force at `now`, bits per second.
    pub fn capacity_at(&self, now: Duration) -> u64 {
        self.capacity.iter().take_while(|(from, _)| *from <= now).last().or(self.capacity.first()).map_or(0, |c| c.1)
    }

    fn in_outage(&self, at: Duration) -> bool {
        self.outages.iter().any(|(from, to)| (*from..*to).contains(&at))
    }
}

/// What happened to the packets so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkCounters {
    pub offered: u64,
    pub delivered: u64,
    pub queue_drops: u64,
    pub radio_losses: u64,
}

/// xorshift64*: the same pattern for the same seed.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Clone)]
pub struct Link<P> {
    shape: Shape,
    rng: Rng,
    bad_state: bool,
    /// When the bottleneck finishes sending what is already queued.
    busy_until: Duration,
    /// When the last packet sent is delivered; none is delivered before it.
    last_delivery: Duration,
    /// Packets in flight by delivery time; the sequence keeps equal times in order.
    in_flight: BinaryHeap<Reverse<(Duration, u64, Slot<P>)>>,
    sequence: u64,
    counters: LinkCounters,
    throughput: Throughput,
}

/// A payload in the heap, ordered only by the key beside it.
#[derive(Debug, Clone)]
struct Slot<P>(P);

impl<P> PartialEq for Slot<P> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<P> Eq for Slot<P> {}
impl<P> PartialOrd for Slot<P> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<P> Ord for Slot<P> {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl<P> Link<P> {
    pub fn new(shape: Shape, seed: u64) -> Self {
        Self {
            shape,
            rng: Rng(seed | 1),
            bad_state: false,
            busy_until: Duration::ZERO,
            last_delivery: Duration::ZERO,
            in_flight: BinaryHeap::new(),
            sequence: 0,
            counters: LinkCounters::default(),
            throughput: Throughput::default(),
        }
    }

    pub fn counters(&self) -> LinkCounters {
        self.counters
    }

    /// What crossed the bottleneck so far, to measure utilisation.
    pub fn throughput(&self) -> &Throughput {
        &self.throughput
    }

    fn radio_loses(&mut self, at: Duration) -> bool {
        if self.shape.in_outage(at) {
            return true;
        }
        match self.shape.loss {
            Loss::None => false,
            Loss::Random(p) => self.rng.unit() < p,
            Loss::Bursty { enter_bad, leave_bad } => {
                let flip = if self.bad_state { leave_bad } else { enter_bad };
                if self.rng.unit() < flip {
                    self.bad_state = !self.bad_state;
                }
                self.bad_state
            }
        }
    }

    /// A packet of `bytes` enters the link at `now`.
    pub fn handle_packet(&mut self, now: Duration, bytes: usize, packet: P) {
        self.counters.offered += 1;
        let start = self.busy_until.max(now);
        if start.saturating_sub(now) > self.shape.queue {
            self.counters.queue_drops += 1;
            return;
        }
        let rate = self.shape.capacity_at(start).max(1);
        let transmission = Duration::from_secs_f64(bytes as f64 * 8.0 / rate as f64);
        self.busy_until = start + transmission;
        // Sent is sent: what the radio loses afterwards still used the capacity.
        self.throughput.handle_sent(self.busy_until, bytes);
        if self.radio_loses(self.busy_until) {
            self.counters.radio_losses += 1;
            return;
        }
        let jitter = self.shape.jitter.as_secs_f64() * (2.0 * self.rng.unit() - 1.0);
        let delay = Duration::from_secs_f64((self.shape.delay.as_secs_f64() + jitter).max(0.0));
        self.last_delivery = (self.busy_until + delay).max(self.last_delivery);
        self.sequence += 1;
        self.in_flight.push(Reverse((self.last_delivery, self.sequence, Slot(packet))));
    }

    /// The next packet due by `now`.
    pub fn poll_delivery(&mut self, now: Duration) -> Option<P> {
        let due = self.in_flight.peek().is_some_and(|Reverse((at, _, _))| *at <= now);
        if !due {
            return None;
        }
        self.counters.delivered += 1;
        self.in_flight.pop().map(|Reverse((_, _, Slot(packet)))| packet)
    }

    /// When the next packet is due.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.in_flight.peek().map(|Reverse((at, _, _))| *at)
    }
}
