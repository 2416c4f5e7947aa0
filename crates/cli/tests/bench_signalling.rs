#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! `eclinic bench signalling` runs full consults against a real eclinic-server process (built beside
//! `eclinic` by the workspace test run) and reports them.

mod support;

use support::eclinic;

#[test]
fn the_load_generator_completes_every_consult_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let run = eclinic(dir.path(), &["--json", "bench", "signalling", "--kiosks", "12", "--doctors", "3"], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["consults"], 12, "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    // Offer, answer and two candidates each way per consult, each with a measured relay time.
    assert_eq!(report["relayed_messages"], 12 * 6, "{report}");
    assert!(report["relay_p99_ms"].as_f64().unwrap() >= report["relay_p50_ms"].as_f64().unwrap());
    assert!(report["server_rss_connected_kib"].as_u64().unwrap() > 0);
}
