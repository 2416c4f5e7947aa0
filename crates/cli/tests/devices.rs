#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! `eclinic devices`: a simulated oximeter on a pseudo-terminal read by `eclinic devices read`, as a
//! technician checks a kiosk's cable, and the typed errors a script sees.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const ECLINIC: &str = env!("CARGO_BIN_EXE_eclinic");

fn check_read(protocol: &str, at_least: usize) {
    let mut simulator = Command::new(ECLINIC)
        .args(["devices", "simulate", protocol, "--seconds", "6"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut path = String::new();
    BufReader::new(simulator.stdout.take().unwrap()).read_line(&mut path).unwrap();
    let path = path.trim();
    assert!(path.starts_with("/dev/pts/"), "{path:?}");

    let read = Command::new(ECLINIC)
        .args(["devices", "read", "--serial", path, "--protocol", protocol, "--seconds", "2", "--json"])
        .output()
        .unwrap();
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let out: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
    let readings = out["readings"].as_array().unwrap();
    assert!(readings.len() >= at_least, "{protocol}: {} readings", readings.len());
    assert!(readings.iter().all(|r| (96..=98).contains(&r["spo2"].as_u64().unwrap())));
    assert!(readings.iter().all(|r| (70..=80).contains(&r["pulse_rate"].as_u64().unwrap())));
    let _ = simulator.kill();
    let _ = simulator.wait();
}

#[test]
fn a_simulated_oximeter_is_read_through_the_real_serial_driver() {
    check_read("cms50dplus", 100);
    check_read("nonin8", 4);
}

#[test]
fn a_missing_port_and_an_unknown_protocol_are_typed_errors() {
    for (args, code) in [
        (["--serial", "/dev/no-such-port", "--protocol", "cms50dplus"], "device_open"),
        (["--serial", "/dev/null", "--protocol", "cms50e"], "unknown_protocol"),
    ] {
        let out = Command::new(ECLINIC).args(["devices", "read"]).args(args).arg("--json").output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let error: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(error["error"]["code"], code);
    }
}
