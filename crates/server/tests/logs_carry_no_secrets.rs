#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Every log line of a whole session at TRACE level (the server, sqlx, hyper, rustls, tungstenite, with the
//! apps' cap on the targets that print secrets): no password, token, enrolment code, device secret, TURN
//! secret, patient label or SDP appears in it.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::Backend;
use eclinic_connect::TARGETS_THAT_LOG_SECRETS_AT_TRACE;
use eclinic_server::turn::TurnConfig;
use eclinic_signal::api::{AccountRole, NewUserRequest};
use eclinic_signal::{ClientMessage as C, Priority, ServerMessage as S};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The first message `pick` accepts, within 10 s.
async fn next_where<T>(signal: &mut eclinic_connect::Signal, mut pick: impl FnMut(S) -> Option<T>) -> T {
    let wait = async {
        loop {
            if let Some(found) = pick(signal.recv().await.unwrap().unwrap()) {
                return found;
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait).await.unwrap()
}

const PATIENT: &str = "Rukhsana QUOKKA-7f3a";
const DOCTOR_PASSWORD: &str = "doctor WOMBAT-91c password";
const SDP: &str = "v=0 o=- PLATYPUS-55d2 IN IP4 192.0.2.1";
const TURN_SECRET: &str = "turn secret NUMBAT-08e1 long";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_session_logs_no_secret_and_no_patient_data() {
    let logs = Captured::default();
    let writer = logs.clone();
    let filter = TARGETS_THAT_LOG_SECRETS_AT_TRACE
        .iter()
        .fold(Targets::new().with_default(LevelFilter::TRACE), |filter, target| {
            filter.with_target(*target, LevelFilter::DEBUG)
        });
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(move || writer.clone()))
        .with(filter)
        .try_init()
        .unwrap();

    let turn = TurnConfig::new(TURN_SECRET, vec!["turn:127.0.0.1:3478".into()], 600).unwrap();
    let server = common::server(Backend::Sqlite, Some(turn)).await;
    let client = &server.client;
    let admin = server.admin_token().await;
    let doctor = NewUserRequest {
        role: AccountRole::Doctor,
        username: "ayesha".into(),
        password: DOCTOR_PASSWORD.into(),
        display_name: "Dr Ayesha".into(),
        pmdc: Some("12345-P".into()),
    };
    client.create_user(&admin, &doctor).await.unwrap();
    let doctor_tokens = client.login("ayesha", DOCTOR_PASSWORD).await.unwrap();
    assert!(client.login("ayesha", "a WRONG-PASSWORD-3c").await.is_err());
    let refreshed = client.refresh(&doctor_tokens.refresh_token).await.unwrap();
    assert!(client.refresh(&doctor_tokens.refresh_token).await.is_err(), "replay revokes");
    let doctor_token = client.login("ayesha", DOCTOR_PASSWORD).await.unwrap().access_token;
    let code = client.create_enrolment(&admin, "Kiosk").await.unwrap().code;
    let credential = client.enrol(&code).await.unwrap();
    let kiosk_token = client.device_login(&credential.kiosk_id, &credential.secret).await.unwrap().access_token;
    let turn = client.turn(&kiosk_token).await.unwrap();

    let mut kiosk = client.signal(&kiosk_token).await.unwrap();
    let mut doctor = client.signal(&doctor_token).await.unwrap();
    kiosk
        .send(&C::QueuePatient { ticket: "visit-1".into(), label: PATIENT.into(), priority: Priority::Routine })
        .await
        .unwrap();
    // The doctor takes the patient only once the kiosk's queueing has been confirmed (two connections'
    // messages have no order between them).
    next_where(&mut kiosk, |m| matches!(m, S::Queued { .. }).then_some(())).await;
    doctor.send(&C::TakeNext).await.unwrap();
    let consult_id =
        next_where(&mut doctor, |m| if let S::ConsultStarted { consult_id, .. } = m { Some(consult_id) } else { None })
            .await;
    doctor.send(&C::Offer { consult_id: consult_id.clone(), sdp: SDP.into() }).await.unwrap();
    kiosk.send_text(format!("{{\"v\":1,\"type\":\"bogus\",\"label\":\"{PATIENT}\"}}")).await.unwrap();
    doctor.send(&C::End { consult_id }).await.unwrap();
    kiosk.close().await;
    doctor.close().await;
    server.stop().await;

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("signalling connected"), "the capture works: {} bytes", logs.len());
    let secrets = [
        common::ADMIN_PASSWORD,
        DOCTOR_PASSWORD,
        "WRONG-PASSWORD-3c",
        &admin,
        &doctor_tokens.access_token,
        &doctor_tokens.refresh_token,
        &refreshed.refresh_token,
        &doctor_token,
        &code,
        &credential.secret,
        &kiosk_token,
        &turn.credential,
        TURN_SECRET,
        "QUOKKA-7f3a",
        "PLATYPUS-55d2",
    ];
    for secret in secrets {
        let line = logs.lines().find(|line| line.contains(secret));
        assert!(line.is_none(), "{secret:?} is in the logs: {line:?}");
    }
}
