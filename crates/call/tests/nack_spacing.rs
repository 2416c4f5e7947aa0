//! When a missing packet is asked for again: once a round trip and a margin have passed, at most three times,
//! each stream on its own.

use std::time::Duration;

use eclinic_call::nack_spacing::NackSpacing;

const VIDEO: u32 = 7_000;
const AUDIO: u32 = 7_001;

/// One generator tick: at `ms`, what is still missing on a stream, and what must be asked for.
struct Tick {
    ms: u64,
    ssrc: u32,
    missing: &'static [u16],
    asked: &'static [u16],
}

const fn tick(ms: u64, missing: &'static [u16], asked: &'static [u16]) -> Tick {
    Tick { ms, ssrc: VIDEO, missing, asked }
}

fn check(round_trip_ms: Option<u64>, ticks: &[Tick]) {
    let mut spacing = NackSpacing::new();
    if let Some(ms) = round_trip_ms {
        spacing.handle_round_trip(Duration::from_millis(ms));
    }
    for t in ticks {
        let asked = spacing.handle_missing(Duration::from_millis(t.ms), t.ssrc, t.missing);
        assert_eq!(asked, t.asked, "at {} ms, missing {:?} on {}", t.ms, t.missing, t.ssrc);
    }
}

#[test]
fn a_missing_packet_is_asked_for_at_once() {
    check(Some(600), &[tick(100, &[5, 6], &[5, 6])]);
}

#[test]
fn it_is_asked_again_only_after_a_round_trip_and_the_margin() {
    // EDGE: 600 ms round trip, so the next request is due 700 ms after the first.
    check(
        Some(600),
        &[
            tick(100, &[5], &[5]),
            tick(200, &[5], &[]),
            tick(300, &[5], &[]),
            tick(700, &[5], &[]),
            tick(800, &[5], &[5]),
            tick(900, &[5], &[]),
            tick(1_500, &[5], &[5]),
        ],
    );
}

#[test]
fn a_short_round_trip_asks_again_sooner() {
    check(Some(50), &[tick(100, &[5], &[5]), tick(200, &[5], &[]), tick(250, &[5], &[5])]);
}

#[test]
fn no_packet_is_asked_for_more_than_three_times() {
    check(
        Some(100),
        &[
            tick(0, &[9], &[9]),
            tick(200, &[9], &[9]),
            tick(400, &[9], &[9]),
            tick(600, &[9], &[]),
            tick(2_000, &[9], &[]),
        ],
    );
}

#[test]
fn until_a_round_trip_is_measured_a_poor_links_is_assumed() {
    check(None, &[tick(0, &[1], &[1]), tick(500, &[1], &[]), tick(600, &[1], &[1])]);
}

#[test]
fn new_losses_are_asked_for_beside_ones_still_waiting() {
    check(Some(600), &[tick(0, &[1], &[1]), tick(100, &[1, 2, 3], &[2, 3]), tick(700, &[1, 3], &[1])]);
}

#[test]
fn streams_are_spaced_separately() {
    check(
        Some(600),
        &[tick(0, &[4], &[4]), Tick { ms: 100, ssrc: AUDIO, missing: &[4], asked: &[4] }, tick(200, &[4], &[])],
    );
}

#[test]
fn a_sequence_number_that_comes_round_again_is_a_new_packet() {
    // Five seconds on, the number is another packet's (or the old one is long given up).
    check(Some(100), &[tick(0, &[7], &[7]), tick(200, &[7], &[7]), tick(400, &[7], &[7]), tick(5_400, &[7], &[7])]);
}
