//! How often a stream of updates is passed on, per kind. An oximeter reports many times a second: the
//! doctor's live vitals cross a rural uplink and a doctor reads a value at most about once a second; the
//! kiosk's own screen needs a few updates a second, not sixty.

use std::collections::HashMap;
use std::time::Duration;

/// Each live vital goes to the doctor at most this often.
pub(crate) const LIVE_VITAL_EVERY: Duration = Duration::from_secs(1);
/// Each device's readings reach the kiosk's vitals panel at most this often.
pub(crate) const DEVICE_UPDATE_EVERY: Duration = Duration::from_millis(250);

/// Lets through the first update of each kind and then one per `every`; `now` is any monotonic clock's
/// reading, as a duration from its origin.
#[derive(Debug)]
pub(crate) struct Pace {
    every: Duration,
    last_sent: HashMap<String, Duration>,
}

impl Pace {
    pub(crate) fn new(every: Duration) -> Self {
        Self { every, last_sent: HashMap::new() }
    }

    pub(crate) fn admit(&mut self, kind: &str, now: Duration) -> bool {
        match self.last_sent.get(kind) {
            Some(last) if now.saturating_sub(*last) < self.every => false,
            _ => {
                self.last_sent.insert(kind.to_owned(), now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{LIVE_VITAL_EVERY, Pace};
    use std::time::Duration;

    #[test]
    fn each_kind_goes_at_most_once_per_interval() {
        let mut pace = Pace::new(LIVE_VITAL_EVERY);
        let cases = [
            ("spo2", 0, true),
            ("pulse", 10, true),
            ("spo2", 20, false),
            ("spo2", 999, false),
            ("spo2", 1_000, true),
            ("pulse", 1_005, false),
            ("pulse", 1_010, true),
            ("spo2", 1_500, false),
            ("spo2", 2_100, true),
        ];
        for (kind, at_ms, expect) in cases {
            assert_eq!(pace.admit(kind, Duration::from_millis(at_ms)), expect, "{kind} at {at_ms} ms");
        }
    }
}
