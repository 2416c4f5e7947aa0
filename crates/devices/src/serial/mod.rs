//! Serial pulse oximeters: stream parsers fed raw bytes as they arrive from the port.

pub mod cms50d;
pub mod nonin;
pub mod nonin13;

use eclinic_domain::Timestamp;
use std::collections::VecDeque;

/// Most readings a parser holds for a caller that is not draining it; older ones are dropped first.
const MAX_PENDING: usize = 1024;

/// A fixed-length frame whose first byte alone has bit 7 set (CMS50D+ live data, Nonin format 8).
pub trait SyncFrame: Sized {
    const LEN: usize;
    /// Decodes a frame of exactly `LEN` bytes received at `received_at`.
    fn decode(received_at: Timestamp, frame: &[u8]) -> Option<Self>;
}

/// Sans-IO stream parser for [`SyncFrame`]s: `handle_bytes` with what the port delivered, then drain
/// `poll_sample`. A byte with bit 7 set inside a frame starts a new one, so it resynchronises after lost
/// bytes; readings wait in a bounded queue.
#[derive(Debug, Clone)]
pub struct SyncParser<T> {
    partial: Vec<u8>,
    pending: VecDeque<T>,
    dropped: u64,
}

impl<T> Default for SyncParser<T> {
    fn default() -> Self {
        Self { partial: Vec::new(), pending: VecDeque::new(), dropped: 0 }
    }
}

impl<T: SyncFrame> SyncParser<T> {
    pub fn handle_bytes(&mut self, now: Timestamp, bytes: &[u8]) {
        for &byte in bytes {
            if byte & 0x80 != 0 {
                self.partial.clear();
                self.partial.push(byte);
            } else if !self.partial.is_empty() {
                self.partial.push(byte);
            }
            if self.partial.len() == T::LEN {
                if let Some(sample) = T::decode(now, &self.partial) {
                    self.push(sample);
                }
                self.partial.clear();
            }
        }
    }

    fn push(&mut self, sample: T) {
        if self.pending.len() == MAX_PENDING {
            self.pending.pop_front();
            self.dropped += 1;
        }
        self.pending.push_back(sample);
    }

    pub fn poll_sample(&mut self) -> Option<T> {
        self.pending.pop_front()
    }

    /// Samples dropped because the caller did not drain them.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}
