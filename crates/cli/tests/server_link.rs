#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! `eclinic server set` and `eclinic server enrol` against a real eclinic-server: the settings file the
//! desktop app reads, and the kiosk's credential in the OS keyring.

mod support;

use support::{ServerProcess, eclinic};

#[test]
fn a_kiosk_enrols_once_with_its_code_and_a_doctor_pc_is_pointed_at_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), None);
    let (kiosk, doctor) = (dir.path().join("kiosk"), dir.path().join("doctor"));
    let address = ["--url", &server.base, "--ca", server.certificate.to_str().unwrap(), "--media-bind", "127.0.0.1:0"];

    let set = eclinic(&doctor, &[&["--json", "server", "set"], &address[..]].concat(), "");
    assert_eq!(set.status, 0, "{}", set.stderr);
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(doctor.join("server.json")).unwrap()).unwrap();
    assert_eq!(settings["url"], server.base.as_str());
    assert_eq!(settings["media_bind"], serde_json::json!(["127.0.0.1:0"]));

    let code = server.enrolment_code("Kiosk Chak 45");
    let cases = [("NOT-A-CODE", 1, "server_refused"), (code.as_str(), 0, ""), (code.as_str(), 1, "server_refused")];
    for (given, status, error_code) in cases {
        let run = eclinic(&kiosk, &[&["--json", "server", "enrol"], &address[..]].concat(), &format!("{given}\n"));
        assert_eq!(run.status, status, "{given}: {}", run.stderr);
        if status == 0 {
            assert_eq!(run.json()["kiosk_name"], "Kiosk Chak 45", "{}", run.stdout);
        } else {
            assert!(run.stderr.contains(error_code), "{given}: {}", run.stderr);
            assert!(!run.stderr.contains(given), "the code is not echoed: {}", run.stderr);
        }
    }
    assert!(kiosk.join("server.json").exists());
}
