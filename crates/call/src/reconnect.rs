//! When the offering end of a call restarts ICE. Sans-IO: fed the connection's state and the time, asked
//! whether to restart now.
//!
//! A short radio outage is best left to ICE consent: the old path comes back by itself, about two seconds
//! after the link does. A path that is gone for good (the modem reconnected with another address, the TURN
//! relay lost its allocation) or an outage longer than ICE's failure timeout only comes back with new
//! candidates and credentials, which a restart brings through the signalling. So the offerer waits
//! [`FIRST_RESTART_AFTER`] before the first restart and then restarts every [`RESTART_EVERY`] while the
//! connection stays down (the last offer or its answer may have been lost, or the link was still down when
//! the new candidates were checked). The answering end never restarts; it answers.

use std::time::Duration;

/// How long the connection may be down (after ICE's own three silent seconds) before the first restart.
pub const FIRST_RESTART_AFTER: Duration = Duration::from_secs(5);
/// Between restarts while the connection stays down.
pub const RESTART_EVERY: Duration = Duration::from_secs(10);

/// What the connection reports, as far as restarting goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Up,
    /// Disconnected or failed.
    Down,
}

#[derive(Debug, Clone, Default)]
pub struct Reconnect {
    /// When the next restart is due, while the connection is down.
    due: Option<Duration>,
    restarts: u32,
}

impl Reconnect {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn handle_state(&mut self, now: Duration, state: LinkState) {
        match state {
            LinkState::Up => self.due = None,
            LinkState::Down => {
                self.due.get_or_insert(now + FIRST_RESTART_AFTER);
            }
        }
    }

    /// Whether to restart ICE now (make an offer with new credentials); each due restart is handed out once.
    pub fn poll_restart(&mut self, now: Duration) -> bool {
        match self.due {
            Some(due) if now >= due => {
                self.due = Some(now + RESTART_EVERY);
                self.restarts += 1;
                true
            }
            _ => false,
        }
    }

    /// When to ask again.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.due
    }

    /// Restarts so far.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }
}
