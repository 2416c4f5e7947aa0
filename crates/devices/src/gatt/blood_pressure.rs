//! Blood Pressure Measurement (0x2A35) and Intermediate Cuff Pressure (0x2A36), which share a layout.

use super::bit;
use crate::error::DecodeError;
use crate::ieee11073::Numeric;
use crate::reader::{DeviceTime, Reader};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PressureUnit {
    MmHg,
    KPa,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulseRange {
    InRange,
    Above,
    Below,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BloodPressureStatus {
    pub body_movement: bool,
    pub cuff_too_loose: bool,
    pub irregular_pulse: bool,
    pub pulse_range: PulseRange,
    pub improper_position: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BloodPressure {
    pub unit: PressureUnit,
    pub systolic: Numeric,
    pub diastolic: Numeric,
    pub mean_arterial: Numeric,
    pub time: Option<DeviceTime>,
    pub pulse_rate: Option<Numeric>,
    /// `None` when absent or 0xFF (unknown user).
    pub user: Option<u8>,
    pub status: Option<BloodPressureStatus>,
}

pub(super) fn decode(bytes: &[u8]) -> Result<BloodPressure, DecodeError> {
    const WHAT: &str = "blood pressure";
    let mut r = Reader::new(WHAT, bytes);
    let flags = u32::from(r.u8()?);
    let unit = if bit(flags, 0) { PressureUnit::KPa } else { PressureUnit::MmHg };
    let (systolic, diastolic, mean_arterial) = (r.sfloat()?, r.sfloat()?, r.sfloat()?);
    let time = if bit(flags, 1) { Some(r.date_time()?) } else { None };
    let pulse_rate = if bit(flags, 2) { Some(r.sfloat()?) } else { None };
    let user = if bit(flags, 3) { Some(r.u8()?).filter(|u| *u != 0xFF) } else { None };
    let status = if bit(flags, 4) {
        let s = u32::from(r.u16()?);
        let pulse_range = match (s >> 3) & 0b11 {
            0 => PulseRange::InRange,
            1 => PulseRange::Above,
            2 => PulseRange::Below,
            other => return Err(DecodeError::Reserved { what: "pulse rate range", value: other }),
        };
        Some(BloodPressureStatus {
            body_movement: bit(s, 0),
            cuff_too_loose: bit(s, 1),
            irregular_pulse: bit(s, 2),
            pulse_range,
            improper_position: bit(s, 5),
        })
    } else {
        None
    };
    Ok(BloodPressure { unit, systolic, diastolic, mean_arterial, time, pulse_rate, user, status })
}
