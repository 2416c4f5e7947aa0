#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The demo's simulated oximeters deliver at the device's pace on the caller's clock, through the same
//! protocol parsers as the real devices.

use std::time::Duration;

use eclinic_domain::Timestamp;
use eclinic_peripherals::serial::SerialProtocol;
use eclinic_peripherals::simulated::{Script, SimulatedOximeter};
use eclinic_peripherals::{Peripheral, Reading};

fn check(protocol: SerialProtocol, expect_in_ten_seconds: usize) {
    let mut device = SimulatedOximeter::new(protocol);
    let start = Timestamp::from_unix_ms(1_795_392_000_000);
    let mut readings = Vec::new();
    for tick in 0..=100 {
        readings.extend(device.read(start.saturating_add_ms(tick * 100), Duration::ZERO).unwrap());
    }
    assert_eq!(readings.len(), expect_in_ten_seconds, "{protocol:?}");
    let Some(Reading::Oximeter(last)) = readings.last() else { panic!("an oximeter sample") };
    assert_eq!((last.spo2, last.pulse_rate), {
        let (spo2, pulse) = Script::vitals_at(10);
        (Some(spo2), Some(pulse))
    });
    assert!(device.info().model.ends_with("(simulated)"));
}

#[test]
fn simulated_oximeters_keep_their_pace() {
    check(SerialProtocol::Cms50dPlus, 601);
    check(SerialProtocol::Nonin8, 31);
    check(SerialProtocol::Nonin13, 2);
}
