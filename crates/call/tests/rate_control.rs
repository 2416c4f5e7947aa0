#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The estimate reaches the encoders at most every 200 ms, and only as a change.

use std::time::Duration;

use eclinic_call::rate::{REEVALUATE_EVERY, RateControl};
use eclinic_media::allocator::{LinkStats, VideoRepair};

#[test]
fn decisions_come_once_per_change_and_no_faster_than_the_period() {
    let quiet = LinkStats { loss: 0.0, rtt_ms: 200 };
    let mut control = RateControl::new(VideoRepair::Negotiated);
    let at = |ms: u64| Duration::from_millis(ms);
    control.handle_tick(at(0), 300_000, &quiet);
    let first = control.poll_allocation().expect("the first tick decides");
    assert!(first.video.is_some());
    assert_eq!(control.poll_allocation(), None, "handed out once");

    control.handle_tick(at(100), 60_000, &quiet);
    assert_eq!(control.poll_allocation(), None, "inside the period the estimate waits");
    control.handle_tick(REEVALUATE_EVERY, 300_000, &quiet);
    assert_eq!(control.poll_allocation(), None, "the same estimate changes nothing");

    control.handle_tick(at(400), 35_000, &quiet);
    let low = control.poll_allocation().expect("a collapse is acted on");
    assert_eq!(low.video, None, "below the threshold the call goes audio-only");
    assert!(low.audio.bitrate_bps < first.audio.bitrate_bps);
    assert_eq!(control.current(), Some(&low));
}
