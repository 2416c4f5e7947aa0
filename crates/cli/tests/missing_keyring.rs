#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use std::time::{Duration, Instant};
use support::{ADMIN_PASSWORD, eclinic_with};

#[test]
fn without_a_keyring_init_fails_fast_with_key_unavailable_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("kiosk");
    let empty_runtime = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let run = eclinic_with(&data, &["--json", "init"], &format!("{ADMIN_PASSWORD}\n"), |cmd| {
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS").env("XDG_RUNTIME_DIR", empty_runtime.path());
    });
    let took = started.elapsed();
    assert_eq!(run.status, 1, "{}", run.stderr);
    let error: serde_json::Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(error["error"]["code"], "key_unavailable");
    assert!(error["error"]["message"].as_str().unwrap().contains("unlock or start the keyring"));
    assert!(took < Duration::from_secs(2), "took {took:?}");
    let written: Vec<_> =
        std::fs::read_dir(&data).map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect()).unwrap_or_default();
    assert!(written.is_empty(), "no database and no key file: {written:?}");
}
