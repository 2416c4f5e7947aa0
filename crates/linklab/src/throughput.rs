//! How much of a link's capacity a call used: the bytes the bottleneck sent, in short buckets, against the
//! capacity in force at the time. Measured where a router would (everything on the wire, headers, repair
//! packets and retransmissions included), not from what the sender believes it sent.

use std::time::Duration;

use crate::Shape;

/// The granularity of the record.
pub const BUCKET: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Default)]
pub struct Throughput {
    /// Bytes whose sending through the bottleneck ended in each bucket.
    bytes: Vec<u64>,
}

fn bucket_of(at: Duration) -> usize {
    (at.as_nanos() / BUCKET.as_nanos()) as usize
}

impl Throughput {
    /// `bytes` finished crossing the bottleneck at `at`.
    pub fn handle_sent(&mut self, at: Duration, bytes: usize) {
        let bucket = bucket_of(at);
        if self.bytes.len() <= bucket {
            self.bytes.resize(bucket + 1, 0);
        }
        self.bytes[bucket] += bytes as u64;
    }

    /// The end of the last bucket anything crossed in.
    pub fn last_sent(&self) -> Option<Duration> {
        let last = self.bytes.iter().rposition(|b| *b > 0)?;
        Some(BUCKET * (last as u32 + 1))
    }

    /// Bits sent over `[from, to)` as a fraction of what `shape`'s capacity could have carried then, both
    /// rounded to whole buckets; none for an empty window or a link without capacity.
    pub fn utilisation(&self, shape: &Shape, from: Duration, to: Duration) -> Option<f64> {
        let buckets = bucket_of(from)..bucket_of(to);
        let sent_bits: u64 = buckets.clone().map(|b| self.bytes.get(b).copied().unwrap_or(0) * 8).sum();
        let capacity_bits: f64 =
            buckets.map(|b| shape.capacity_at(BUCKET * b as u32) as f64 * BUCKET.as_secs_f64()).sum();
        (capacity_bits > 0.0).then(|| sent_bits as f64 / capacity_bits)
    }
}
