//! When a missing packet is asked for again. webrtc-rs's NACK generator asks for everything missing every
//! 100 ms; on a link whose round trip is 500-900 ms it asked three times before the first answer could be
//! back, and every lost packet was sent four times (the receiver's SRTP layer logged the duplicates). After
//! a burst of radio loss on EDGE those resends filled the bottleneck's queue, the queue overflowed, and its
//! own losses were asked for three times over: the estimate collapsed and the picture froze for seconds.
//!
//! Here a packet is asked for at once, then again only once a round trip and a margin have passed without
//! it, at most [`MAX_REQUESTS`] times. Sans-IO: fed the time, the round trip and what is missing.

use std::collections::HashMap;
use std::time::Duration;

/// How often one packet is asked for at most.
pub const MAX_REQUESTS: u8 = 3;
/// Beyond the round trip: the far end's answer waits for its sender task, and the feedback interval
/// (100 ms) decides when the next request can go.
pub const REQUEST_MARGIN: Duration = Duration::from_millis(100);
/// The round trip assumed until one is measured: a poor 3G link's.
pub const UNKNOWN_ROUND_TRIP: Duration = Duration::from_millis(500);
/// A request older than this is forgotten: the picture has long given the packet up, and its sequence
/// number will come round again.
const FORGET_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy)]
struct Asked {
    last: Duration,
    times: u8,
}

#[derive(Debug, Clone, Default)]
pub struct NackSpacing {
    round_trip: Option<Duration>,
    /// By SSRC and sequence number.
    asked: HashMap<(u32, u16), Asked>,
}

impl NackSpacing {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn handle_round_trip(&mut self, round_trip: Duration) {
        self.round_trip = Some(round_trip);
    }

    /// Of the packets `missing` on `ssrc` at `now`, those to ask for now.
    pub fn handle_missing(&mut self, now: Duration, ssrc: u32, missing: &[u16]) -> Vec<u16> {
        self.asked.retain(|_, asked| now.saturating_sub(asked.last) < FORGET_AFTER);
        let again_after = self.round_trip.unwrap_or(UNKNOWN_ROUND_TRIP) + REQUEST_MARGIN;
        missing
            .iter()
            .copied()
            .filter(|sequence| {
                let asked = self.asked.entry((ssrc, *sequence)).or_insert(Asked { last: now, times: 0 });
                let due =
                    asked.times == 0 || (asked.times < MAX_REQUESTS && now.saturating_sub(asked.last) >= again_after);
                if due {
                    *asked = Asked { last: now, times: asked.times + 1 };
                }
                due
            })
            .collect()
    }
}
