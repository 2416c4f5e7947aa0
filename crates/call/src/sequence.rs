//! RTP's 16-bit sequence numbers, which wrap every 65,536 packets (about 20 minutes of video), extended to 64
//! bits so that order and gaps survive the wrap.

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SequenceExtender {
    highest: Option<u64>,
}

impl SequenceExtender {
    /// The extended number nearest the highest seen so far. Starts one cycle up so that a packet from just
    /// before the first one still has a place.
    pub(crate) fn extend(&mut self, sequence_number: u16) -> u64 {
        let extended = match self.highest {
            None => u64::from(sequence_number) + (1 << 16),
            Some(highest) => {
                let candidate = (highest & !0xFFFF) | u64::from(sequence_number);
                [candidate.saturating_sub(1 << 16), candidate, candidate + (1 << 16)]
                    .into_iter()
                    .min_by_key(|c| c.abs_diff(highest))
                    .unwrap_or(candidate)
            }
        };
        self.highest = Some(self.highest.map_or(extended, |h| h.max(extended)));
        extended
    }
}
