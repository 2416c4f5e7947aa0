#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_domain::{Hlc, HlcClock};

const fn hlc(wall_ms: i64, counter: u32) -> Hlc {
    Hlc { wall_ms, counter }
}

enum Step {
    Tick(i64),
    Observe(Hlc, i64),
}

fn check(steps: &[Step], expect: &[Hlc]) {
    let mut clock = HlcClock::default();
    let got: Vec<Hlc> = steps
        .iter()
        .map(|s| match *s {
            Step::Tick(now) => clock.tick(now),
            Step::Observe(remote, now) => clock.observe(remote, now),
        })
        .collect();
    assert_eq!(got, expect);
    assert!(got.windows(2).all(|w| w[0] < w[1]), "timestamps strictly increase");
}

#[test]
fn ticks_follow_the_wall_clock() {
    check(&[Step::Tick(100), Step::Tick(101), Step::Tick(200)], &[hlc(100, 0), hlc(101, 0), hlc(200, 0)]);
}

#[test]
fn same_millisecond_and_clock_going_back_bump_the_counter() {
    check(
        &[Step::Tick(100), Step::Tick(100), Step::Tick(50), Step::Tick(101)],
        &[hlc(100, 0), hlc(100, 1), hlc(100, 2), hlc(101, 0)],
    );
}

#[test]
fn remote_clock_ahead_pulls_local_events_after_it() {
    check(
        &[Step::Tick(100), Step::Observe(hlc(500, 3), 110), Step::Tick(120), Step::Tick(600)],
        &[hlc(100, 0), hlc(500, 4), hlc(500, 5), hlc(600, 0)],
    );
}

#[test]
fn counter_overflow_carries_into_wall_time() {
    let mut clock = HlcClock::resume(hlc(100, u32::MAX));
    assert_eq!(clock.tick(100), hlc(101, 0));
}
