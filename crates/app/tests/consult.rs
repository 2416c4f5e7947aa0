#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A whole consult through a real `eclinic-server` process: a kiosk enrolled with a one-time code (its
//! credential in the OS keyring) queues a patient, a doctor signed in with a password sees the queue and
//! takes the patient, the call runs over real sockets with pictures both ways and the kiosk's simulated
//! oximeter live at the doctor's end, and hanging up ends it for both.

mod consult_support;
mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use consult_support::{
    DOCTOR_PASSWORD, Desks, Screen, ServerProcess, desks, enrol, kiosk_with_visit, settings, with_server,
};
use eclinic_app::DEVICES_FILE;
use eclinic_app::consult::events::ConsultEvent;
use eclinic_app::server::ServerSettings;

#[test]
fn a_queued_patient_is_taken_called_and_hung_up() {
    with_server(a_queued_patient_is_taken_called_and_hung_up_through, &["Kiosk Basti Malook"]);
}

async fn a_queued_patient_is_taken_called_and_hung_up_through(server: &ServerProcess, codes: Vec<(&str, String)>) {
    let desks = desks(server, &codes[0], "fever for three days").await;
    let Desks { kiosk, doctor, at_kiosk, at_doctor } = &desks;
    std::fs::write(kiosk.dir.path().join(DEVICES_FILE), "cms50dplus\tsimulated:finger\n").unwrap();
    kiosk.clinic.watch_devices(|_| {}).unwrap();

    kiosk.clinic.join_queue("urgent", at_kiosk.clone()).await.unwrap();
    let position = at_kiosk.wait_for("a place in the queue", |e| match e {
        ConsultEvent::Queued { position, .. } => Some(*position),
        _ => None,
    });
    assert_eq!(position.await, 1);
    let entry = at_doctor
        .wait_for("the patient in the doctor's queue", |e| match e {
            ConsultEvent::Queue { entries } if entries.len() == 1 => entries.first().cloned(),
            _ => None,
        })
        .await;
    assert_eq!(
        (entry.label.as_str(), entry.priority.as_str(), entry.kiosk.as_str()),
        ("fever for three days", "urgent", "Kiosk Basti Malook")
    );

    doctor.clinic.take_patient(&entry.consult_id).unwrap();
    let (name, pmdc) = at_kiosk
        .wait_for("the doctor's name at the kiosk", |e| match e {
            ConsultEvent::Accepted { doctor, pmdc } => Some((doctor.clone(), pmdc.clone())),
            _ => None,
        })
        .await;
    assert_eq!((name.as_str(), pmdc.as_deref()), ("Dr Call", Some("12345-P")));
    for (side, screen) in [("kiosk", at_kiosk), ("doctor", at_doctor)] {
        screen
            .wait_for(&format!("{side}: a second of the call with pictures"), |e| match e {
                ConsultEvent::Second { stats } if stats.received_fps >= 5 && stats.width == 320 => Some(()),
                _ => None,
            })
            .await;
    }
    let spo2 = at_doctor
        .wait_for("the kiosk's live SpO2 at the doctor", |e| match e {
            ConsultEvent::Vital { vital } if vital.kind.as_deref() == Some("spo2") => Some(vital.clone()),
            _ => None,
        })
        .await;
    assert_eq!(spo2.unit, "%");
    assert!(spo2.value.parse::<u32>().is_ok_and(|v| (80..=100).contains(&v)), "{spo2:?}");

    for (text, code) in [("   ", "invalid_input"), (&"x".repeat(9_000), "invalid_input")] {
        assert_eq!(doctor.clinic.send_chat(text).await.unwrap_err().code(), code, "{} characters", text.len());
    }
    doctor.clinic.send_chat("  Please hold the oximeter still ").await.unwrap();
    let line = at_kiosk
        .wait_for("the doctor's chat line at the kiosk", |e| match e {
            ConsultEvent::Chat { text } => Some(text.clone()),
            _ => None,
        })
        .await;
    assert_eq!(line, "Please hold the oximeter still");

    let vitals_before = at_doctor.count(|e| matches!(e, ConsultEvent::Vital { .. }));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let vitals = at_doctor.count(|e| matches!(e, ConsultEvent::Vital { .. })) - vitals_before;
    // The oximeter reads many times a second; the doctor gets each vital about once a second.
    assert!((2..=10).contains(&vitals), "SpO2 and pulse for 3 s: {vitals} live readings");
    kiosk.clinic.hang_up().unwrap();
    for (side, screen) in [("kiosk", at_kiosk), ("doctor", at_doctor)] {
        assert_eq!(screen.outcome(&format!("{side}: the end")).await, "completed", "{side}");
        let (own, far) = (screen.self_pictures.load(Ordering::Relaxed), screen.far_pictures.load(Ordering::Relaxed));
        assert!(own >= 30 && far >= 30, "{side}: pictures for the self-view {own} and from the far end {far}");
        assert_eq!(screen.bad_pictures.load(Ordering::Relaxed), 0, "{side}: every packet a whole picture");
        let failures = screen.find(|e| matches!(e, ConsultEvent::Failed { .. }).then(|| format!("{e:?}")));
        assert_eq!(failures, None, "{side}");
    }
    assert!(doctor.clinic.hang_up().is_ok(), "the doctor stays on the queue after the consult");
    desks.close().await;
}

#[test]
fn what_cannot_start_a_consult_says_why() {
    with_server(what_cannot_start_a_consult_says_why_at, &["Kiosk Kot Addu"]);
}

async fn what_cannot_start_a_consult_says_why_at(server: &ServerProcess, codes: Vec<(&str, String)>) {
    let screen: Arc<Screen> = Arc::default();

    let kiosk = kiosk_with_visit("cough").await;
    let refused = kiosk.clinic.join_queue("routine", screen.clone()).await.unwrap_err();
    assert_eq!(refused.code(), "no_server", "{refused}");
    settings(server).save(kiosk.dir.path()).unwrap();
    let refused = kiosk.clinic.join_queue("routine", screen.clone()).await.unwrap_err();
    assert_eq!(refused.code(), "not_enrolled", "{refused}");
    let refused = settings(server).enrol_kiosk(kiosk.dir.path(), "NOT-A-CODE").await.unwrap_err();
    assert_eq!(refused.code(), "server_refused", "{refused}");
    enrol(&kiosk, server, &codes[0]).await;
    let refused = kiosk.clinic.join_queue("whenever", screen.clone()).await.unwrap_err();
    assert_eq!(refused.code(), "invalid_input", "{refused}");
    assert_eq!(kiosk.clinic.hang_up().unwrap_err().code(), "no_consult");
    kiosk.clinic.end_visit();
    assert_eq!(kiosk.clinic.join_queue("routine", screen.clone()).await.unwrap_err().code(), "no_visit");

    let doctor = support::kiosk().await;
    settings(server).save(doctor.dir.path()).unwrap();
    let refused = doctor.clinic.doctor_sign_in("drcall", "not the password", screen.clone()).await.unwrap_err();
    assert_eq!(refused.code(), "invalid_credentials", "{refused}");
    assert!(!refused.to_string().contains("not the password"));
    assert_eq!(doctor.clinic.take_patient("any").unwrap_err().code(), "no_consult");
    let elsewhere = ServerSettings { url: "https://127.0.0.1:9".into(), ..settings(server) };
    elsewhere.save(doctor.dir.path()).unwrap();
    let refused = doctor.clinic.doctor_sign_in("drcall", DOCTOR_PASSWORD, screen).await.unwrap_err();
    assert_eq!(refused.code(), "server_unreachable", "{refused}");
}

#[test]
fn a_patient_taken_out_of_the_queue_leaves_the_doctors_list() {
    with_server(a_patient_taken_out_of_the_queue_leaves_the_doctors_list_at, &["Kiosk Chak 45"]);
}

async fn a_patient_taken_out_of_the_queue_leaves_the_doctors_list_at(
    server: &ServerProcess,
    codes: Vec<(&str, String)>,
) {
    let desks = desks(server, &codes[0], "headache").await;
    let Desks { kiosk, doctor, at_kiosk, at_doctor } = &desks;
    let queue_length = |e: &ConsultEvent| match e {
        ConsultEvent::Queue { entries } => Some(entries.len()),
        _ => None,
    };
    kiosk.clinic.join_queue("routine", at_kiosk.clone()).await.unwrap();
    at_doctor.wait_for("the patient in the queue", |e| queue_length(e).filter(|n| *n == 1)).await;
    let refused = kiosk.clinic.send_chat("is the doctor there?").await.unwrap_err();
    assert_eq!(refused.code(), "no_consult", "a line is not shown as sent while no call takes it");
    kiosk.clinic.leave_consult();
    at_doctor.wait_for("the patient gone from the queue", |e| queue_length(e).filter(|n| *n == 0)).await;
    assert_eq!(doctor.clinic.hang_up().err().map(|e| e.code()), None, "the doctor is still on the queue");

    // Losing the server ends the doctor's watch of the queue, and says so.
    server.kill();
    assert_eq!(at_doctor.outcome("the doctor told the server is gone").await, "disconnected");
    desks.close().await;
}

#[test]
fn a_call_goes_on_when_the_server_is_lost_and_ends_when_hung_up() {
    with_server(a_call_goes_on_when_the_server_is_lost_at, &["Kiosk Kot Addu"]);
}

async fn a_call_goes_on_when_the_server_is_lost_at(server: &ServerProcess, codes: Vec<(&str, String)>) {
    let desks = desks(server, &codes[0], "cough").await;
    let Desks { kiosk, doctor, at_kiosk, at_doctor } = &desks;
    kiosk.clinic.join_queue("routine", at_kiosk.clone()).await.unwrap();
    let consult_id = at_doctor
        .wait_for("the patient in the queue", |e| match e {
            ConsultEvent::Queue { entries } => entries.first().map(|entry| entry.consult_id.clone()),
            _ => None,
        })
        .await;
    doctor.clinic.take_patient(&consult_id).unwrap();
    at_kiosk.wait_for("the call", |e| matches!(e, ConsultEvent::Second { .. }).then_some(())).await;

    server.kill();
    at_kiosk.wait_for("the lost server", |e| matches!(e, ConsultEvent::Failed { .. }).then_some(())).await;
    let far_before = at_kiosk.far_pictures.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let far = at_kiosk.far_pictures.load(Ordering::Relaxed) - far_before;
    assert!(far >= 10, "the doctor's pictures still arrive, end to end: {far} in 2 s");

    kiosk.clinic.hang_up().unwrap();
    assert_eq!(at_kiosk.outcome("the end without the server").await, "disconnected");
    desks.close().await;
}
