//! Starting over with a fresh connection when one cannot be set up. Sans-IO: fed failures, fresh offers and
//! the time, asked what to do and when to look again.
//!
//! On a very lossy link a DTLS handshake can die for good: webrtc-rs 0.21.1 retransmits a flight a fixed
//! seven times, and its server stops resending its flight once the client's repeat arrives, so two lost
//! copies of one datagram end the attempt. ICE restarts cannot help (they keep the failed handshake), but a
//! fresh peer connection with a fresh offer, carried by the signalling the call already has for ICE
//! restarts, starts the handshake again. The offering end decides: when its attempt fails or runs out of
//! time it offers afresh, up to [`CONNECT_ATTEMPTS`] in all. The answering end follows: a failed attempt is
//! waited out as long as a fresh offer may still come, and each fresh offer is a new attempt.

use std::time::Duration;

/// Connections tried in all, when the signalling can carry a fresh offer (otherwise one).
pub const CONNECT_ATTEMPTS: u32 = 3;
/// What the answering end allows beyond the offerer's own limits for a fresh offer to be gathered and carry.
pub const FRESH_OFFER_MARGIN: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectStep {
    /// The attempt goes on (or the answerer waits for a fresh offer).
    KeepWaiting,
    /// Start over with a fresh connection: the offerer offers it, the answerer answers the fresh offer.
    StartOver,
    GiveUp,
}

#[derive(Debug, Clone)]
pub struct ConnectAttempts {
    offerer: bool,
    allowed: u32,
    made: u32,
    per_attempt: Duration,
    deadline: Duration,
}

impl ConnectAttempts {
    /// The first attempt starts at `now`. `allowed`: attempts in all; `per_attempt`: how long one may take.
    pub fn new(now: Duration, offerer: bool, allowed: u32, per_attempt: Duration) -> Self {
        let mut attempts = Self { offerer, allowed: allowed.max(1), made: 1, per_attempt, deadline: now };
        attempts.deadline = now + attempts.patience();
        attempts
    }

    /// How long from the start of an attempt this end waits: the offerer, one attempt; the answerer, every
    /// attempt the offerer has left, and the time to carry a fresh offer.
    fn patience(&self) -> Duration {
        if self.offerer || self.made == self.allowed {
            return self.per_attempt;
        }
        self.per_attempt * (self.allowed - self.made + 1) + FRESH_OFFER_MARGIN
    }

    /// Attempts made so far, the current one included.
    pub fn made(&self) -> u32 {
        self.made
    }

    /// When the current attempt has run out of time.
    pub fn poll_timeout(&self) -> Duration {
        self.deadline
    }

    /// The connection failed, or `now` is past [`Self::poll_timeout`].
    pub fn handle_failure(&mut self, now: Duration) -> ConnectStep {
        if self.offerer && self.made < self.allowed {
            return self.start_over(now);
        }
        if !self.offerer && now < self.deadline { ConnectStep::KeepWaiting } else { ConnectStep::GiveUp }
    }

    /// The answerer: the far end offered a fresh connection. One beyond the attempts allowed is refused
    /// (the current attempt goes on), so a peer cannot keep this end renegotiating.
    pub fn handle_fresh_offer(&mut self, now: Duration) -> ConnectStep {
        if self.offerer || self.made >= self.allowed {
            return ConnectStep::KeepWaiting;
        }
        self.start_over(now)
    }

    fn start_over(&mut self, now: Duration) -> ConnectStep {
        self.made += 1;
        self.deadline = now + self.patience();
        ConnectStep::StartOver
    }
}
