#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Signalling through the real server on both backends: a whole consult between a kiosk and a doctor over
//! WebSockets, the consult log it leaves, and bad input that is refused while other connections carry on.

mod common;

use eclinic_connect::Signal;
use eclinic_signal::{ClientMessage as C, DoctorCard, ErrorCode, Outcome, Priority, ServerMessage as S};

/// The next message that is not a presence/queue broadcast.
async fn next(signal: &mut Signal) -> S {
    loop {
        let message =
            tokio::time::timeout(std::time::Duration::from_secs(10), signal.recv()).await.unwrap().unwrap().unwrap();
        if !matches!(
            message,
            S::DoctorsOnline { .. }
                | S::QueueSnapshot { .. }
                | S::QueueUpdated { .. }
                | S::QueueRemoved { .. }
                | S::Position { .. }
        ) {
            return message;
        }
    }
}

async fn error_code(signal: &mut Signal) -> ErrorCode {
    match next(signal).await {
        S::Error { code, .. } => code,
        other => panic!("expected an error, got {other:?}"),
    }
}

async fn consult(backend: common::Backend) {
    let server = common::server(backend, None).await;
    let (kiosk_id, kiosk_token) = server.kiosk("BHU Chak 12").await;
    let (doctor_id, doctor_token) = server.doctor("ayesha", "12345-P").await;
    let (_, intruder_token) = server.kiosk("Other kiosk").await;

    // No token, a bad token, an admin: no signalling.
    for token in ["", "eat_forged"] {
        assert!(server.client.signal(token).await.is_err());
    }
    assert!(server.client.signal(&server.admin_token().await).await.is_err());

    let mut kiosk = server.client.signal(&kiosk_token).await.unwrap();
    let mut doctor = server.client.signal(&doctor_token).await.unwrap();
    let mut intruder = server.client.signal(&intruder_token).await.unwrap();
    assert!(matches!(next(&mut kiosk).await, S::Welcome { .. }));
    assert!(matches!(next(&mut doctor).await, S::Welcome { .. }));
    assert!(matches!(next(&mut intruder).await, S::Welcome { .. }));

    kiosk
        .send(&C::QueuePatient { ticket: "visit-1".into(), label: "F 34y fever".into(), priority: Priority::Urgent })
        .await
        .unwrap();
    let S::Queued { consult_id: id, position: 1, .. } = next(&mut kiosk).await else { panic!("not queued") };
    doctor.send(&C::TakeNext).await.unwrap();
    assert_eq!(
        next(&mut kiosk).await,
        S::Accepted {
            consult_id: id.clone(),
            doctor: DoctorCard { name: "Dr ayesha".into(), pmdc: Some("12345-P".into()) }
        }
    );
    assert!(
        matches!(next(&mut doctor).await, S::ConsultStarted { consult_id, kiosk, .. } if consult_id == id && kiosk == "BHU Chak 12")
    );

    // Bad input from a third party: refused, nothing reaches the consult.
    let oversize = format!(r#"{{"v":1,"type":"ping","nonce":1,"pad":"{}"}}"#, "x".repeat(70 * 1024));
    intruder.send(&C::Offer { consult_id: id.clone(), sdp: "evil".into() }).await.unwrap();
    assert_eq!(error_code(&mut intruder).await, ErrorCode::NotAllowed);
    intruder
        .send(&C::Candidate { consult_id: id.clone(), candidate: "c".into(), sdp_mid: None, sdp_mline_index: None })
        .await
        .unwrap();
    assert_eq!(error_code(&mut intruder).await, ErrorCode::UnknownConsult);
    for (text, code) in [
        ("{", ErrorCode::Malformed),
        (r#"{"v":1,"type":"nuke"}"#, ErrorCode::UnknownType),
        (r#"{"v":9,"type":"ping","nonce":1}"#, ErrorCode::UnsupportedVersion),
    ] {
        intruder.send_text(text.into()).await.unwrap();
        assert_eq!(error_code(&mut intruder).await, code, "{text}");
    }
    // An oversize frame closes that connection (the WebSocket layer refuses it before parsing).
    let _ = intruder.send_text(oversize).await;
    let closed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match intruder.recv().await {
                Ok(None) | Err(_) => return true,
                Ok(Some(_)) => {}
            }
        }
    });
    assert!(closed.await.unwrap());

    // The consult goes on.
    doctor.send(&C::Offer { consult_id: id.clone(), sdp: "v=0 offer".into() }).await.unwrap();
    assert_eq!(next(&mut kiosk).await, S::Offer { consult_id: id.clone(), sdp: "v=0 offer".into() });
    kiosk.send(&C::Answer { consult_id: id.clone(), sdp: "v=0 answer".into() }).await.unwrap();
    assert_eq!(next(&mut doctor).await, S::Answer { consult_id: id.clone(), sdp: "v=0 answer".into() });
    kiosk
        .send(&C::Candidate {
            consult_id: id.clone(),
            candidate: "candidate:1".into(),
            sdp_mid: Some("0".into()),
            sdp_mline_index: Some(0),
        })
        .await
        .unwrap();
    assert!(matches!(next(&mut doctor).await, S::Candidate { candidate, .. } if candidate == "candidate:1"));
    doctor.send(&C::End { consult_id: id.clone() }).await.unwrap();
    assert_eq!(next(&mut doctor).await, S::Ended { consult_id: id.clone(), outcome: Outcome::Completed });
    assert_eq!(next(&mut kiosk).await, S::Ended { consult_id: id.clone(), outcome: Outcome::Completed });

    // The consult log is written in order, shortly after.
    let store = eclinic_server::open_store(&eclinic_server::Config {
        data_dir: server.data.path().to_path_buf(),
        database_url: server.cluster.as_ref().map(|c| c.url.clone()),
        tls_cert_and_key: None,
        turn: None,
    })
    .await
    .unwrap();
    let mut logged = None;
    for _ in 0..50 {
        logged = store.consult_log(&id).await.unwrap();
        if logged.as_ref().is_some_and(|l| l.2.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(logged, Some((kiosk_id, Some(doctor_id), Some("completed".into()))));
    store.close().await;
    kiosk.close().await;
    doctor.close().await;
    server.stop().await;
}

on_both_backends!(consult);
