#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Queue order (priority, then waiting time), positions and wait estimates kiosks are told.

mod common;

use common::{Sim, queue};
use eclinic_signal::{ClientMessage as C, POSITION_FLUSH_MS, Priority, Role, ServerMessage as S};

fn positions(messages: &[S]) -> Vec<(String, u32, Option<u64>)> {
    messages
        .iter()
        .filter_map(|m| match m {
            S::Position { consult_id, position, estimated_wait_s } => {
                Some((consult_id.clone(), *position, *estimated_wait_s))
            }
            S::Queued { consult_id, position, estimated_wait_s, .. } => {
                Some((consult_id.clone(), *position, *estimated_wait_s))
            }
            _ => None,
        })
        .collect()
}

/// Patients queued (kiosk, priority) one second apart are served in the expected order.
fn check(arrivals: &[(&str, Priority)], expected_order: &[usize]) {
    let mut sim = Sim::new();
    sim.connect("doc", Role::Doctor);
    let mut ids = Vec::new();
    for (i, (kiosk, priority)) in arrivals.iter().enumerate() {
        if !sim.conns.contains_key(*kiosk) {
            sim.connect(kiosk, Role::Kiosk);
        }
        sim.send(kiosk, &queue(&format!("t{i}"), *priority));
        ids.push(sim.queued_id(kiosk));
        sim.advance(1000);
    }
    let mut served = Vec::new();
    for _ in arrivals {
        sim.take("doc");
        sim.send("doc", &C::TakeNext);
        let started = sim.take("doc").into_iter().find_map(|m| match m {
            S::ConsultStarted { consult_id, .. } => Some(consult_id),
            _ => None,
        });
        let id = started.unwrap();
        served.push(ids.iter().position(|i| *i == id).unwrap());
        sim.send("doc", &C::End { consult_id: id });
    }
    assert_eq!(served, expected_order, "arrivals {arrivals:?}");
}

#[test]
fn emergencies_first_then_urgent_then_routine_each_oldest_first() {
    use Priority::{Emergency as E, Routine as R, Urgent as U};
    check(&[("k1", R), ("k2", R), ("k3", R)], &[0, 1, 2]);
    check(&[("k1", R), ("k2", U), ("k3", E)], &[2, 1, 0]);
    check(&[("k1", U), ("k1", E), ("k2", U), ("k2", R), ("k3", E)], &[1, 4, 0, 2, 3]);
}

#[test]
fn kiosks_learn_their_position_and_wait_and_it_moves_as_the_queue_moves() {
    let mut sim = Sim::new();
    for kiosk in ["k1", "k2", "k3"] {
        sim.connect(kiosk, Role::Kiosk);
        sim.send(kiosk, &queue("x", Priority::Routine));
    }
    // No doctor online: a place but no estimate.
    assert_eq!(positions(&sim.take("k3")).last().map(|p| (p.1, p.2)), Some((3, None)));

    sim.connect("doc", Role::Doctor);
    assert!(sim.take("k1").contains(&S::DoctorsOnline { count: 1 }));
    sim.advance(POSITION_FLUSH_MS);
    // One free doctor: the first is seen now, the others wait rounds of the default 8-minute consult.
    let told: Vec<_> = ["k1", "k2", "k3"].iter().map(|k| positions(&sim.take(k)).last().map(|p| (p.1, p.2))).collect();
    assert_eq!(told, vec![Some((1, Some(0))), Some((2, Some(480))), Some((3, Some(960)))]);

    sim.send("doc", &C::TakeNext);
    sim.advance(POSITION_FLUSH_MS);
    assert!(sim.take("k1").iter().any(|m| matches!(m, S::Accepted { .. })));
    let told: Vec<_> = ["k2", "k3"].iter().map(|k| positions(&sim.take(k)).last().map(|p| (p.1, p.2))).collect();
    assert_eq!(told, vec![Some((1, Some(480))), Some((2, Some(960)))]);
}

#[test]
fn position_updates_are_coalesced_and_unchanged_places_are_not_resent() {
    let mut sim = Sim::new();
    sim.connect("doc", Role::Doctor);
    sim.connect("k1", Role::Kiosk);
    sim.send("k1", &queue("first", Priority::Routine));
    sim.take("k1");
    for i in 0..10 {
        sim.connect(&format!("other{i}"), Role::Kiosk);
        sim.send(&format!("other{i}"), &queue("x", Priority::Routine));
    }
    sim.advance(POSITION_FLUSH_MS * 3);
    // Ten arrivals behind k1 did not move it: nothing to tell.
    assert!(positions(&sim.take("k1")).is_empty());
    sim.connect("urgent", Role::Kiosk);
    sim.send("urgent", &queue("u", Priority::Emergency));
    sim.advance(POSITION_FLUSH_MS * 3);
    let told = positions(&sim.take("k1"));
    assert_eq!(told.len(), 1, "one coalesced update: {told:?}");
    assert_eq!(told[0].1, 2);
}
