//! Serial pulse oximeters: stream parsers fed raw bytes as they arrive from the port.

pub mod cms50d;
pub mod nonin;

use std::collections::VecDeque;

/// Most readings a parser holds for a caller that is not draining it; older ones are dropped first.
const MAX_PENDING: usize = 1024;

/// Frames of `N` bytes in which only the first has bit 7 set (CMS50D+ live data, Nonin format 8). A byte
/// with bit 7 set inside a frame starts a new one, so the parser resynchronises after lost bytes.
#[derive(Debug, Default, Clone)]
struct SyncFramer<const N: usize> {
    partial: Vec<u8>,
}

impl<const N: usize> SyncFramer<N> {
    fn push(&mut self, byte: u8, mut on_frame: impl FnMut([u8; N])) {
        let sync = byte & 0x80 != 0;
        if sync {
            self.partial.clear();
            self.partial.push(byte);
        } else if !self.partial.is_empty() {
            self.partial.push(byte);
        }
        if self.partial.len() == N {
            if let Ok(frame) = <[u8; N]>::try_from(self.partial.as_slice()) {
                on_frame(frame);
            }
            self.partial.clear();
        }
    }
}

/// A bounded queue of parsed readings.
#[derive(Debug, Clone)]
struct Pending<T> {
    items: VecDeque<T>,
    dropped: u64,
}

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Self { items: VecDeque::new(), dropped: 0 }
    }
}

impl<T> Pending<T> {
    fn push(&mut self, item: T) {
        if self.items.len() == MAX_PENDING {
            self.items.pop_front();
            self.dropped += 1;
        }
        self.items.push_back(item);
    }

    fn pop(&mut self) -> Option<T> {
        self.items.pop_front()
    }
}
