//! How often the doctor is sent each live vital. An oximeter reports many times a second; a rural uplink
//! has no room for that, and a doctor reads a value at most about once a second.

use std::collections::HashMap;
use std::time::Duration;

pub(crate) const LIVE_VITAL_EVERY: Duration = Duration::from_secs(1);

/// Lets through the first reading of each vital and then one per [`LIVE_VITAL_EVERY`]; `now` is any
/// monotonic clock's reading, as a duration from its origin.
#[derive(Debug, Default)]
pub(crate) struct LiveVitalPace {
    last_sent: HashMap<String, Duration>,
}

impl LiveVitalPace {
    pub(crate) fn admit(&mut self, loinc: &str, now: Duration) -> bool {
        match self.last_sent.get(loinc) {
            Some(last) if now.saturating_sub(*last) < LIVE_VITAL_EVERY => false,
            _ => {
                self.last_sent.insert(loinc.to_owned(), now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LiveVitalPace;
    use std::time::Duration;

    #[test]
    fn each_vital_goes_at_most_once_a_second() {
        let mut pace = LiveVitalPace::default();
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
        for (loinc, at_ms, expect) in cases {
            assert_eq!(pace.admit(loinc, Duration::from_millis(at_ms)), expect, "{loinc} at {at_ms} ms");
        }
    }
}
