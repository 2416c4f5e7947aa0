#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Property test: any order of connects, disconnects, messages (valid, foreign, out of order, garbage) and clock
//! jumps keeps the switchboard's invariants, and once everyone has left and the graces have passed, nothing is
//! left behind.

mod common;

use std::collections::BTreeMap;

use common::Sim;
use eclinic_signal::{ClientMessage as C, ConsultEvent, Presence, Priority, Role, ServerMessage as S};
use proptest::prelude::*;

const KIOSKS: [&str; 3] = ["k0", "k1", "k2"];
const DOCTORS: [&str; 2] = ["d0", "d1"];

#[derive(Clone, Debug)]
enum Step {
    Connect(usize),
    Disconnect(usize),
    Queue(usize, u8, Priority),
    TakeNext(usize),
    Accept(usize, u8),
    Offer(usize, u8),
    Answer(usize, u8),
    Candidate(usize, u8),
    End(usize, u8),
    Cancel(usize, u8),
    Presence(usize, bool),
    Garbage(usize, Vec<u8>),
    Advance(u32),
}

fn name(who: usize) -> &'static str {
    let all: Vec<&str> = KIOSKS.iter().chain(DOCTORS.iter()).copied().collect();
    all[who % all.len()]
}

fn role(who: usize) -> Role {
    if who % 5 < KIOSKS.len() { Role::Kiosk } else { Role::Doctor }
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0usize..5;
    let consult = 0u8..6;
    let priority = prop_oneof![Just(Priority::Routine), Just(Priority::Urgent), Just(Priority::Emergency)];
    prop_oneof![
        who.clone().prop_map(Step::Connect),
        who.clone().prop_map(Step::Disconnect),
        (who.clone(), 0u8..4, priority).prop_map(|(w, t, p)| Step::Queue(w, t, p)),
        who.clone().prop_map(Step::TakeNext),
        (who.clone(), consult.clone()).prop_map(|(w, c)| Step::Accept(w, c)),
        (who.clone(), consult.clone()).prop_map(|(w, c)| Step::Offer(w, c)),
        (who.clone(), consult.clone()).prop_map(|(w, c)| Step::Answer(w, c)),
        (who.clone(), consult.clone()).prop_map(|(w, c)| Step::Candidate(w, c)),
        (who.clone(), consult.clone()).prop_map(|(w, c)| Step::End(w, c)),
        (who.clone(), consult).prop_map(|(w, c)| Step::Cancel(w, c)),
        (who.clone(), any::<bool>()).prop_map(|(w, online)| Step::Presence(w, online)),
        (who, proptest::collection::vec(any::<u8>(), 0..40)).prop_map(|(w, bytes)| Step::Garbage(w, bytes)),
        (0u32..200_000).prop_map(Step::Advance),
    ]
}

/// What a relayed message is about, if it is a relay.
fn relayed_consult(message: &S) -> Option<&str> {
    match message {
        S::Offer { consult_id, .. } | S::Answer { consult_id, .. } | S::Candidate { consult_id, .. } => {
            Some(consult_id)
        }
        _ => None,
    }
}

fn run(steps: &[Step]) {
    let mut sim = Sim::new();
    let id = |n: u8| format!("t-{}", n + 1);
    for step in steps {
        let who = match step {
            Step::Advance(ms) => {
                sim.advance(u64::from(*ms));
                None
            }
            Step::Connect(w) => {
                sim.connect(name(*w), role(*w));
                None
            }
            Step::Disconnect(w) => {
                sim.disconnect(name(*w));
                None
            }
            other => Some(other),
        };
        if let Some(step) = who {
            let (w, message) = match step {
                Step::Queue(w, t, p) => {
                    (*w, C::QueuePatient { ticket: format!("ticket{t}"), label: "l".into(), priority: *p })
                }
                Step::TakeNext(w) => (*w, C::TakeNext),
                Step::Accept(w, c) => (*w, C::Accept { consult_id: id(*c) }),
                Step::Offer(w, c) => (*w, C::Offer { consult_id: id(*c), sdp: "o".into() }),
                Step::Answer(w, c) => (*w, C::Answer { consult_id: id(*c), sdp: "a".into() }),
                Step::Candidate(w, c) => (
                    *w,
                    C::Candidate { consult_id: id(*c), candidate: "c".into(), sdp_mid: None, sdp_mline_index: None },
                ),
                Step::End(w, c) => (*w, C::End { consult_id: id(*c) }),
                Step::Cancel(w, c) => (*w, C::CancelQueue { consult_id: id(*c) }),
                Step::Presence(w, online) => {
                    (*w, C::SetPresence { status: if *online { Presence::Online } else { Presence::Away } })
                }
                Step::Garbage(w, bytes) => {
                    if sim.conns.contains_key(name(*w)) {
                        sim.send_text(name(*w), &String::from_utf8_lossy(bytes));
                    }
                    continue;
                }
                Step::Advance(_) | Step::Connect(_) | Step::Disconnect(_) => unreachable!("handled above"),
            };
            if sim.conns.contains_key(name(w)) {
                sim.send(name(w), &message);
            }
        }
        check_invariants(&mut sim);
    }
    for who in 0..5 {
        sim.disconnect(name(who));
    }
    sim.advance(10 * 60 * 1000);
    assert_eq!(sim.board.consult_count(), 0, "consults left after everyone left");
    assert_eq!(sim.board.poll_timeout(), None);
    check_records(&sim);
}

fn check_invariants(sim: &mut Sim) {
    let inboxes: Vec<(String, Vec<S>)> = sim.inbox.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (name, messages) in &inboxes {
        for message in messages {
            if let Some(consult_id) = relayed_consult(message) {
                let (kiosk, doctor) = sim.board.participants(consult_id).expect("relays only for live consults");
                assert!(doctor.is_some(), "relay on a queued consult");
                assert!(kiosk == name || doctor == Some(name.as_str()), "{name} got a relay of {consult_id}");
            }
            if let S::Position { position, .. } | S::Queued { position, .. } = message {
                assert!(*position >= 1 && (*position as usize) <= sim.board.queue_len().max(1) + 20);
            }
        }
    }
    sim.inbox.clear();
    let mut doctors: BTreeMap<String, usize> = BTreeMap::new();
    for n in 1..=6u8 {
        if let Some((_, Some(doctor))) = sim.board.participants(&format!("t-{n}")) {
            *doctors.entry(doctor.to_owned()).or_default() += 1;
        }
    }
    assert!(doctors.values().all(|&n| n == 1), "a doctor in two consults: {doctors:?}");
}

/// Each consult's log is Queued, then at most one Accepted, then one Ended, in that order.
fn check_records(sim: &Sim) {
    let mut per_consult: BTreeMap<&str, Vec<&ConsultEvent>> = BTreeMap::new();
    for record in &sim.records {
        per_consult.entry(&record.consult_id).or_default().push(&record.event);
    }
    for (id, events) in per_consult {
        let shape: Vec<u8> = events
            .iter()
            .map(|e| match e {
                ConsultEvent::Queued { .. } => 0,
                ConsultEvent::Accepted { .. } => 1,
                ConsultEvent::Ended { .. } => 2,
            })
            .collect();
        assert!(shape == [0, 2] || shape == [0, 1, 2], "{id}: {events:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn random_message_orders_keep_the_invariants(steps in proptest::collection::vec(step(), 1..80)) {
        run(&steps);
    }
}
