#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Pairing devices from the admin console: what is paired is what the pairings file (read by the vitals
//! feed) holds; a device at the same address replaces the earlier one; unknown kinds, bad addresses and
//! forgetting a device that is not paired are refused. This machine has no Bluetooth: the look around
//! says so instead of failing.

mod support;

use eclinic_app::pairing::{DeviceView, PairForm};

fn pair(kind: &str, address: &str) -> PairForm {
    PairForm { kind: kind.into(), address: address.into() }
}

fn listed(devices: &[DeviceView]) -> Vec<(String, String)> {
    devices.iter().map(|d| (d.kind.clone(), d.address.clone())).collect()
}

#[tokio::test]
async fn an_admin_pairs_and_forgets_devices() {
    let k = support::kiosk().await;
    k.clinic.sign_in("admin", "admin password 1").await.unwrap();
    let overview = k.clinic.devices_overview().await.unwrap();
    assert!(overview.paired.is_empty());
    assert!(overview.kinds.iter().any(|kind| kind == "bp") && overview.kinds.iter().any(|kind| kind == "cms50dplus"));
    assert!(overview.bluetooth_problem.is_some(), "no adapter here: {overview:?}");

    k.clinic.pair_device(&pair("bp", "simulated")).unwrap();
    let paired = k.clinic.pair_device(&pair("cms50dplus", " /dev/ttyUSB0 ")).unwrap();
    assert_eq!(listed(&paired), [("bp".into(), "simulated".into()), ("cms50dplus".into(), "/dev/ttyUSB0".into())]);
    let replaced = k.clinic.pair_device(&pair("thermometer", "simulated")).unwrap();
    assert_eq!(listed(&replaced)[1], ("thermometer".into(), "simulated".into()));

    for (form, code) in [(pair("x-ray", "simulated"), "invalid_input"), (pair("bp", "a\tb"), "pairings")] {
        assert_eq!(k.clinic.pair_device(&form).unwrap_err().code(), code, "{form:?}");
    }
    assert_eq!(k.clinic.forget_device("/dev/ttyUSB9").unwrap_err().code(), "invalid_input");
    let left = k.clinic.forget_device("/dev/ttyUSB0").unwrap();
    assert_eq!(listed(&left), [("thermometer".into(), "simulated".into())]);
    let file = std::fs::read_to_string(k.dir.path().join(eclinic_app::DEVICES_FILE)).unwrap();
    assert_eq!(file, "thermometer\tsimulated\n");
    k.clinic.close().await.unwrap();
}
