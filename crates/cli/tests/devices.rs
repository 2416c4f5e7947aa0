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

#[test]
fn a_characteristic_value_decodes_into_what_the_kiosk_would_record() {
    let decode = |characteristic: &str, hex: &str| {
        let out = Command::new(ECLINIC)
            .args(["devices", "decode", "--characteristic", characteristic, "--hex", hex, "--json"])
            .output()
            .unwrap();
        let text = if out.status.success() { out.stdout } else { out.stderr };
        serde_json::from_slice::<serde_json::Value>(&text).unwrap()
    };
    let bp = decode("2a35", "1E 7800 5000 5D00 EA07 0B 17 0A 0F 1E 4800 01 0500");
    let recorded: Vec<(&str, &str, &str)> = bp["value"]["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["loinc"].as_str().unwrap(), o["value"].as_str().unwrap(), o["unit"].as_str().unwrap()))
        .collect();
    assert_eq!(recorded, [("8480-6", "120", "mm[Hg]"), ("8462-4", "80", "mm[Hg]"), ("8867-4", "72", "/min")]);
    assert!(bp["value"]["observations"][0]["flags"].as_array().unwrap().iter().any(|f| f == "irregular-pulse"));

    let no_value = decode("0x2A1C", "00 FFFF7F00");
    assert_eq!(no_value["value"]["observations"].as_array().unwrap().len(), 0);
    assert!(no_value["value"]["not_recorded"][0].as_str().unwrap().contains("no valid measurement"));

    assert_eq!(decode("2a35", "1E 78")["error"]["code"], "decode");
    assert_eq!(decode("2a00", "00")["error"]["code"], "decode");
    assert_eq!(decode("2a35", "zz")["error"]["code"], "usage");
}

#[test]
fn a_simulated_blood_pressure_cuff_reports_what_the_kiosk_would_record() {
    let out = Command::new(ECLINIC).args(["devices", "simulate", "bp", "--seconds", "2.5", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let readings = report["readings"].as_array().unwrap();
    assert_eq!(readings.len(), 6, "five cuff pressures, then the measurement");
    assert!(
        readings[..5].iter().all(|r| r["observations"].as_array().unwrap().is_empty()),
        "cuff feedback is not recorded"
    );
    let loincs: Vec<&str> =
        readings[5]["observations"].as_array().unwrap().iter().map(|o| o["loinc"].as_str().unwrap()).collect();
    assert_eq!(loincs, ["8480-6", "8462-4", "8867-4"]);

    let unknown = Command::new(ECLINIC).args(["devices", "simulate", "toaster", "--json"]).output().unwrap();
    let error: serde_json::Value = serde_json::from_slice(&unknown.stderr).unwrap();
    assert_eq!(error["error"]["code"], "usage");
    assert!(error["error"]["message"].as_str().unwrap().contains("thermometer"));
}

#[test]
fn listing_devices_without_a_bluetooth_adapter_says_so_and_still_lists_ports() {
    let out = Command::new(ECLINIC).args(["devices", "list", "--scan-seconds", "0.5", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["serial_ports"].is_array());
    assert!(report["bluetooth_error"].is_string(), "this machine has no Bluetooth adapter: {report}");
}

#[test]
fn a_stored_recording_is_downloaded_from_a_cms50d_plus() {
    let mut simulator = Command::new(ECLINIC)
        .args(["devices", "simulate", "cms50dplus", "--seconds", "6"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut path = String::new();
    BufReader::new(simulator.stdout.take().unwrap()).read_line(&mut path).unwrap();
    let out = Command::new(ECLINIC)
        .args(["devices", "read", "--serial", path.trim(), "--protocol", "cms50dplus", "--download", "--json"])
        .args(["--seconds", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let samples = report["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 30);
    assert_eq!((samples[0]["second"].as_u64(), samples[29]["second"].as_u64()), (Some(0), Some(29)));
    let _ = simulator.kill();
    let _ = simulator.wait();
}
