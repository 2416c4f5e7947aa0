#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The real serial driver, line settings included, against simulated oximeters on pseudo-terminals: what
//! the kiosk does with a USB cable, minus the cable.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use eclinic_domain::Timestamp;
use eclinic_peripherals::serial::{SerialOximeter, SerialProtocol};
use eclinic_peripherals::simulated::{PtyOximeter, STORED_SECONDS, Script};
use eclinic_peripherals::{OximeterReading, Peripheral, Reading};

fn now() -> Timestamp {
    Timestamp::from_unix_ms(i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap())
}

fn read_for(device: &mut dyn Peripheral, span: Duration) -> Vec<OximeterReading> {
    let started = Instant::now();
    let mut readings = Vec::new();
    while started.elapsed() < span {
        readings.extend(device.read(now(), Duration::from_millis(200)).unwrap().into_iter().map(
            |reading| match reading {
                Reading::Oximeter(sample) => sample,
                other => panic!("an oximeter sent {other:?}"),
            },
        ));
    }
    readings
}

fn check(protocol: SerialProtocol, at_least_in_two_seconds: usize, pleth: bool) {
    let simulator = PtyOximeter::start(protocol).unwrap();
    let mut oximeter = SerialOximeter::open(simulator.path(), protocol).unwrap();
    let expected = protocol.line_settings();
    let held = oximeter.line_settings().unwrap();
    assert_eq!((held.baud, held.data_bits, held.stop_bits), (expected.baud, expected.data_bits, expected.stop_bits));
    // A pty clears PARENB whatever is asked, but keeps PARODD: the odd parity the driver set is seen there.
    let termios = nix::sys::termios::tcgetattr(std::fs::File::open(simulator.path()).unwrap()).unwrap();
    let odd = termios.control_flags.contains(nix::sys::termios::ControlFlags::PARODD);
    assert_eq!(odd, expected.parity == serialport::Parity::Odd, "{protocol:?} parity");
    assert_eq!(oximeter.info().address, simulator.path());

    let readings = read_for(&mut oximeter, Duration::from_secs(2));
    assert!(readings.len() >= at_least_in_two_seconds, "{protocol:?}: {} readings in 2 s", readings.len());
    for reading in &readings {
        assert!(matches!(reading.spo2, Some(96..=98)), "{reading:?}");
        assert!(matches!(reading.pulse_rate, Some(70..=80)), "{reading:?}");
        assert_eq!(reading.pleth.is_some(), pleth);
        assert!(!reading.conditions.probe_off);
    }
}

#[test]
fn cms50d_plus_at_19200_8o1() {
    check(SerialProtocol::Cms50dPlus, 60, true);
}

#[test]
fn nonin_format_8_at_9600_8n1() {
    check(SerialProtocol::Nonin8, 3, false);
}

#[test]
fn nonin_format_13_spot_checks_at_9600_8n1() {
    check(SerialProtocol::Nonin13, 1, false);
}

#[test]
fn a_missing_port_or_unknown_protocol_is_a_typed_error() {
    let missing = SerialOximeter::open("/dev/no-such-oximeter", SerialProtocol::Cms50dPlus).unwrap_err();
    assert_eq!(missing.code(), "device_open");
    assert!(missing.to_string().contains("/dev/no-such-oximeter"));
    assert_eq!(SerialProtocol::parse("cms50e").unwrap_err().code(), "unknown_protocol");
    assert_eq!(SerialProtocol::parse("nonin8").unwrap(), SerialProtocol::Nonin8);
}

#[test]
fn a_cms50d_plus_hands_over_its_stored_recording() {
    let simulator = PtyOximeter::start(SerialProtocol::Cms50dPlus).unwrap();
    let mut oximeter = SerialOximeter::open(simulator.path(), SerialProtocol::Cms50dPlus).unwrap();
    // Live data is already flowing when the download is asked for.
    std::thread::sleep(Duration::from_millis(200));
    let samples = oximeter.download_stored(Duration::from_secs(2)).unwrap();
    assert_eq!(samples.len(), usize::try_from(STORED_SECONDS).unwrap());
    for sample in &samples {
        let (spo2, pulse) = Script::vitals_at(u64::from(sample.index));
        assert_eq!((sample.spo2, sample.pulse_rate), (Some(spo2), Some(pulse)), "second {}", sample.index);
    }

    let nonin = PtyOximeter::start(SerialProtocol::Nonin8).unwrap();
    let mut nonin = SerialOximeter::open(nonin.path(), SerialProtocol::Nonin8).unwrap();
    assert_eq!(nonin.download_stored(Duration::from_secs(1)).unwrap_err().code(), "unsupported");
}
