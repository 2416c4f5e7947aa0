//! Queue order and the wait estimate.

use std::cmp::Reverse;

use crate::consult::{Consult, Stage};

/// Before any consult has ended, waits are estimated with this duration.
pub(crate) const DEFAULT_CONSULT_MS: u64 = 8 * 60 * 1000;

/// Queued consults in service order: highest priority first, then the longest waiting. Ids break ties so the
/// order is total (ids are minted in sequence).
pub(crate) fn ordered<'a>(consults: impl Iterator<Item = &'a Consult>) -> Vec<&'a Consult> {
    let mut queued: Vec<&Consult> = consults.filter(|c| c.stage == Stage::Queued).collect();
    queued.sort_by_key(|c| (Reverse(c.priority), c.queued_at_ms, c.id.len(), c.id.clone()));
    queued
}

/// Seconds until a patient at `position` (1-based) is likely seen: the first `free` patients are taken now,
/// the rest wait for rounds of `online` doctors (free and busy) each lasting `mean_consult_ms`. `None` while no
/// doctor is online.
pub(crate) fn estimated_wait_s(position: u32, free: u32, online: u32, mean_consult_ms: u64) -> Option<u64> {
    if online == 0 {
        return None;
    }
    let rounds = u64::from(position.saturating_sub(free).div_ceil(online));
    Some(rounds.saturating_mul(mean_consult_ms) / 1000)
}

/// A moving mean of consult durations (each new one weighs a fifth).
pub(crate) fn updated_mean(mean_ms: u64, duration_ms: u64) -> u64 {
    (mean_ms.saturating_mul(4).saturating_add(duration_ms)) / 5
}
