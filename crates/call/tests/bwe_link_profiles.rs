#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The estimator on simulated rural links (deterministic, faster than real time): a steady link is used,
//! radio loss is not taken for congestion, and capacity steps are followed. The goals are issue 6's.

mod support;

use eclinic_call::bwe::{FLOOR_BPS, START_BPS};
use support::{Loss, Profile, Sender, mean_estimate, run};

#[test]
fn a_steady_link_is_used_without_overshooting_it() {
    let samples = run(&Profile::steady(300_000.0, Loss::None));
    assert!(samples[0].estimate_bps <= START_BPS);
    let used = mean_estimate(&samples, 20.0, 40.0);
    assert!((240_000.0..=330_000.0).contains(&used), "mean estimate {used:.0} on a 300 kb/s link");
}

#[test]
fn radio_loss_is_not_taken_for_congestion() {
    for (loss, at_least) in [
        (Loss::Random(0.05), 0.6),
        (Loss::Random(0.10), 0.6),
        (Loss::Random(0.20), 0.5),
        (Loss::Bursty { enter_bad: 0.01, leave_bad: 0.25 }, 0.6),
    ] {
        let samples = run(&Profile::steady(300_000.0, loss));
        let used = mean_estimate(&samples, 25.0, 40.0) / 300_000.0;
        assert!(used >= at_least, "{loss:?}: estimate {:.0} % of capacity", used * 100.0);
        assert!(samples.iter().all(|s| s.estimate_bps >= FLOOR_BPS));
    }
}

#[test]
fn radio_jitter_is_not_taken_for_congestion() {
    // EDGE: ±40 ms of jitter on 250 ms, with its bursty 2 % loss, on a 150 kb/s link.
    let edge = Profile {
        propagation_ms: 250,
        jitter_ms: 40,
        ..Profile::steady(150_000.0, Loss::Bursty { enter_bad: 0.005, leave_bad: 0.25 })
    };
    let used = mean_estimate(&run(&edge), 20.0, 40.0) / 150_000.0;
    assert!(used >= 0.7, "estimate {:.0} % of capacity under jitter", used * 100.0);
}

#[test]
fn a_capacity_drop_is_followed_within_two_seconds_and_the_queue_drains() {
    let profile = Profile { capacity: vec![(0.0, 500_000.0), (25.0, 150_000.0)], ..Profile::steady(0.0, Loss::None) };
    let samples = run(&profile);
    let down = samples.iter().find(|s| s.t >= 25.0 && s.estimate_bps <= 1.1 * 150_000.0).map(|s| s.t - 25.0);
    assert!(down.is_some_and(|s| s <= 2.0), "down to the new capacity after {down:?} s");
    let after = mean_estimate(&samples, 30.0, 40.0) / 150_000.0;
    assert!((0.6..=1.1).contains(&after), "then {:.0} % of the new capacity", after * 100.0);
}

/// RFC 8867's step down on a 3G uplink (750 to 180 kb/s, a 300 ms queue): the cut drains the queue, and the
/// delay and overflow losses the draining queue still reports must not cut again and again.
#[test]
fn after_a_capacity_drop_the_estimate_stays_near_the_new_capacity() {
    let profile = Profile {
        capacity: vec![(0.0, 750_000.0), (25.0, 180_000.0)],
        queue_ms: 300,
        propagation_ms: 50,
        ..Profile::steady(0.0, Loss::None)
    };
    let samples = run(&profile);
    let settled = samples.iter().filter(|s| (27.0..35.0).contains(&s.t)).map(|s| s.estimate_bps / 180_000.0);
    let (lowest, highest) = settled.fold((f64::MAX, 0.0_f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
    assert!(lowest >= 0.65 && highest <= 1.35, "from 2 s after the drop: {lowest:.2} to {highest:.2} of it");
}

#[test]
fn a_capacity_rise_is_found_within_twelve_seconds() {
    let profile = Profile { capacity: vec![(0.0, 150_000.0), (20.0, 500_000.0)], ..Profile::steady(0.0, Loss::None) };
    let samples = run(&profile);
    let reached = samples.iter().find(|s| s.t >= 20.0 && s.estimate_bps >= 0.8 * 500_000.0).map(|s| s.t - 20.0);
    assert!(reached.is_some_and(|s| s <= 12.0), "reached 80 % after {reached:?} s");
}

/// EDGE with the call's real sender: an unpaced encoder using 75 % of the estimate, a keyframe every 2 s
/// four times a frame's size. Its bursts build short queues on a link it does not fill; a cut relative to
/// what arrived over a window of mostly idle link sank the estimate to half the capacity, and the picture
/// went off (67 % on average, 32 % at its lowest).
#[test]
fn an_unpaced_encoder_on_edge_keeps_the_estimate_near_the_capacity() {
    let edge = Profile {
        propagation_ms: 250,
        jitter_ms: 40,
        queue_ms: 1_000,
        sender: Sender::Video { fps: 10, used: 0.75, keyframe_every: 20, keyframe_size: 4.0 },
        ..Profile::steady(150_000.0, Loss::Bursty { enter_bad: 0.005, leave_bad: 0.25 })
    };
    let samples = run(&edge);
    let used = mean_estimate(&samples, 10.0, 40.0) / 150_000.0;
    let lowest = samples.iter().filter(|s| s.t >= 10.0).map(|s| s.estimate_bps).fold(f64::MAX, f64::min);
    assert!(
        used >= 0.8 && lowest >= 0.5 * 150_000.0,
        "estimate {:.0} % of capacity on average, {:.0} % at its lowest",
        used * 100.0,
        lowest / 1_500.0
    );
}

/// EDGE's radio fades: 400 ms in which every packet is lost, every 6 s, with the unpaced sender.
/// Over a window spanning a fade the link looks far slower than it is; a cut relative to that once took
/// the estimate from 117 to the 40 kb/s floor and the picture went off for 8 s (27 % of the capacity here).
/// (With growth of one packet per round trip near the congestion point the climb back after each cut is
/// slower, and the lowest point here went from 46 to 44 %.)
#[test]
fn a_radio_fade_during_a_queue_is_not_taken_for_a_capacity_drop() {
    let edge = Profile {
        propagation_ms: 250,
        jitter_ms: 40,
        queue_ms: 1_000,
        fades: (1..7).map(|k| (f64::from(k) * 6.0, f64::from(k) * 6.0 + 0.4)).collect(),
        sender: Sender::Video { fps: 10, used: 0.75, keyframe_every: 20, keyframe_size: 4.0 },
        ..Profile::steady(150_000.0, Loss::Random(0.01))
    };
    let samples = run(&edge);
    let lowest = samples.iter().filter(|s| s.t >= 5.0).map(|s| s.estimate_bps).fold(f64::MAX, f64::min);
    assert!(lowest >= 0.4 * 150_000.0, "lowest estimate {:.0} % of capacity", lowest / 1_500.0);
}

/// EDGE with the call's sender (92 % of the estimate, 15 fps): growth near the last congestion point is one
/// packet per round trip, so the overshoot a late feedback lets through stays small. At a fixed 24 kb/s per
/// second the estimate reached 117 % of the capacity here (110 % now), and 147 % in the link lab, where the
/// queue it built overflowed and the picture froze for seconds.
#[test]
fn on_edge_the_estimate_does_not_overshoot_the_capacity() {
    let edge = Profile {
        propagation_ms: 250,
        jitter_ms: 40,
        queue_ms: 1_000,
        seconds: 90.0,
        sender: Sender::Video { fps: 15, used: 0.92, keyframe_every: 30, keyframe_size: 4.0 },
        ..Profile::steady(150_000.0, Loss::Bursty { enter_bad: 0.005, leave_bad: 0.25 })
    };
    let samples = run(&edge);
    let highest = samples.iter().filter(|s| s.t >= 10.0).map(|s| s.estimate_bps).fold(0.0, f64::max);
    let mean = mean_estimate(&samples, 10.0, 90.0);
    assert!(highest <= 1.13 * 150_000.0, "highest estimate {:.0} % of capacity", highest / 1_500.0);
    assert!(mean >= 0.8 * 150_000.0, "mean estimate {:.0} % of capacity", mean / 1_500.0);
}
