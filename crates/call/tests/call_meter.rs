#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The per-second statistics on a simulated clock: bitrates, frame rate, freezes, latency and audio
//! concealment, each second and summed over the call.

use std::time::Duration;

use eclinic_call::audio_rx::AudioCounters;
use eclinic_call::meter::CallMeter;

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// A 15 fps, 150 kb/s call of `seconds`, with the pictures between `frozen` (ms) missing. Returns the
/// meter's seconds' (pictures, freeze_ms, receive_kbps).
fn call(seconds: u64, frozen: std::ops::Range<u64>) -> (Vec<(u32, u32, f64)>, CallMeter) {
    let mut meter = CallMeter::new(ms(0));
    let mut seconds_seen = Vec::new();
    for now_ms in 0..seconds * 1_000 {
        let now = ms(now_ms);
        if now_ms % 200 == 0 {
            meter.handle_received(3_750); // 150 kb/s
            meter.handle_sent(2_500); // 100 kb/s
        }
        if now_ms % 66 == 0 && !frozen.contains(&now_ms) {
            meter.handle_picture(now, 320, 240, Some(180));
        }
        if let Some(second) = meter.poll_second(now + ms(1)) {
            seconds_seen.push((second.pictures, second.freeze_ms, second.receive_kbps));
        }
    }
    (seconds_seen, meter)
}

#[test]
fn a_smooth_call_has_no_freezes() {
    let (seconds, meter) = call(5, 0..0);
    assert_eq!(seconds.len(), 5);
    for (pictures, freeze_ms, receive_kbps) in &seconds {
        assert!((15..=16).contains(pictures), "{seconds:?}");
        assert_eq!(*freeze_ms, 0);
        assert!((receive_kbps - 150.0).abs() < 0.1, "{seconds:?}");
    }
    let summary = meter.summary();
    assert_eq!((summary.seconds, summary.freeze_ms), (5, 0));
    assert!((summary.mean_fps - 15.2).abs() < 0.3, "{summary:?}");
    assert!((summary.mean_send_kbps - 100.0).abs() < 0.1, "{summary:?}");
    assert_eq!((summary.latency_p50_ms, summary.latency_p95_ms), (Some(180), Some(180)));
}

#[test]
fn a_second_without_pictures_is_a_freeze_counted_when_pictures_return() {
    let (seconds, meter) = call(6, 2_000..3_000);
    // The gap runs from the last picture before 2 s (1,980 ms) to the first after 3 s (3,036 ms).
    assert_eq!(seconds[2].0, 0, "{seconds:?}");
    assert_eq!(seconds[3].1, 1_056, "the freeze is booked when it ends: {seconds:?}");
    assert_eq!(meter.summary().freeze_ms, 1_056);
}

#[test]
fn concealed_audio_is_reported_per_second_and_overall() {
    let mut meter = CallMeter::new(ms(0));
    let counters = |decoded: u64, concealed: u64| AudioCounters {
        decoded_samples: decoded,
        concealed_samples: concealed,
        ..AudioCounters::default()
    };
    meter.handle_audio(counters(48_000, 0));
    let first = meter.poll_second(ms(1_000)).unwrap();
    meter.handle_audio(counters(48_000 + 43_200, 4_800));
    let second = meter.poll_second(ms(2_000)).unwrap();
    assert!(meter.poll_second(ms(2_500)).is_none(), "one report per second");
    assert_eq!(first.audio_concealed_fraction, 0.0);
    assert!((second.audio_concealed_fraction - 0.1).abs() < 1e-9, "{second:?}");
    assert!((meter.summary().audio_concealed_fraction - 0.05).abs() < 1e-9);
}
