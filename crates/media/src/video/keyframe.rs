/// Decides whether a keyframe request (a PLI from the far end, a new viewer) may force an IDR now. A burst of
/// requests yields one keyframe, then at most one per `min_interval_ms`; a request inside the quiet period is
/// remembered and granted when it ends, so the last loss is always repaired.
#[derive(Debug, Clone)]
pub struct KeyframeGate {
    min_interval_ms: u64,
    last_granted_ms: Option<u64>,
    pending: bool,
}

impl KeyframeGate {
    pub fn new(min_interval_ms: u64) -> Self {
        Self { min_interval_ms, last_granted_ms: None, pending: false }
    }

    /// Records a request; [`Self::poll_force`] decides when it is served.
    pub fn request(&mut self) {
        self.pending = true;
    }

    /// Called before encoding each frame: true when this frame must be an IDR.
    pub fn poll_force(&mut self, now_ms: u64) -> bool {
        let quiet = self.last_granted_ms.is_some_and(|last| now_ms.saturating_sub(last) < self.min_interval_ms);
        if !self.pending || quiet {
            return false;
        }
        self.pending = false;
        self.last_granted_ms = Some(now_ms);
        true
    }

    /// The encoder produced a keyframe on its own (start, resolution change): it counts as granted.
    pub fn note_keyframe(&mut self, now_ms: u64) {
        self.pending = false;
        self.last_granted_ms = Some(now_ms);
    }
}
