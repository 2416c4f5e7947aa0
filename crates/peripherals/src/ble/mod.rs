//! Bluetooth LE health devices. [`GattSource`] is the seam between the radio and decoding: BlueZ through
//! btleplug on a kiosk ([`bluez`]), a scripted device in the demo and the tests ([`simulated`]). Above it,
//! [`BleHealthDevice`] decodes every value with `eclinic-devices` and is a [`Peripheral`] like any other.

pub mod bluez;
pub mod simulated;

use std::time::Duration;

use eclinic_devices::gatt::racp::{DownloadState, GlucoseDownload, RACP_UUID16};
use eclinic_devices::gatt::{self, Characteristic, Glucose, GlucoseDeduplicator};
use eclinic_domain::Timestamp;

use crate::{DeviceInfo, Peripheral, PeripheralError, Reading};

/// The kinds of BLE health device a kiosk uses, by the GATT service they advertise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BleKind {
    BloodPressure,
    Thermometer,
    PulseOximeter,
    HeartRate,
    Glucose,
    Scale,
}

impl BleKind {
    pub const ALL: [BleKind; 6] = [
        BleKind::BloodPressure,
        BleKind::Thermometer,
        BleKind::PulseOximeter,
        BleKind::HeartRate,
        BleKind::Glucose,
        BleKind::Scale,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BleKind::BloodPressure => "bp",
            BleKind::Thermometer => "thermometer",
            BleKind::PulseOximeter => "plx",
            BleKind::HeartRate => "heart-rate",
            BleKind::Glucose => "glucose",
            BleKind::Scale => "scale",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == text)
    }

    /// The characteristics a device of this kind sends readings on.
    pub fn characteristics(self) -> &'static [Characteristic] {
        match self {
            BleKind::BloodPressure => {
                &[Characteristic::BloodPressureMeasurement, Characteristic::IntermediateCuffPressure]
            }
            BleKind::Thermometer => &[Characteristic::TemperatureMeasurement],
            BleKind::PulseOximeter => {
                &[Characteristic::PlxSpotCheckMeasurement, Characteristic::PlxContinuousMeasurement]
            }
            BleKind::HeartRate => &[Characteristic::HeartRateMeasurement],
            BleKind::Glucose => &[Characteristic::GlucoseMeasurement],
            BleKind::Scale => &[Characteristic::WeightMeasurement],
        }
    }

    /// The health service a scan filters on.
    pub fn service_uuid16(self) -> u16 {
        self.characteristics()[0].service_uuid16()
    }

    /// The kind a device is, from the services it advertises.
    pub fn from_services(services: &[u16]) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| services.contains(&kind.service_uuid16()))
    }
}

/// A value a device sent (notified or indicated) on one of its characteristics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GattValue {
    pub uuid16: u16,
    pub value: Vec<u8>,
}

/// Where characteristic values come from, and where control-point writes go.
pub trait GattSource: Send {
    fn info(&self) -> DeviceInfo;

    /// The next value that arrived by `now`, waiting up to `wait` for one.
    fn next_value(&mut self, now: Timestamp, wait: Duration) -> Result<Option<GattValue>, PeripheralError>;

    /// Writes `value` (with response) to the characteristic `uuid16`, e.g. the Record Access Control Point.
    fn write(&mut self, uuid16: u16, value: &[u8]) -> Result<(), PeripheralError>;
}

/// What a stored-records download brought.
#[derive(Debug)]
pub struct StoredGlucose {
    /// Records not seen before, in the order they came.
    pub records: Vec<Glucose>,
    pub state: DownloadState,
    /// Every sequence number seen, to keep for the next download from this meter.
    pub seen: GlucoseDeduplicator,
}

fn unix_ms(t: Timestamp) -> u64 {
    u64::try_from(t.unix_ms()).unwrap_or(0)
}

/// A BLE health device: its values decoded into readings. A value that does not decode is counted and
/// dropped, never guessed at.
#[derive(Debug)]
pub struct BleHealthDevice<S> {
    source: S,
    rejected: u64,
}

impl<S: GattSource> BleHealthDevice<S> {
    pub fn new(source: S) -> Self {
        Self { source, rejected: 0 }
    }

    /// Values the device sent that did not decode.
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// Asks a glucose meter for the records it stored since those in `seen`, through the Record Access
    /// Control Point, and waits until the meter says it is done (or refuses, or falls silent). `clock` gives
    /// the time for the procedure's timeout.
    pub fn download_glucose(
        &mut self,
        clock: &mut dyn FnMut() -> Timestamp,
        seen: GlucoseDeduplicator,
    ) -> Result<StoredGlucose, PeripheralError> {
        let mut download = GlucoseDownload::start(unix_ms(clock()), seen);
        let mut records = Vec::new();
        loop {
            while let Some(request) = download.poll_write() {
                self.source.write(RACP_UUID16, &request)?;
            }
            records.extend(std::iter::from_fn(|| download.poll_record()));
            if download.state() != DownloadState::Running {
                break;
            }
            let now = clock();
            match self.source.next_value(now, Duration::from_millis(200))? {
                Some(GattValue { uuid16, value }) if uuid16 == Characteristic::GlucoseMeasurement.uuid16() => {
                    download.handle_measurement(unix_ms(now), &value);
                }
                Some(GattValue { uuid16: RACP_UUID16, value }) => download.handle_racp(unix_ms(now), &value),
                Some(_) | None => {}
            }
            download.handle_timeout(unix_ms(clock()));
        }
        let state = download.state();
        Ok(StoredGlucose { records, state, seen: download.into_seen() })
    }
}

impl<S: GattSource> Peripheral for BleHealthDevice<S> {
    fn info(&self) -> DeviceInfo {
        self.source.info()
    }

    fn read(&mut self, now: Timestamp, wait: Duration) -> Result<Vec<Reading>, PeripheralError> {
        let mut readings = Vec::new();
        let mut wait = wait;
        while let Some(GattValue { uuid16, value }) = self.source.next_value(now, wait)? {
            // A control-point answer outside a download is not a reading.
            if let Some(characteristic) = Characteristic::from_uuid16(uuid16) {
                match gatt::decode(characteristic, &value) {
                    Ok(measurement) => readings.push(Reading::Measurement { received_at: now, measurement }),
                    Err(_) => self.rejected += 1,
                }
            }
            // Drain what is already there without waiting again.
            wait = Duration::ZERO;
        }
        Ok(readings)
    }
}
