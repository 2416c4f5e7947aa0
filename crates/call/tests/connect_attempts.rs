//! When an end starts over with a fresh connection: the offerer after each failed or timed-out attempt, up
//! to the attempts allowed; the answerer only on a fresh offer, waiting out its own failures as long as the
//! offerer may still try.

use std::time::Duration;

use eclinic_call::connect_attempts::{ConnectAttempts, ConnectStep, FRESH_OFFER_MARGIN};

const PER_ATTEMPT: Duration = Duration::from_secs(15);

#[derive(Clone, Copy, Debug)]
enum Event {
    Failure,
    FreshOffer,
}

fn s(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

/// Feeds `(second, event, expected step)` in order; checks each step and the attempts made after it.
fn check(offerer: bool, allowed: u32, script: &[(u64, Event, ConnectStep, u32)]) {
    let mut attempts = ConnectAttempts::new(Duration::ZERO, offerer, allowed, PER_ATTEMPT);
    for &(second, event, expected, made) in script {
        let step = match event {
            Event::Failure => attempts.handle_failure(s(second)),
            Event::FreshOffer => attempts.handle_fresh_offer(s(second)),
        };
        assert_eq!(step, expected, "offerer {offerer}, {event:?} at {second} s");
        assert_eq!(attempts.made(), made, "offerer {offerer}, after {event:?} at {second} s");
    }
}

#[test]
fn the_offerer_starts_over_until_the_attempts_are_spent() {
    use ConnectStep::*;
    use Event::*;
    check(true, 3, &[(9, Failure, StartOver, 2), (24, Failure, StartOver, 3), (39, Failure, GiveUp, 3)]);
}

#[test]
fn without_signalling_one_attempt_is_all() {
    use ConnectStep::*;
    use Event::*;
    check(true, 1, &[(15, Failure, GiveUp, 1)]);
    check(false, 1, &[(15, Failure, GiveUp, 1)]);
}

#[test]
fn the_answerer_waits_for_a_fresh_offer_and_follows_it() {
    use ConnectStep::*;
    use Event::*;
    check(
        false,
        3,
        &[
            (9, Failure, KeepWaiting, 1),
            (16, FreshOffer, StartOver, 2),
            (30, Failure, KeepWaiting, 2),
            (32, FreshOffer, StartOver, 3),
        ],
    );
}

#[test]
fn the_answerer_refuses_offers_beyond_the_attempts_and_the_offerer_takes_none() {
    use ConnectStep::*;
    use Event::*;
    check(false, 2, &[(5, FreshOffer, StartOver, 2), (6, FreshOffer, KeepWaiting, 2)]);
    check(true, 3, &[(5, FreshOffer, KeepWaiting, 1)]);
}

#[test]
fn the_answerer_gives_up_once_the_offerer_can_no_longer_try() {
    let mut attempts = ConnectAttempts::new(Duration::ZERO, false, 3, PER_ATTEMPT);
    let last_chance = PER_ATTEMPT * 3 + FRESH_OFFER_MARGIN;
    assert_eq!(attempts.poll_timeout(), last_chance);
    assert_eq!(attempts.handle_failure(last_chance - s(1)), ConnectStep::KeepWaiting);
    assert_eq!(attempts.handle_failure(last_chance), ConnectStep::GiveUp);

    let mut offerer = ConnectAttempts::new(Duration::ZERO, true, 3, PER_ATTEMPT);
    assert_eq!(offerer.poll_timeout(), PER_ATTEMPT, "the offerer waits one attempt");
    assert_eq!(offerer.handle_failure(s(4)), ConnectStep::StartOver);
    assert_eq!(offerer.poll_timeout(), s(4) + PER_ATTEMPT);
}
