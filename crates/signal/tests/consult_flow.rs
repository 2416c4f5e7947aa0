#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A whole consult: queue, accept, offer/answer/candidates relayed to the other side only, end, records.

mod common;

use common::{Sim, error_codes, queue};
use eclinic_signal::{ClientMessage as C, ConsultEvent, DoctorCard, Outcome, Priority, Role, ServerMessage as S};

#[test]
fn a_consult_runs_from_queue_to_end_and_only_its_participants_hear_it() {
    let mut sim = Sim::new();
    sim.connect("kiosk", Role::Kiosk);
    sim.connect("bystander", Role::Kiosk);
    sim.connect("doc", Role::Doctor);
    sim.connect("doc2", Role::Doctor);
    for name in ["kiosk", "bystander", "doc", "doc2"] {
        sim.take(name);
    }

    sim.send("kiosk", &queue("visit-1", Priority::Routine));
    let id = sim.queued_id("kiosk");
    assert!(
        matches!(&sim.take("doc")[..], [S::QueueUpdated { entry }] if entry.consult_id == id && entry.kiosk_connected)
    );
    sim.take("doc2");

    sim.send("doc", &C::TakeNext);
    let card = DoctorCard { name: "doc name".into(), pmdc: Some("PMDC-doc".into()) };
    assert_eq!(sim.take("kiosk"), vec![S::Accepted { consult_id: id.clone(), doctor: card }]);
    let started = S::ConsultStarted {
        consult_id: id.clone(),
        kiosk: "kiosk name".into(),
        label: "label visit-1".into(),
        priority: Priority::Routine,
    };
    assert_eq!(sim.take("doc"), vec![started, S::QueueRemoved { consult_id: id.clone() }]);
    assert_eq!(sim.take("doc2"), vec![S::QueueRemoved { consult_id: id.clone() }]);

    let relay = [
        (
            "doc",
            C::Offer { consult_id: id.clone(), sdp: "v=0 offer".into() },
            "kiosk",
            S::Offer { consult_id: id.clone(), sdp: "v=0 offer".into() },
        ),
        (
            "doc",
            C::Candidate {
                consult_id: id.clone(),
                candidate: "candidate:1".into(),
                sdp_mid: Some("0".into()),
                sdp_mline_index: Some(0),
            },
            "kiosk",
            S::Candidate {
                consult_id: id.clone(),
                candidate: "candidate:1".into(),
                sdp_mid: Some("0".into()),
                sdp_mline_index: Some(0),
            },
        ),
        (
            "kiosk",
            C::Answer { consult_id: id.clone(), sdp: "v=0 answer".into() },
            "doc",
            S::Answer { consult_id: id.clone(), sdp: "v=0 answer".into() },
        ),
        (
            "kiosk",
            C::Candidate { consult_id: id.clone(), candidate: String::new(), sdp_mid: None, sdp_mline_index: None },
            "doc",
            S::Candidate { consult_id: id.clone(), candidate: String::new(), sdp_mid: None, sdp_mline_index: None },
        ),
        (
            "doc",
            C::Offer { consult_id: id.clone(), sdp: "v=0 restart".into() },
            "kiosk",
            S::Offer { consult_id: id.clone(), sdp: "v=0 restart".into() },
        ),
    ];
    for (from, message, to, expected) in relay {
        sim.send(from, &message);
        assert_eq!(sim.take(to), vec![expected], "{from} → {to}");
        assert!(sim.take(from).is_empty());
        for other in ["bystander", "doc2"] {
            assert!(sim.take(other).is_empty(), "{other} heard a relay");
        }
    }

    sim.advance(5 * 60 * 1000);
    sim.send("kiosk", &C::End { consult_id: id.clone() });
    let ended = S::Ended { consult_id: id.clone(), outcome: Outcome::Completed };
    assert_eq!(sim.take("kiosk"), vec![ended.clone()]);
    assert_eq!(sim.take("doc"), vec![ended]);
    assert_eq!(sim.board.consult_count(), 0);

    let events: Vec<ConsultEvent> = sim.records.iter().map(|r| r.event.clone()).collect();
    assert_eq!(
        events,
        vec![
            ConsultEvent::Queued { kiosk: "kiosk".into(), priority: Priority::Routine },
            ConsultEvent::Accepted { doctor: "doc".into() },
            ConsultEvent::Ended { outcome: Outcome::Completed },
        ]
    );
    assert!(sim.records.iter().all(|r| r.consult_id == id));
}

#[test]
fn a_busy_or_away_doctor_cannot_take_another_patient() {
    let mut sim = Sim::new();
    sim.connect("kiosk", Role::Kiosk);
    sim.connect("doc", Role::Doctor);
    sim.send("kiosk", &queue("a", Priority::Routine));
    sim.send("kiosk", &queue("b", Priority::Routine));
    sim.send("doc", &C::TakeNext);
    sim.take("doc");
    sim.send("doc", &C::TakeNext);
    assert_eq!(error_codes(&sim.take("doc")), vec![eclinic_signal::ErrorCode::Busy]);

    sim.connect("doc2", Role::Doctor);
    sim.send("doc2", &C::SetPresence { status: eclinic_signal::Presence::Away });
    sim.take("doc2");
    sim.send("doc2", &C::TakeNext);
    assert_eq!(error_codes(&sim.take("doc2")), vec![eclinic_signal::ErrorCode::NotOnline]);
}

#[test]
fn queueing_the_same_ticket_again_returns_the_same_consult() {
    let mut sim = Sim::new();
    sim.connect("kiosk", Role::Kiosk);
    sim.send("kiosk", &queue("visit-9", Priority::Urgent));
    let first = sim.queued_id("kiosk");
    sim.send("kiosk", &queue("visit-9", Priority::Urgent));
    assert_eq!(sim.queued_id("kiosk"), first);
    assert_eq!(sim.board.queue_len(), 1);
}
