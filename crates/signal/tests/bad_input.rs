#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Malformed, unknown, oversize, out-of-order and foreign messages: a typed error to the sender, nothing
//! relayed, and everyone else unaffected.

mod common;

use common::{Sim, error_codes, queue};
use eclinic_signal::wire::parse_client;
use eclinic_signal::{
    ClientMessage as C, CloseReason, ErrorCode, MAX_MESSAGE_BYTES, Priority, RATE_BURST, Role, ServerMessage as S,
};

fn check(text: &str, expected: ErrorCode) {
    let error = parse_client(text).unwrap_err();
    assert_eq!(error.code(), expected, "{text:?}: {error}");
}

#[test]
fn every_malformed_message_is_refused_with_its_reason() {
    let cases: &[(&str, ErrorCode)] = &[
        ("", ErrorCode::Malformed),
        ("not json", ErrorCode::Malformed),
        ("[1,2]", ErrorCode::Malformed),
        ("\"v\"", ErrorCode::Malformed),
        (r#"{"v":1}"#, ErrorCode::Malformed),
        (r#"{"v":1,"type":7}"#, ErrorCode::Malformed),
        (r#"{"type":"ping","nonce":1}"#, ErrorCode::UnsupportedVersion),
        (r#"{"v":2,"type":"ping","nonce":1}"#, ErrorCode::UnsupportedVersion),
        (r#"{"v":"1","type":"ping","nonce":1}"#, ErrorCode::UnsupportedVersion),
        (r#"{"v":1,"type":"launch_missiles"}"#, ErrorCode::UnknownType),
        (r#"{"v":1,"type":"ping"}"#, ErrorCode::Malformed),
        (r#"{"v":1,"type":"ping","nonce":-1}"#, ErrorCode::Malformed),
        (r#"{"v":1,"type":"offer","consult_id":"c"}"#, ErrorCode::Malformed),
        (r#"{"v":1,"type":"offer","consult_id":"","sdp":"x"}"#, ErrorCode::Invalid),
        (r#"{"v":1,"type":"offer","consult_id":"c","sdp":""}"#, ErrorCode::Invalid),
        (r#"{"v":1,"type":"queue_patient","ticket":"t","label":"l","priority":"vip"}"#, ErrorCode::Malformed),
        (r#"{"v":1,"type":"queue_patient","ticket":"t","label":"a\u0000b","priority":"routine"}"#, ErrorCode::Invalid),
        (r#"{"v":1,"type":"set_presence","status":"busy"}"#, ErrorCode::Invalid),
        (
            r#"{"v":1,"type":"candidate","consult_id":"c","candidate":"x","sdp_mid":null,"sdp_mline_index":70000}"#,
            ErrorCode::Malformed,
        ),
    ];
    for (text, expected) in cases {
        check(text, *expected);
    }
    let long_label =
        format!(r#"{{"v":1,"type":"queue_patient","ticket":"t","label":"{}","priority":"routine"}}"#, "x".repeat(81));
    check(&long_label, ErrorCode::Invalid);
    let long_id = format!(r#"{{"v":1,"type":"end","consult_id":"{}"}}"#, "c".repeat(65));
    check(&long_id, ErrorCode::Invalid);
    let huge = format!(r#"{{"v":1,"type":"offer","consult_id":"c","sdp":"{}"}}"#, "a".repeat(MAX_MESSAGE_BYTES));
    check(&huge, ErrorCode::TooLarge);
}

#[test]
fn every_prefix_of_a_real_message_is_an_error_not_a_panic() {
    let text = eclinic_signal::wire::encode_client(&C::Candidate {
        consult_id: "t-1".into(),
        candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host".into(),
        sdp_mid: Some("0".into()),
        sdp_mline_index: Some(0),
    });
    assert!(parse_client(&text).is_ok());
    for end in 0..text.len() {
        assert!(parse_client(&text[..end]).is_err(), "prefix of {end} bytes parsed");
    }
}

/// A kiosk and a doctor in consult `id`, a third party `intruder` with a role, and a bystander pair.
fn scene(intruder_role: Role) -> (Sim, String) {
    let mut sim = Sim::new();
    sim.connect("k", Role::Kiosk);
    sim.connect("doc", Role::Doctor);
    sim.connect("intruder", intruder_role);
    sim.send("k", &queue("a", Priority::Routine));
    let id = sim.queued_id("k");
    sim.send("doc", &C::TakeNext);
    for name in ["k", "doc", "intruder"] {
        sim.take(name);
    }
    (sim, id)
}

#[test]
fn foreign_and_out_of_order_messages_are_refused_and_nothing_is_relayed() {
    let foreign = |id: &str| {
        vec![
            C::Offer { consult_id: id.into(), sdp: "o".into() },
            C::Answer { consult_id: id.into(), sdp: "a".into() },
            C::Candidate { consult_id: id.into(), candidate: "c".into(), sdp_mid: None, sdp_mline_index: None },
            C::End { consult_id: id.into() },
            C::CancelQueue { consult_id: id.into() },
            C::Accept { consult_id: id.into() },
        ]
    };
    for role in [Role::Kiosk, Role::Doctor] {
        let (mut sim, id) = scene(role);
        for message in foreign(&id).into_iter().chain(foreign("t-999")) {
            sim.send("intruder", &message);
            let codes = error_codes(&sim.take("intruder"));
            assert_eq!(codes.len(), 1, "{role:?} {message:?}");
            assert!(
                matches!(codes[0], ErrorCode::UnknownConsult | ErrorCode::NotAllowed | ErrorCode::Busy),
                "{message:?} → {codes:?}"
            );
            assert!(sim.take("k").is_empty() && sim.take("doc").is_empty(), "{message:?} reached a participant");
        }
        assert_eq!(sim.board.participants(&id), Some(("k", Some("doc"))));
    }

    let (mut sim, id) = scene(Role::Kiosk);
    let out_of_order: &[(&str, C)] = &[
        ("k", C::Answer { consult_id: id.clone(), sdp: "a".into() }),
        ("k", C::Candidate { consult_id: id.clone(), candidate: "c".into(), sdp_mid: None, sdp_mline_index: None }),
        ("doc", C::Candidate { consult_id: id.clone(), candidate: "c".into(), sdp_mid: None, sdp_mline_index: None }),
        ("k", C::CancelQueue { consult_id: id.clone() }),
    ];
    for (from, message) in out_of_order {
        sim.send(from, message);
        assert_eq!(error_codes(&sim.take(from)), vec![ErrorCode::OutOfOrder], "{message:?}");
        assert!(sim.take("k").is_empty() && sim.take("doc").is_empty());
    }
    let wrong_role: &[(&str, C)] = &[
        ("k", C::Offer { consult_id: id.clone(), sdp: "o".into() }),
        ("k", C::TakeNext),
        ("k", C::SetPresence { status: eclinic_signal::Presence::Away }),
        ("doc", C::Answer { consult_id: id.clone(), sdp: "a".into() }),
        ("doc", queue("z", Priority::Routine)),
    ];
    for (from, message) in wrong_role {
        sim.send(from, message);
        assert_eq!(error_codes(&sim.take(from)), vec![ErrorCode::NotAllowed], "{message:?}");
    }
    // After all that the consult still works.
    sim.send("doc", &C::Offer { consult_id: id.clone(), sdp: "o".into() });
    assert_eq!(sim.take("k"), vec![S::Offer { consult_id: id, sdp: "o".into() }]);
}

#[test]
fn a_flood_is_refused_then_closed_and_other_connections_keep_working() {
    let (mut sim, id) = scene(Role::Kiosk);
    let ping = eclinic_signal::wire::encode_client(&C::Ping { nonce: 1 });
    for _ in 0..RATE_BURST {
        sim.send_text("intruder", &ping);
    }
    assert_eq!(sim.take("intruder").len() as u64, RATE_BURST, "the burst is served");
    sim.send_text("intruder", &ping);
    assert_eq!(error_codes(&sim.take("intruder")), vec![ErrorCode::RateLimited]);
    // Refill: 20 messages a second.
    sim.advance(1000);
    for _ in 0..20 {
        sim.send_text("intruder", &ping);
    }
    assert!(error_codes(&sim.take("intruder")).is_empty());
    let mut sent = 0;
    while sim.conns.contains_key("intruder") {
        sim.send_text("intruder", "garbage");
        sent += 1;
        assert!(sent < 1000, "never closed");
    }
    assert_eq!(sim.closed, vec![("intruder".to_owned(), CloseReason::RateLimited)]);
    sim.send("doc", &C::Offer { consult_id: id.clone(), sdp: "o".into() });
    assert_eq!(sim.take("k"), vec![S::Offer { consult_id: id, sdp: "o".into() }]);
}
