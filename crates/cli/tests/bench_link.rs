#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! `eclinic bench link` runs two headless calls through the emulated link: here the outage profile, which
//! cuts both directions for 10 s in the middle of a 3G call. The call must survive it (the kiosk restarts
//! ICE through the stdio signalling once the link has been down a while), and pictures must come back.

mod support;

use support::eclinic;

#[test]
fn a_ten_second_outage_is_survived_and_pictures_return() {
    let dir = tempfile::tempdir().unwrap();
    let run = eclinic(dir.path(), &["--json", "bench", "link", "--profile", "outage", "--seconds", "36"], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["failed"], serde_json::json!([]), "{report}");
    let call = &report["runs"][0];
    assert!(call["reconnections"].as_u64().unwrap() >= 1, "ICE noticed the outage and the path came back: {call}");
    assert!(call["ice_restarts"].as_u64().unwrap() >= 1, "the kiosk restarted ICE during the outage: {call}");
    let recovery = call["outage_recovery_s"].as_f64().unwrap_or_else(|| panic!("pictures after the outage: {call}"));
    assert!(recovery <= 10.0, "pictures came back {recovery} s after the link: {call}");
    assert!(call["received_fps"].as_f64().unwrap() > 3.0, "{call}");
    let wire = call["wire_utilisation_percent"].as_f64().unwrap_or_else(|| panic!("the relay measured: {call}"));
    let media = call["utilisation_percent"].as_f64().unwrap();
    assert!(wire > media && wire <= 101.0, "headers and feedback on top of the media, never above capacity: {call}");
}
