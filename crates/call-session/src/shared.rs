//! State the call's tasks share: the call's clock origin, the meter, and the last round-trip time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use eclinic_call::meter::CallMeter;

pub(crate) struct Shared {
    created: Instant,
    /// When the call's clock started, in nanoseconds after `created`: media starts once connected, and
    /// negotiation (seconds through a TURN relay) is not part of the call.
    started_after_ns: AtomicU64,
    meter: Mutex<CallMeter>,
    /// Milliseconds; 0 while unknown.
    rtt_ms: AtomicU32,
    /// False while ICE reports the path down: media written then would wait in webrtc-rs's queues and reach
    /// the far end as seconds-old pictures after the link returns.
    link_up: AtomicBool,
}

impl Shared {
    pub(crate) fn new() -> Self {
        Self {
            created: Instant::now(),
            started_after_ns: AtomicU64::new(0),
            meter: Mutex::new(CallMeter::new(Duration::ZERO)),
            rtt_ms: AtomicU32::new(0),
            link_up: AtomicBool::new(true),
        }
    }

    /// Starts the call's clock and its statistics afresh: the connection is up.
    pub(crate) fn start_clock(&self) {
        let now = u64::try_from(self.created.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.started_after_ns.store(now, Ordering::Relaxed);
        self.meter(|m| *m = CallMeter::new(Duration::ZERO));
    }

    /// Time since the call started: the clock the sans-IO parts run on.
    pub(crate) fn elapsed(&self) -> Duration {
        self.created.elapsed().saturating_sub(Duration::from_nanos(self.started_after_ns.load(Ordering::Relaxed)))
    }

    pub(crate) fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub(crate) fn meter<T>(&self, f: impl FnOnce(&mut CallMeter) -> T) -> T {
        // A task that panicked while holding the meter left counters, not broken invariants: keep using it.
        let mut meter = self.meter.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut meter)
    }

    pub(crate) fn link_up(&self) -> bool {
        self.link_up.load(Ordering::Relaxed)
    }

    pub(crate) fn set_link_up(&self, up: bool) {
        self.link_up.store(up, Ordering::Relaxed);
    }

    pub(crate) fn rtt_ms(&self) -> Option<u32> {
        Some(self.rtt_ms.load(Ordering::Relaxed)).filter(|ms| *ms > 0)
    }

    pub(crate) fn set_rtt_ms(&self, ms: u32) {
        self.rtt_ms.store(ms.max(1), Ordering::Relaxed);
    }
}
