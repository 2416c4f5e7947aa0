#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The admin console's calls, checked by role in the app and the store whatever the UI shows: an admin
//! enrols the kiosk with a real server (its name kept for printed documents), adds an account and sees it;
//! moves it to the same server's other address (only once the kiosk signs in there); a health worker may do
//! none of it.

mod consult_support;
mod support;

use std::path::Path;

use consult_support::{ServerProcess, with_server};
use eclinic_app::admin::{EnrolmentForm, NewUserForm, ServerAddressForm};
use eclinic_app::pairing::PairForm;
use eclinic_app::server::ServerSettings;

#[test]
fn only_an_admin_runs_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let another_server = ServerProcess::start(&consult_support::server_binary(), dir.path(), None);
    with_server(async |server, codes| console_through(server, codes, &another_server).await, &["Kiosk Chak 45"]);
}

async fn console_through(server: &ServerProcess, codes: Vec<(&str, String)>, another_server: &ServerProcess) {
    let k = support::kiosk().await;
    let enrolment = EnrolmentForm {
        url: server.base.clone(),
        ca_pem: server.certificate.display().to_string(),
        code: codes[0].1.clone(),
    };
    let downloads = tempfile::tempdir().unwrap();
    let nurse_form = account("nurse.bilqis", "health-worker");
    let simulated_bp = PairForm { kind: "bp".into(), address: "simulated".into() };
    let ca_pem = server.certificate.display().to_string();
    let same_server_by_name =
        ServerAddressForm { url: server.base.replace("127.0.0.1", "localhost"), ca_pem: ca_pem.clone() };

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
        k.clinic.move_server(&same_server_by_name).await,
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
    let elsewhere = ServerAddressForm {
        url: another_server.base.clone(),
        ca_pem: another_server.certificate.display().to_string(),
    };
    moves_server(&k, &server.base, &same_server_by_name, &elsewhere, downloads.path()).await;
    k.clinic.close().await.unwrap();
}

/// The kiosk moves only to an address where its credential signs in (not to another server), and then keeps
/// no credential for the old one.
async fn moves_server(
    k: &support::Kiosk,
    enrolled_at: &str,
    moved: &ServerAddressForm,
    elsewhere: &ServerAddressForm,
    downloads: &Path,
) {
    let nobody_there = ServerAddressForm { url: "https://127.0.0.1:9".into(), ..moved.clone() };
    let untrusted = ServerAddressForm { ca_pem: "/no/such/ca.pem".into(), ..moved.clone() };
    let wrong_certificate = ServerAddressForm { ca_pem: elsewhere.ca_pem.clone(), ..moved.clone() };
    for (form, code) in [
        (&nobody_there, "server_unreachable"),
        (&untrusted, "server_tls"),
        (&wrong_certificate, "server_tls"),
        (elsewhere, "not_enrolled"),
    ] {
        assert_eq!(k.clinic.move_server(form).await.unwrap_err().code(), code);
        assert_eq!(k.clinic.admin_overview(downloads).await.unwrap().server_url.as_deref(), Some(enrolled_at));
    }
    let before = ServerSettings::load(k.dir.path()).unwrap().client().unwrap();

    k.clinic.move_server(moved).await.unwrap();
    let overview = k.clinic.admin_overview(downloads).await.unwrap();
    assert_eq!(overview.server_url.as_deref(), Some(moved.url.as_str()));
    assert_eq!(overview.kiosk_name.as_deref(), Some("Kiosk Chak 45"), "the kiosk keeps its name");
    let after = ServerSettings::load(k.dir.path()).unwrap().client().unwrap();
    assert!(after.sign_in_this_kiosk().await.is_ok(), "the kiosk signs in at the new address");
    assert!(before.sign_in_this_kiosk().await.is_err(), "no credential is left for the old address");
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
