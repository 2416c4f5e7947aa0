#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The device manager: pairings that survive a restart, one event stream from several devices, and a
//! serial oximeter unplugged and plugged back in — a pty behind a symlink, as udev's stable
//! /dev/serial/by-id link points at whichever ttyUSB the cable got.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use eclinic_domain::Timestamp;
use eclinic_peripherals::Reading;
use eclinic_peripherals::ble::BleKind;
use eclinic_peripherals::manager::{DeviceEvent, DeviceKind, DeviceManager, PairedDevice, RETRY_MS, SIMULATED};
use eclinic_peripherals::serial::SerialProtocol;
use eclinic_peripherals::simulated::PtyOximeter;

fn now() -> Timestamp {
    Timestamp::from_unix_ms(i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap())
}

/// Polls for `span` of real time; the manager's clock is `clock_offset_ms` ahead of the wall clock.
fn poll_for(manager: &mut DeviceManager, span: Duration, clock_offset_ms: i64) -> Vec<DeviceEvent> {
    let started = Instant::now();
    let mut events = Vec::new();
    while started.elapsed() < span {
        events.extend(manager.poll(now().saturating_add_ms(clock_offset_ms), Duration::from_millis(100)));
    }
    events
}

fn point(link: &Path, target: &str) {
    let _ = std::fs::remove_file(link);
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn pairings_survive_a_restart_and_a_damaged_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("devices.tsv");
    let mut manager = DeviceManager::load(&file).unwrap();
    assert!(manager.paired().is_empty());
    let cuff = PairedDevice { kind: DeviceKind::Ble(BleKind::BloodPressure), address: "C4:7C:8D:6A:12:F0".into() };
    let oximeter =
        PairedDevice { kind: DeviceKind::Serial(SerialProtocol::Cms50dPlus), address: "/dev/serial/by-id/x".into() };
    manager.pair(cuff.clone()).unwrap();
    manager.pair(oximeter.clone()).unwrap();
    assert!(manager.pair(PairedDevice { kind: cuff.kind, address: "a\tb".into() }).is_err());
    assert_eq!(DeviceManager::load(&file).unwrap().paired(), [cuff.clone(), oximeter.clone()]);
    assert!(manager.forget(&oximeter.address).unwrap());
    assert!(!manager.forget("never paired").unwrap());
    assert_eq!(DeviceManager::load(&file).unwrap().paired(), [cuff]);

    std::fs::write(&file, "bp\tC4:7C:8D:6A:12:F0\ntoaster\t/dev/ttyUSB0\n").unwrap();
    let error = DeviceManager::load(&file).unwrap_err();
    assert_eq!(error.code(), "pairings");
    assert!(error.to_string().contains("line 2"), "{error}");
}

#[test]
fn readings_from_several_devices_arrive_in_one_stream() {
    let dir = tempfile::tempdir().unwrap();
    let mut manager = DeviceManager::load(&dir.path().join("devices.tsv")).unwrap();
    manager.pair(PairedDevice { kind: DeviceKind::Ble(BleKind::HeartRate), address: SIMULATED.into() }).unwrap();
    let pty = PtyOximeter::start(SerialProtocol::Nonin8).unwrap();
    manager
        .pair(PairedDevice { kind: DeviceKind::Serial(SerialProtocol::Nonin8), address: pty.path().into() })
        .unwrap();
    let events = poll_for(&mut manager, Duration::from_millis(1500), 0);
    let connected = events.iter().filter(|e| matches!(e, DeviceEvent::Connected { .. })).count();
    assert_eq!(connected, 2);
    let from = |address: &str| {
        events.iter().filter(|e| matches!(e, DeviceEvent::Reading { address: a, .. } if a == address)).count()
    };
    assert!(from(SIMULATED) >= 1 && from(pty.path()) >= 1, "{events:?}");
}

#[test]
fn several_simulated_devices_are_told_apart_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut manager = DeviceManager::load(&dir.path().join("devices.tsv")).unwrap();
    let cases = [("simulated:cuff", BleKind::BloodPressure), ("simulated:finger", BleKind::PulseOximeter)];
    for (address, kind) in cases {
        manager.pair(PairedDevice { kind: DeviceKind::Ble(kind), address: address.into() }).unwrap();
    }
    let events = poll_for(&mut manager, Duration::from_millis(2500), 0);
    for (address, _) in cases {
        let readings = events.iter().filter(|e| matches!(e, DeviceEvent::Reading { address: a, .. } if a == address));
        assert!(readings.count() >= 1, "{address}: {events:?}");
    }
    let not_simulated = ["simulatedX", "sim", "/dev/ttyUSB0"];
    assert!(not_simulated.iter().all(|a| !eclinic_peripherals::manager::is_simulated(a)));
}

#[test]
fn an_unplugged_oximeter_is_reported_and_picked_up_again_when_plugged_back() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("usb-Contec_CMS50D+-if00-port0");
    let address = link.display().to_string();
    let mut manager = DeviceManager::load(&dir.path().join("devices.tsv")).unwrap();
    manager
        .pair(PairedDevice { kind: DeviceKind::Serial(SerialProtocol::Cms50dPlus), address: address.clone() })
        .unwrap();

    // Not plugged in yet: nothing happens, and nothing fails.
    assert!(poll_for(&mut manager, Duration::from_millis(300), 0).is_empty());

    let first = PtyOximeter::start(SerialProtocol::Cms50dPlus).unwrap();
    point(&link, first.path());
    let events = poll_for(&mut manager, Duration::from_millis(800), RETRY_MS);
    assert!(matches!(&events[0], DeviceEvent::Connected { address: a, .. } if *a == address), "{events:?}");
    assert!(events.iter().any(|e| matches!(e, DeviceEvent::Reading { reading: Reading::Oximeter(_), .. })));

    drop(first);
    let events = poll_for(&mut manager, Duration::from_millis(500), RETRY_MS);
    assert!(
        events.iter().any(|e| matches!(e, DeviceEvent::Disconnected { address: a, .. } if *a == address)),
        "{events:?}"
    );

    let second = PtyOximeter::start(SerialProtocol::Cms50dPlus).unwrap();
    point(&link, second.path());
    let events = poll_for(&mut manager, Duration::from_millis(800), 3 * RETRY_MS);
    assert!(events.iter().any(|e| matches!(e, DeviceEvent::Connected { .. })), "plugged back in: {events:?}");
    assert!(events.iter().any(|e| matches!(e, DeviceEvent::Reading { .. })));
}
