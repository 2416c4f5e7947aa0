//! Per-connection rate limit: a token bucket on the message count, fed the caller's clock.

/// Sustained messages per second a connection may send.
pub const RATE_PER_SECOND: u64 = 20;
/// Messages a connection may send at once (a burst of ICE candidates fits).
pub const RATE_BURST: u64 = 60;
const MILLI: u64 = 1000;

#[derive(Debug)]
pub(crate) struct TokenBucket {
    milli_tokens: u64,
    last_ms: u64,
}

impl TokenBucket {
    pub(crate) fn full(now_ms: u64) -> Self {
        Self { milli_tokens: RATE_BURST * MILLI, last_ms: now_ms }
    }

    /// Takes one token if there is one. A clock that goes backwards refills nothing.
    pub(crate) fn take(&mut self, now_ms: u64) -> bool {
        let elapsed = now_ms.saturating_sub(self.last_ms);
        self.last_ms = self.last_ms.max(now_ms);
        // RATE_PER_SECOND tokens per 1000 ms = RATE_PER_SECOND milli-tokens per ms.
        self.milli_tokens = (self.milli_tokens + elapsed.saturating_mul(RATE_PER_SECOND)).min(RATE_BURST * MILLI);
        if self.milli_tokens >= MILLI {
            self.milli_tokens -= MILLI;
            true
        } else {
            false
        }
    }
}
