#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A kiosk enrols once with a one-time code and keeps its device credential in the OS keyring (a real
//! Secret Service: `cargo xtask test` runs the tests inside a gnome-keyring session); every later sign-in,
//! from a fresh client as after a restart, reads it from there.

mod common;

use common::refused;
use eclinic_connect::{ConnectError, ServerClient, trust_certificate};

async fn kiosk_keeps_its_credential_in_the_keyring(backend: common::Backend) {
    let server = common::server(backend, None).await;
    let client = &server.client;
    assert!(matches!(client.sign_in_this_kiosk().await, Err(ConnectError::NotEnrolled)));

    let admin = server.admin_token().await;
    let code = client.create_enrolment(&admin, "Kiosk Badin").await.unwrap().code;
    let (kiosk_id, kiosk_name) = client.enrol_this_kiosk(&code).await.unwrap();
    assert_eq!(kiosk_name, "Kiosk Badin");
    assert_eq!(refused(client.enrol_this_kiosk(&code).await), (400, "invalid_enrolment_code".into()), "one-time code");

    let tls = trust_certificate(&eclinic_server::tls::dev_cert_path(server.data.path())).unwrap();
    let after_restart = ServerClient::new(&server.base, tls).unwrap();
    let tokens = after_restart.sign_in_this_kiosk().await.unwrap();
    let mut signal = after_restart.signal(&tokens.access_token).await.unwrap();
    assert!(signal.recv().await.unwrap().is_some(), "the kiosk is on the signalling server");
    signal.close().await;

    client.revoke(&admin, &kiosk_id).await.unwrap();
    assert_eq!(refused(after_restart.sign_in_this_kiosk().await), (401, "invalid_credentials".into()));
    after_restart.forget_this_kiosk().unwrap();
    assert!(matches!(client.sign_in_this_kiosk().await, Err(ConnectError::NotEnrolled)));
    server.stop().await;
}

on_both_backends!(kiosk_keeps_its_credential_in_the_keyring);
