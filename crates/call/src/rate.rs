//! Turns the bandwidth estimate into encoder settings every [`REEVALUATE_EVERY`]: the media allocator decides,
//! and only a decision that differs from the last one is handed out (a new encoder setting costs a keyframe
//! when the rung changes). Sans-IO.

use std::time::Duration;

use eclinic_media::allocator::{Allocation, LinkStats, VideoRepair, allocate};

pub const REEVALUATE_EVERY: Duration = Duration::from_millis(200);

#[derive(Debug, Clone)]
pub struct RateControl {
    repair: VideoRepair,
    current: Option<Allocation>,
    evaluated_at: Option<Duration>,
    changed: bool,
}

impl RateControl {
    /// `repair`: whether the negotiation gave video a repair stream.
    pub fn new(repair: VideoRepair) -> Self {
        Self { repair, current: None, evaluated_at: None, changed: false }
    }

    /// The settings in force, once the first tick has decided them.
    pub fn current(&self) -> Option<&Allocation> {
        self.current.as_ref()
    }

    pub fn handle_tick(&mut self, now: Duration, target_bps: u32, stats: &LinkStats) {
        if self.evaluated_at.is_some_and(|at| now.saturating_sub(at) < REEVALUATE_EVERY) {
            return;
        }
        self.evaluated_at = Some(now);
        let decision = allocate(target_bps, stats, self.repair, self.current.as_ref(), now.as_millis() as u64);
        let differs =
            self.current.is_none_or(|current| current.audio != decision.audio || current.video != decision.video);
        self.changed |= differs;
        self.current = Some(decision);
    }

    /// The new settings, once per change.
    pub fn poll_allocation(&mut self) -> Option<Allocation> {
        std::mem::take(&mut self.changed).then_some(self.current).flatten()
    }
}
