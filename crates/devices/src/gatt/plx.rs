//! PLX Spot-Check Measurement (0x2A5E) from pulse oximeters.

use super::bit;
use crate::error::DecodeError;
use crate::ieee11073::Numeric;
use crate::reader::{DeviceTime, Reader};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlxSpotCheck {
    /// %.
    pub spo2: Numeric,
    /// beats per minute.
    pub pulse_rate: Numeric,
    pub time: Option<DeviceTime>,
    pub measurement_status: Option<u16>,
    /// 24 bits as sent (low perfusion, sensor disconnected and other device conditions).
    pub device_and_sensor_status: Option<u32>,
    pub pulse_amplitude_index: Option<Numeric>,
    pub device_clock_not_set: bool,
}

pub(super) fn decode_spot_check(bytes: &[u8]) -> Result<PlxSpotCheck, DecodeError> {
    let mut r = Reader::new("PLX spot-check", bytes);
    let flags = u32::from(r.u8()?);
    let spo2 = r.sfloat()?;
    let pulse_rate = r.sfloat()?;
    let time = if bit(flags, 0) { Some(r.date_time()?) } else { None };
    let measurement_status = if bit(flags, 1) { Some(r.u16()?) } else { None };
    let device_and_sensor_status = if bit(flags, 2) { Some(r.u24()?) } else { None };
    let pulse_amplitude_index = if bit(flags, 3) { Some(r.sfloat()?) } else { None };
    Ok(PlxSpotCheck {
        spo2,
        pulse_rate,
        time,
        measurement_status,
        device_and_sensor_status,
        pulse_amplitude_index,
        device_clock_not_set: bit(flags, 4),
    })
}
