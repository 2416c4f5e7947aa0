//! Hybrid logical clock: orders revisions written on different devices whose wall clocks disagree, so that
//! record sync can merge offline edits without losing any. Time is a parameter.

/// A hybrid timestamp: wall-clock milliseconds plus a counter for events within the same millisecond or
/// while the local clock lags a remote one. Ordered by (wall, counter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
}

/// The clock of one device.
#[derive(Debug, Clone, Default)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    /// Resumes after the last timestamp this device issued (read back from storage).
    pub fn resume(last: Hlc) -> Self {
        Self { last }
    }

    /// A timestamp for a local event at wall time `now_ms`; strictly greater than every earlier one.
    pub fn tick(&mut self, now_ms: i64) -> Hlc {
        self.last = if now_ms > self.last.wall_ms { Hlc { wall_ms: now_ms, counter: 0 } } else { self.bump(self.last) };
        self.last
    }

    /// Merges a timestamp received from another device so that later local events order after it.
    pub fn observe(&mut self, remote: Hlc, now_ms: i64) -> Hlc {
        let newest = self.last.max(remote);
        self.last = if now_ms > newest.wall_ms { Hlc { wall_ms: now_ms, counter: 0 } } else { self.bump(newest) };
        self.last
    }

    fn bump(&self, base: Hlc) -> Hlc {
        match base.counter.checked_add(1) {
            Some(counter) => Hlc { wall_ms: base.wall_ms, counter },
            None => Hlc { wall_ms: base.wall_ms + 1, counter: 0 },
        }
    }
}
