//! `eclinic devices …`: serial ports, reading an oximeter, and simulated devices on pseudo-terminals.

use std::io::Write;
use std::time::{Duration, Instant};

use eclinic_devices::gatt::{self, Characteristic, Measurement};
use eclinic_devices::observe::{Context, from_measurement};
use eclinic_domain::{PatientId, RequiredText};
use eclinic_peripherals::ble::bluez::Advertised;
use eclinic_peripherals::ble::simulated::SimulatedGattDevice;
use eclinic_peripherals::ble::{BleHealthDevice, BleKind};
use eclinic_peripherals::manager::look_around;
use eclinic_peripherals::serial::{SerialOximeter, SerialProtocol};
use eclinic_peripherals::simulated::PtyOximeter;
use eclinic_peripherals::{OximeterReading, Peripheral, PeripheralError, Reading};

use crate::args::DevicesCommand;
use crate::commands::{Failure, now};
use crate::output::{BleDeviceOut, DecodedOut, OximeterReadingOut, Report, StoredSampleOut};
use eclinic_app::views::ObservationView;

impl From<&Advertised> for BleDeviceOut {
    fn from(d: &Advertised) -> Self {
        Self { address: d.address.clone(), name: d.name.clone(), kind: d.kind.name() }
    }
}

impl From<PeripheralError> for Failure {
    fn from(e: PeripheralError) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

impl From<&OximeterReading> for OximeterReadingOut {
    fn from(r: &OximeterReading) -> Self {
        Self {
            at_ms: r.received_at.unix_ms(),
            spo2: r.spo2,
            pulse_rate: r.pulse_rate,
            pleth: r.pleth,
            probe_off: r.conditions.probe_off,
            low_perfusion: r.conditions.low_perfusion,
            motion: r.conditions.motion,
        }
    }
}

pub fn run(command: &DevicesCommand) -> Result<Report, Failure> {
    match command {
        DevicesCommand::List { scan_seconds } => {
            let attached = look_around(Duration::from_secs_f64(*scan_seconds))?;
            let (bluetooth, bluetooth_error) = match attached.bluetooth {
                Ok(found) => (found.iter().map(BleDeviceOut::from).collect(), None),
                Err(error) => (Vec::new(), Some(error.to_string())),
            };
            Ok(Report::DeviceList { serial_ports: attached.serial_ports, bluetooth, bluetooth_error })
        }
        DevicesCommand::Read { serial, protocol, seconds, download } => {
            let protocol = SerialProtocol::parse(protocol)?;
            let mut oximeter = SerialOximeter::open(serial, protocol)?;
            if *download {
                let samples = oximeter.download_stored(Duration::from_secs_f64(*seconds))?;
                let samples = samples
                    .iter()
                    .map(|s| StoredSampleOut { second: s.index, spo2: s.spo2, pulse_rate: s.pulse_rate })
                    .collect();
                return Ok(Report::StoredRecording { port: serial.clone(), model: oximeter.info().model, samples });
            }
            let started = Instant::now();
            let mut readings = Vec::new();
            while started.elapsed() < Duration::from_secs_f64(*seconds) {
                let batch = oximeter.read(now(), Duration::from_millis(200))?;
                readings.extend(batch.iter().filter_map(|reading| match reading {
                    Reading::Oximeter(sample) => Some(OximeterReadingOut::from(sample)),
                    Reading::Measurement { .. } => None,
                }));
            }
            Ok(Report::OximeterReadings { port: serial.clone(), model: oximeter.info().model, readings })
        }
        DevicesCommand::Decode { characteristic, hex } => decode(characteristic, hex),
        DevicesCommand::Simulate { kind, seconds } => match BleKind::parse(kind) {
            Some(kind) => simulate_ble(kind, seconds.unwrap_or(10.0)),
            None => simulate_serial(kind, *seconds),
        },
    }
}

/// A simulated serial oximeter on a pseudo-terminal, until killed or for `seconds`.
fn simulate_serial(kind: &str, seconds: Option<f64>) -> Result<Report, Failure> {
    let protocol = SerialProtocol::parse(kind).map_err(|_| {
        let ble: Vec<&str> = BleKind::ALL.iter().map(|k| k.name()).collect();
        Failure::usage(format!("unknown device kind {kind:?}; known: cms50dplus, nonin8, nonin13, {}", ble.join(", ")))
    })?;
    let simulator = PtyOximeter::start(protocol)?;
    // The path goes out at once, so a script (or a tester) can open it while the device runs.
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", simulator.path())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure { code: "output", message: format!("cannot tell where the simulated device is: {e}") })?;
    match seconds {
        Some(seconds) => std::thread::sleep(Duration::from_secs_f64(seconds)),
        None => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
    }
    Ok(Report::SimulationEnded { device: protocol.name().into() })
}

/// Runs a simulated BLE device in real time through the same decoding a Bluetooth device goes through.
fn simulate_ble(kind: BleKind, seconds: f64) -> Result<Report, Failure> {
    let mut device = BleHealthDevice::new(SimulatedGattDevice::new(kind));
    let started = Instant::now();
    let mut readings = Vec::new();
    while started.elapsed() < Duration::from_secs_f64(seconds) {
        for reading in device.read(now(), Duration::ZERO)? {
            if let Reading::Measurement { measurement, .. } = reading {
                readings.push(recorded(&measurement)?);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(Report::BleReadings { device: device.info().model, readings })
}

/// A decoded value and what the kiosk would record from it.
fn recorded(measurement: &Measurement) -> Result<DecodedOut, Failure> {
    let at = now();
    let context = Context {
        patient: PatientId::new(at),
        encounter: None,
        model: RequiredText::parse("model", "eclinic devices", 200)?,
        serial: None,
        at,
    };
    let (observations, not_recorded): (Vec<_>, Vec<_>) =
        from_measurement(measurement, &context).into_iter().partition(Result::is_ok);
    Ok(DecodedOut {
        decoded: format!("{measurement:?}"),
        observations: observations.iter().flatten().map(ObservationView::from).collect(),
        not_recorded: not_recorded.into_iter().filter_map(Result::err).map(|reason| reason.to_string()).collect(),
    })
}

fn decode(characteristic: &str, hex_text: &str) -> Result<Report, Failure> {
    let decode_failure = |e: eclinic_devices::DecodeError| Failure { code: "decode", message: e.to_string() };
    let characteristic = Characteristic::parse(characteristic).map_err(decode_failure)?;
    let compact: String = hex_text.split_whitespace().collect();
    let bytes = hex::decode(&compact)
        .map_err(|e| Failure { code: "usage", message: format!("--hex is not hexadecimal bytes: {e}") })?;
    let measurement = gatt::decode(characteristic, &bytes).map_err(decode_failure)?;
    Ok(Report::Decoded { characteristic: format!("{:04x}", characteristic.uuid16()), value: recorded(&measurement)? })
}
