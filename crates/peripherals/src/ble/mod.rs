//! Bluetooth LE health devices. [`GattSource`] is the seam between the radio and decoding: BlueZ through
//! btleplug on a kiosk ([`bluez`]), a scripted device in the demo and the tests ([`simulated`]). Above it,
//! [`BleHealthDevice`] decodes every value with `eclinic-devices` and is a [`Peripheral`] like any other.

pub mod bluez;
pub mod simulated;

use std::time::Duration;

use eclinic_devices::gatt::{self, Characteristic};
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

/// Where characteristic values come from.
pub trait GattSource: Send {
    fn info(&self) -> DeviceInfo;

    /// The next value that arrived by `now`, waiting up to `wait` for one.
    fn next_value(
        &mut self,
        now: Timestamp,
        wait: Duration,
    ) -> Result<Option<(Characteristic, Vec<u8>)>, PeripheralError>;
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
}

impl<S: GattSource> Peripheral for BleHealthDevice<S> {
    fn info(&self) -> DeviceInfo {
        self.source.info()
    }

    fn read(&mut self, now: Timestamp, wait: Duration) -> Result<Vec<Reading>, PeripheralError> {
        let mut readings = Vec::new();
        let mut wait = wait;
        while let Some((characteristic, value)) = self.source.next_value(now, wait)? {
            match gatt::decode(characteristic, &value) {
                Ok(measurement) => readings.push(Reading::Measurement { received_at: now, measurement }),
                Err(_) => self.rejected += 1,
            }
            // Drain what is already there without waiting again.
            wait = Duration::ZERO;
        }
        Ok(readings)
    }
}
