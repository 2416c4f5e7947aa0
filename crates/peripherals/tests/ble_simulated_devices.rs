#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Every kind of simulated BLE health device, through the same decoding a BlueZ device goes through, on a
//! simulated clock: what arrives, how often, and that each value decodes into what its profile says.

use std::time::Duration;

use eclinic_devices::gatt::GlucoseDeduplicator;
use eclinic_devices::gatt::Measurement;
use eclinic_devices::gatt::racp::DownloadState;
use eclinic_devices::{Numeric, Special};
use eclinic_domain::Timestamp;
use eclinic_peripherals::ble::simulated::{STORED_GLUCOSE_RECORDS, SimulatedGattDevice};
use eclinic_peripherals::ble::{BleHealthDevice, BleKind};
use eclinic_peripherals::{Peripheral, Reading};

/// What a device of `kind` delivers in `seconds` of simulated time, read every 100 ms.
fn run(kind: BleKind, seconds: i64) -> Vec<Measurement> {
    let mut device = BleHealthDevice::new(SimulatedGattDevice::new(kind));
    let start = Timestamp::from_unix_ms(1_795_392_000_000);
    let mut measurements = Vec::new();
    for tick in 0..=seconds * 10 {
        for reading in device.read(start.saturating_add_ms(tick * 100), Duration::from_millis(100)).unwrap() {
            let Reading::Measurement { measurement, .. } = reading else { panic!("{kind:?} sent {reading:?}") };
            measurements.push(measurement);
        }
    }
    assert_eq!(device.rejected(), 0, "{kind:?}: every simulated value decodes");
    measurements
}

fn value(n: &Numeric) -> String {
    match n {
        Numeric::Value(q) => q.to_string(),
        Numeric::Special(s) => format!("{s:?}"),
    }
}

#[test]
fn a_blood_pressure_cuff_inflates_then_measures() {
    let measurements = run(BleKind::BloodPressure, 2);
    assert_eq!(measurements.len(), 6);
    for (step, cuff) in measurements[..5].iter().enumerate() {
        let Measurement::IntermediateCuffPressure(cuff) = cuff else { panic!("{cuff:?}") };
        assert_eq!(value(&cuff.systolic), (40 + 30 * step).to_string());
        assert_eq!(cuff.diastolic, Numeric::Special(Special::NaN));
    }
    let Measurement::BloodPressure(bp) = &measurements[5] else { panic!("{:?}", measurements[5]) };
    assert_eq!([value(&bp.systolic), value(&bp.diastolic)], ["118", "78"]);
    assert_eq!(bp.pulse_rate.map(|p| value(&p)).as_deref(), Some("72"));
}

#[test]
fn each_kind_sends_at_its_pace_and_its_profile_decodes() {
    for (kind, seconds, count) in [
        (BleKind::Thermometer, 25, 3),
        (BleKind::PulseOximeter, 10, 11),
        (BleKind::HeartRate, 10, 11),
        (BleKind::Glucose, 45, 3),
        (BleKind::Scale, 20, 2),
    ] {
        let measurements = run(kind, seconds);
        assert_eq!(measurements.len(), count, "{kind:?}");
        match &measurements[0] {
            Measurement::Temperature(t) => assert_eq!(value(&t.value), "36.8"),
            Measurement::PlxContinuous(plx) => {
                assert_eq!([value(&plx.normal.spo2), value(&plx.normal.pulse_rate)], ["97", "74"]);
            }
            Measurement::HeartRate(hr) => assert_eq!(hr.bpm, 72),
            Measurement::Glucose(g) => {
                assert_eq!(g.sequence, STORED_GLUCOSE_RECORDS + 1, "live readings follow the stored ones");
                assert_eq!(g.concentration.map(|(c, _)| value(&c)).as_deref(), Some("0.00096"));
            }
            Measurement::Weight(w) => assert_eq!(value(&w.weight), "62.500"),
            other => panic!("{kind:?} sent {other:?}"),
        }
    }
}

#[test]
fn kinds_are_found_by_their_advertised_service() {
    assert_eq!(BleKind::from_services(&[0x180A, 0x1810]), Some(BleKind::BloodPressure));
    assert_eq!(BleKind::from_services(&[0x1822]), Some(BleKind::PulseOximeter));
    assert_eq!(BleKind::from_services(&[0x180F]), None);
    for kind in BleKind::ALL {
        assert_eq!(BleKind::parse(kind.name()), Some(kind));
    }
}

#[test]
fn a_glucose_meter_hands_over_its_stored_records_once() {
    let mut meter = BleHealthDevice::new(SimulatedGattDevice::new(BleKind::Glucose));
    let mut t = 1_795_392_000_000;
    let mut clock = || {
        t += 50;
        Timestamp::from_unix_ms(t)
    };
    let first = meter.download_glucose(&mut clock, GlucoseDeduplicator::default()).unwrap();
    assert_eq!(first.state, DownloadState::Finished);
    assert_eq!(first.records.iter().map(|r| r.sequence).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);

    let again = meter.download_glucose(&mut clock, first.seen).unwrap();
    assert_eq!(again.state, DownloadState::Finished, "nothing new is a finished download");
    assert!(again.records.is_empty());
    assert_eq!(again.seen.last_sequence(), Some(5));
}

#[test]
fn a_device_without_a_record_store_refuses_the_download() {
    let mut thermometer = BleHealthDevice::new(SimulatedGattDevice::new(BleKind::Thermometer));
    let mut t = 0;
    let mut clock = || {
        t += 50;
        Timestamp::from_unix_ms(t)
    };
    let error = thermometer.download_glucose(&mut clock, GlucoseDeduplicator::default()).unwrap_err();
    assert_eq!(error.code(), "bluetooth");
}
