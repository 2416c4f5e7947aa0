//! Pulse oximeters over BLE: PLX Spot-Check Measurement (0x2A5E, indicated) and PLX Continuous Measurement
//! (0x2A5F, notified). Both carry the same optional status words, decoded here once.

use super::bit;
use crate::error::DecodeError;
use crate::ieee11073::Numeric;
use crate::reader::{DeviceTime, Reader};

/// The status words both PLX characteristics may carry, as sent, with the conditions e-clinic acts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlxStatus {
    pub measurement_status: Option<u16>,
    /// 24 bits as sent.
    pub device_and_sensor_status: Option<u32>,
}

impl PlxStatus {
    fn measurement(self, n: u32) -> bool {
        self.measurement_status.is_some_and(|s| bit(u32::from(s), n))
    }

    fn sensor(self, n: u32) -> bool {
        self.device_and_sensor_status.is_some_and(|s| bit(s, n))
    }

    /// The device says the value is not a measurement: unavailable, invalid, or demonstration/test data.
    pub fn not_a_measurement(self) -> bool {
        [10, 11, 13, 15].into_iter().any(|n| self.measurement(n))
    }

    /// Sensor unconnected to the user, displaced or disconnected.
    pub fn probe_off(self) -> bool {
        [11, 13, 15].into_iter().any(|n| self.sensor(n))
    }

    pub fn low_perfusion(self) -> bool {
        self.sensor(5)
    }

    /// Erratic or questionable signal: at a kiosk almost always a moving hand.
    pub fn disturbed_signal(self) -> bool {
        [6, 8].into_iter().any(|n| self.sensor(n))
    }

    pub fn questionable(self) -> bool {
        self.measurement(14)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlxSpotCheck {
    /// %.
    pub spo2: Numeric,
    /// beats per minute.
    pub pulse_rate: Numeric,
    pub time: Option<DeviceTime>,
    pub status: PlxStatus,
    pub pulse_amplitude_index: Option<Numeric>,
    pub device_clock_not_set: bool,
}

/// One SpO2 and pulse-rate pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpO2Pr {
    /// %.
    pub spo2: Numeric,
    /// beats per minute.
    pub pulse_rate: Numeric,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlxContinuous {
    /// The normal-averaged pair, always present.
    pub normal: SpO2Pr,
    /// Fast- and slow-averaged pairs, when the device sends them.
    pub fast: Option<SpO2Pr>,
    pub slow: Option<SpO2Pr>,
    pub status: PlxStatus,
    pub pulse_amplitude_index: Option<Numeric>,
}

fn pair(r: &mut Reader<'_>) -> Result<SpO2Pr, DecodeError> {
    Ok(SpO2Pr { spo2: r.sfloat()?, pulse_rate: r.sfloat()? })
}

fn status(r: &mut Reader<'_>, flags: u32, measurement_bit: u32, sensor_bit: u32) -> Result<PlxStatus, DecodeError> {
    let measurement_status = if bit(flags, measurement_bit) { Some(r.u16()?) } else { None };
    let device_and_sensor_status = if bit(flags, sensor_bit) { Some(r.u24()?) } else { None };
    Ok(PlxStatus { measurement_status, device_and_sensor_status })
}

pub(super) fn decode_spot_check(bytes: &[u8]) -> Result<PlxSpotCheck, DecodeError> {
    let mut r = Reader::new("PLX spot-check", bytes);
    let flags = u32::from(r.u8()?);
    let SpO2Pr { spo2, pulse_rate } = pair(&mut r)?;
    let time = if bit(flags, 0) { Some(r.date_time()?) } else { None };
    let status = status(&mut r, flags, 1, 2)?;
    let pulse_amplitude_index = if bit(flags, 3) { Some(r.sfloat()?) } else { None };
    Ok(PlxSpotCheck { spo2, pulse_rate, time, status, pulse_amplitude_index, device_clock_not_set: bit(flags, 4) })
}

pub(super) fn decode_continuous(bytes: &[u8]) -> Result<PlxContinuous, DecodeError> {
    let mut r = Reader::new("PLX continuous", bytes);
    let flags = u32::from(r.u8()?);
    let normal = pair(&mut r)?;
    let fast = if bit(flags, 0) { Some(pair(&mut r)?) } else { None };
    let slow = if bit(flags, 1) { Some(pair(&mut r)?) } else { None };
    let status = status(&mut r, flags, 2, 3)?;
    let pulse_amplitude_index = if bit(flags, 4) { Some(r.sfloat()?) } else { None };
    Ok(PlxContinuous { normal, fast, slow, status, pulse_amplitude_index })
}
