/// A point in time as milliseconds since the Unix epoch, UTC. The domain never reads the clock: callers pass
/// the time in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_unix_ms(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn unix_ms(self) -> i64 {
        self.0
    }

    /// The calendar date (UTC) this instant falls on.
    pub fn date(self) -> time::Date {
        let nanos = i128::from(self.0) * 1_000_000;
        time::OffsetDateTime::from_unix_timestamp_nanos(nanos).map(|t| t.date()).unwrap_or(if self.0 < 0 {
            time::Date::MIN
        } else {
            time::Date::MAX
        })
    }

    pub fn saturating_add_ms(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }
}
