//! When the offering end restarts ICE: not for a short outage that consent recovers from, then once the
//! connection has been down for a while, again at intervals while it stays down, and never once it is up.

use std::time::Duration;

use eclinic_call::reconnect::{FIRST_RESTART_AFTER, LinkState, RESTART_EVERY, Reconnect};

#[derive(Clone, Copy)]
enum Step {
    State(LinkState),
    /// Ask whether to restart.
    Poll,
}

/// Runs `(ms, step)` in order and returns the times at which a restart was handed out.
fn restarts_at(script: &[(u64, Step)]) -> Vec<u64> {
    let mut reconnect = Reconnect::new();
    let mut restarts = Vec::new();
    for &(ms, step) in script {
        let now = Duration::from_millis(ms);
        match step {
            Step::State(state) => reconnect.handle_state(now, state),
            Step::Poll => {
                if reconnect.poll_restart(now) {
                    restarts.push(ms);
                }
            }
        }
    }
    assert_eq!(reconnect.restarts() as usize, restarts.len());
    restarts
}

/// A poll every 250 ms from `from` to `to`, as the call's loop does.
fn polls(from: u64, to: u64) -> Vec<(u64, Step)> {
    (from..=to).step_by(250).map(|ms| (ms, Step::Poll)).collect()
}

fn check(script: Vec<(u64, Step)>, expect: &[u64]) {
    assert_eq!(restarts_at(&script), expect);
}

fn down(ms: u64) -> (u64, Step) {
    (ms, Step::State(LinkState::Down))
}

fn up(ms: u64) -> (u64, Step) {
    (ms, Step::State(LinkState::Up))
}

#[test]
fn a_connection_that_stays_up_is_never_restarted() {
    check([vec![up(0)], polls(0, 60_000)].concat(), &[]);
}

#[test]
fn a_short_outage_is_left_to_consent() {
    let first = FIRST_RESTART_AFTER.as_millis() as u64;
    check([vec![down(1_000)], polls(1_000, first), vec![up(first)], polls(first, 30_000)].concat(), &[]);
}

#[test]
fn a_long_outage_restarts_once_due_and_again_while_down() {
    let (first, every) = (FIRST_RESTART_AFTER.as_millis() as u64, RESTART_EVERY.as_millis() as u64);
    let start = 2_000;
    check(
        [vec![down(start)], polls(start, start + first + 2 * every)].concat(),
        &[start + first, start + first + every, start + first + 2 * every],
    );
}

#[test]
fn a_failed_state_after_disconnected_does_not_push_the_restart_back() {
    let first = FIRST_RESTART_AFTER.as_millis() as u64;
    check([vec![down(0), down(first - 1_000)], polls(0, first)].concat(), &[first]);
}

#[test]
fn coming_back_up_forgets_the_outage() {
    let first = FIRST_RESTART_AFTER.as_millis() as u64;
    let second_outage = 20_000;
    check(
        [
            vec![down(0)],
            polls(0, first),
            vec![up(first + 500)],
            polls(first + 500, second_outage),
            vec![down(second_outage)],
            polls(second_outage, second_outage + first),
        ]
        .concat(),
        &[first, second_outage + first],
    );
}
