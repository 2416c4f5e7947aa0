#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Accounts over real HTTPS on both backends: passwords, PMDC numbers, one-time enrolment, device sign-in,
//! refresh rotation with theft detection, revocation.

mod common;

use common::refused;
use eclinic_connect::ConnectError;
use eclinic_signal::api::{AccountRole, NewUserRequest};

async fn accounts(backend: common::Backend) {
    let server = common::server(backend, None).await;
    let client = &server.client;
    assert_eq!(
        client.health().await.unwrap().backend,
        if backend == common::Backend::Sqlite { "sqlite" } else { "postgres" }
    );

    assert_eq!(refused(client.login("admin", "wrong password").await), (401, "invalid_credentials".into()));
    assert_eq!(refused(client.login("nobody", "whatever pass").await), (401, "invalid_credentials".into()));
    let admin = server.admin_token().await;

    let doctor = |username: &str, pmdc: Option<&str>, password: &str| NewUserRequest {
        role: AccountRole::Doctor,
        username: username.into(),
        password: password.into(),
        display_name: "Dr Ayesha Khan".into(),
        pmdc: pmdc.map(Into::into),
    };
    let cases: &[(NewUserRequest, Option<(u16, &str)>)] = &[
        (doctor("ayesha", Some("12345-P"), "long enough password"), None),
        (doctor("ayesha", Some("12345-P"), "long enough password"), Some((409, "conflict"))),
        (doctor("nopmdc", None, "long enough password"), Some((400, "invalid_input"))),
        (doctor("badpmdc", Some("--"), "long enough password"), Some((400, "invalid_input"))),
        (doctor("short", Some("999-P"), "short"), Some((400, "invalid_input"))),
        (doctor("bad name!", Some("999-P"), "long enough password"), Some((400, "invalid_input"))),
    ];
    for (request, expected) in cases {
        let result = client.create_user(&admin, request).await;
        match expected {
            None => assert!(result.is_ok(), "{request:?}: {result:?}"),
            Some((status, code)) => assert_eq!(refused(result), (*status, (*code).to_owned()), "{request:?}"),
        }
    }
    let doctor_tokens = client.login("ayesha", "long enough password").await.unwrap();
    assert_eq!(doctor_tokens.role, AccountRole::Doctor);
    // Only admins administer.
    assert_eq!(refused(client.create_enrolment(&doctor_tokens.access_token, "Kiosk").await), (403, "forbidden".into()));
    assert_eq!(refused(client.create_enrolment("eat_forged", "Kiosk").await), (401, "invalid_token".into()));

    // One-time enrolment, typed loosely (lower case, spaces) as over the phone.
    let code = client.create_enrolment(&admin, "Basic Health Unit Chak 12").await.unwrap().code;
    let typed = code.to_lowercase().replace('-', " ");
    let credential = client.enrol(&typed).await.unwrap();
    assert_eq!(credential.kiosk_name, "Basic Health Unit Chak 12");
    assert_eq!(refused(client.enrol(&code).await), (400, "invalid_enrolment_code".into()));
    assert_eq!(refused(client.enrol("AAAA-BBBB-CCCC-DDDD").await), (400, "invalid_enrolment_code".into()));
    let kiosk = client.device_login(&credential.kiosk_id, &credential.secret).await.unwrap();
    assert_eq!(kiosk.role, AccountRole::Kiosk);
    assert_eq!(refused(client.device_login(&credential.kiosk_id, "eds_wrong").await).0, 401);

    // Refresh rotates; presenting a spent refresh token again revokes everything of the account.
    let rotated = client.refresh(&kiosk.refresh_token).await.unwrap();
    assert!(
        client.turn(&rotated.access_token).await.is_err_and(|e| matches!(e, ConnectError::Refused { status: 404, .. }))
    );
    assert_eq!(refused(client.refresh(&kiosk.refresh_token).await), (401, "invalid_token".into()));
    assert_eq!(refused(client.refresh(&rotated.refresh_token).await), (401, "invalid_token".into()));
    assert_eq!(refused(client.turn(&rotated.access_token).await), (401, "invalid_token".into()));

    // Revocation: a lost kiosk can no longer sign in, and its live tokens stop working.
    let again = client.device_login(&credential.kiosk_id, &credential.secret).await.unwrap();
    client.revoke(&admin, &credential.kiosk_id).await.unwrap();
    assert_eq!(refused(client.turn(&again.access_token).await), (401, "invalid_token".into()));
    assert_eq!(
        refused(client.device_login(&credential.kiosk_id, &credential.secret).await),
        (401, "invalid_credentials".into())
    );
    // Logout spends the refresh token.
    client.logout(&doctor_tokens.refresh_token).await.unwrap();
    assert_eq!(refused(client.refresh(&doctor_tokens.refresh_token).await), (401, "invalid_token".into()));
    server.stop().await;
}

on_both_backends!(accounts);
