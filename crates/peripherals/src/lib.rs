//! The drivers behind e-clinic's peripherals. They only move bytes: every byte goes to the sans-IO parsers of
//! `eclinic-devices`, which turn them into readings. A simulated device stands behind the same
//! [`Peripheral`] trait for each kind, so the demo and the tests run the same code path as a kiosk.

pub mod ble;
pub mod error;
pub mod manager;
pub mod serial;
pub mod simulated;

use eclinic_devices::gatt::Measurement;
use eclinic_devices::observe::OximeterConditions;
use eclinic_domain::Timestamp;
use std::time::Duration;

pub use error::PeripheralError;

/// One oximeter reading, whichever transport it came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OximeterReading {
    pub received_at: Timestamp,
    /// %; `None` while the device has no valid value.
    pub spo2: Option<u8>,
    /// Beats per minute; `None` while the device has no valid value.
    pub pulse_rate: Option<u16>,
    /// The plethysmogram sample, for the live waveform beside the video, when the device sends one.
    pub pleth: Option<u8>,
    pub conditions: OximeterConditions,
}

/// Whatever a device delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A serial oximeter's sample.
    Oximeter(OximeterReading),
    /// A decoded BLE health characteristic value.
    Measurement { received_at: Timestamp, measurement: Measurement },
}

/// What a device is, as the device list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub model: String,
    /// Where it is attached: a serial port path, a BLE address, or `simulated`.
    pub address: String,
}

/// A device that produces readings.
pub trait Peripheral: Send {
    fn info(&self) -> DeviceInfo;

    /// The readings that arrived within `wait`, stamped `now`; an empty list if none did.
    fn read(&mut self, now: Timestamp, wait: Duration) -> Result<Vec<Reading>, PeripheralError>;
}
