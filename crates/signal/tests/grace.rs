#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Disconnects: a kiosk keeps its place for a grace period, consults survive a short drop, and both are
//! abandoned after it.

mod common;

use common::{Sim, error_codes, queue};
use eclinic_signal::{
    CONSULT_GRACE_MS, ClientMessage as C, CloseReason, ConsultEvent, ErrorCode, Outcome, Priority, QUEUE_GRACE_MS,
    Role, ServerMessage as S,
};

#[test]
fn a_kiosk_that_reconnects_within_the_grace_keeps_its_place() {
    let mut sim = Sim::new();
    sim.connect("doc", Role::Doctor);
    sim.connect("k1", Role::Kiosk);
    sim.connect("k2", Role::Kiosk);
    sim.send("k1", &queue("a", Priority::Routine));
    let id = sim.queued_id("k1");
    sim.send("k2", &queue("b", Priority::Routine));
    sim.take("doc");

    sim.disconnect("k1");
    let update = sim.take("doc");
    assert!(matches!(&update[..], [S::QueueUpdated { entry }] if entry.consult_id == id && !entry.kiosk_connected));
    // Doctors skip a patient whose kiosk is away, and cannot take it explicitly.
    sim.send("doc", &C::Accept { consult_id: id.clone() });
    assert_eq!(error_codes(&sim.take("doc")), vec![ErrorCode::PeerAway]);

    sim.advance(QUEUE_GRACE_MS - 1);
    sim.connect("k1", Role::Kiosk);
    sim.advance(1_000);
    let told = sim.take("k1");
    assert!(
        told.iter().any(|m| matches!(m, S::Position { consult_id, position: 1, .. } if *consult_id == id)),
        "{told:?}"
    );
    sim.send("doc", &C::TakeNext);
    assert!(sim.take("k1").iter().any(|m| matches!(m, S::Accepted { consult_id, .. } if *consult_id == id)));
}

#[test]
fn a_kiosk_away_past_the_grace_loses_its_place() {
    let mut sim = Sim::new();
    sim.connect("k1", Role::Kiosk);
    sim.send("k1", &queue("a", Priority::Routine));
    sim.disconnect("k1");
    sim.advance(QUEUE_GRACE_MS);
    assert_eq!(sim.board.consult_count(), 0);
    assert_eq!(sim.records.last().unwrap().event, ConsultEvent::Ended { outcome: Outcome::Abandoned });
    assert_eq!(sim.board.poll_timeout(), None, "nothing left to wait for");
}

#[test]
fn a_consult_survives_a_short_drop_and_the_peer_is_told() {
    let mut sim = Sim::new();
    sim.connect("k", Role::Kiosk);
    sim.connect("doc", Role::Doctor);
    sim.send("k", &queue("a", Priority::Routine));
    let id = sim.queued_id("k");
    sim.send("doc", &C::TakeNext);
    sim.take("doc");
    sim.disconnect("k");
    assert_eq!(sim.take("doc"), vec![S::PeerAway { consult_id: id.clone() }]);
    // Nothing is relayed to an absent kiosk: the doctor learns to wait.
    sim.send("doc", &C::Offer { consult_id: id.clone(), sdp: "o".into() });
    assert_eq!(error_codes(&sim.take("doc")), vec![ErrorCode::PeerAway]);

    sim.advance(CONSULT_GRACE_MS - 1);
    sim.connect("k", Role::Kiosk);
    assert!(sim.take("k").iter().any(|m| matches!(m, S::Accepted { consult_id, .. } if *consult_id == id)));
    assert_eq!(sim.take("doc"), vec![S::PeerBack { consult_id: id.clone() }]);
    sim.send("doc", &C::Offer { consult_id: id.clone(), sdp: "restart".into() });
    assert_eq!(sim.take("k"), vec![S::Offer { consult_id: id, sdp: "restart".into() }]);
}

#[test]
fn a_doctor_gone_past_the_grace_abandons_the_consult() {
    let mut sim = Sim::new();
    sim.connect("k", Role::Kiosk);
    sim.connect("doc", Role::Doctor);
    sim.send("k", &queue("a", Priority::Routine));
    let id = sim.queued_id("k");
    sim.send("doc", &C::TakeNext);
    sim.disconnect("doc");
    sim.take("k");
    sim.advance(CONSULT_GRACE_MS);
    assert_eq!(sim.take("k"), vec![S::Ended { consult_id: id, outcome: Outcome::Abandoned }]);
    assert_eq!(sim.board.consult_count(), 0);
}

#[test]
fn a_second_connection_of_the_same_account_replaces_the_first() {
    let mut sim = Sim::new();
    sim.connect("k", Role::Kiosk);
    let first = sim.conns["k"];
    sim.connect("k", Role::Kiosk);
    assert_eq!(sim.closed, vec![("k".to_owned(), CloseReason::Replaced)]);
    assert_ne!(sim.conns["k"], first);
    assert_eq!(sim.board.connection_count(), 1);
}
