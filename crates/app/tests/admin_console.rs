#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The admin console's calls, checked by role in the app and the store whatever the UI shows: an admin
//! enrols the kiosk with a real server (its name kept for printed documents), adds an account and sees it;
//! a health worker may do none of it.

mod consult_support;
mod support;

use consult_support::{ServerProcess, with_server};
use eclinic_app::admin::{EnrolmentForm, NewUserForm};
use eclinic_app::pairing::PairForm;

#[test]
fn only_an_admin_runs_the_console() {
    with_server(console_through, &["Kiosk Chak 45"]);
}

async fn console_through(server: &ServerProcess, codes: Vec<(&str, String)>) {
    let k = support::kiosk().await;
    let enrolment = EnrolmentForm {
        url: server.base.clone(),
        ca_pem: server.certificate.display().to_string(),
        code: codes[0].1.clone(),
    };
    let downloads = tempfile::tempdir().unwrap();
    let nurse_form = account("nurse.bilqis", "health-worker");
    let simulated_bp = PairForm { kind: "bp".into(), address: "simulated".into() };

    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    for refused in [
        k.clinic.admin_overview(downloads.path()).await.map(drop),
        k.clinic.create_backup(downloads.path()).await.map(drop),
        k.clinic.restore_backup(&downloads.path().join("any.db"), drop).await,
        k.clinic.devices_overview().await.map(drop),
        k.clinic.pair_device(&simulated_bp).map(drop),
        k.clinic.forget_device("simulated").map(drop),
        k.clinic.add_user(&nurse_form).await.map(drop),
        k.clinic.set_auto_lock(60).await,
        k.clinic.verify_audit().await.map(drop),
        k.clinic.enrol(&enrolment).await.map(drop),
    ] {
        assert_eq!(refused.unwrap_err().code(), "forbidden");
    }
    k.clinic.sign_out();

    k.clinic.sign_in("admin", "admin password 1").await.unwrap();
    assert_eq!(k.clinic.admin_overview(downloads.path()).await.unwrap().kiosk_name, None);
    let bad_code = EnrolmentForm { code: "WRONG-CODE".into(), ..enrolment.clone() };
    assert!(k.clinic.enrol(&bad_code).await.is_err(), "a wrong code enrols nothing");
    assert_eq!(k.clinic.enrol(&enrolment).await.unwrap(), "Kiosk Chak 45");
    let added = k.clinic.add_user(&nurse_form).await.unwrap();
    assert_eq!((added.role.as_str(), added.active), ("health-worker", true));
    let doctor_without_pmdc = account("dr.x", "doctor");
    assert_eq!(k.clinic.add_user(&doctor_without_pmdc).await.unwrap_err().code(), "invalid_input");
    let overview = k.clinic.admin_overview(downloads.path()).await.unwrap();
    assert_eq!(overview.kiosk_name.as_deref(), Some("Kiosk Chak 45"));
    assert_eq!(overview.server_url.as_deref(), Some(server.base.as_str()));
    assert!(overview.users.iter().any(|u| u.username == "nurse.bilqis"));
    assert!(overview.storage_bytes > 0);
    assert!(k.clinic.verify_audit().await.unwrap().intact);
    k.clinic.close().await.unwrap();
}

fn account(username: &str, role: &str) -> NewUserForm {
    NewUserForm {
        username: username.into(),
        name: "Bilqis Akhtar".into(),
        role: role.into(),
        pmdc: None,
        secret: "5937".into(),
    }
}
