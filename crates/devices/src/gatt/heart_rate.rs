//! Heart Rate Measurement (0x2A37), notified; RR intervals fill the rest of the value.

use super::bit;
use crate::error::DecodeError;
use crate::reader::Reader;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorContact {
    NotSupported,
    Detected,
    NotDetected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartRate {
    pub bpm: u16,
    pub contact: SensorContact,
    pub energy_expended_kj: Option<u16>,
    /// RR intervals in 1/1024 s.
    pub rr_intervals: Vec<u16>,
}

pub(super) fn decode(bytes: &[u8]) -> Result<HeartRate, DecodeError> {
    let mut r = Reader::new("heart rate", bytes);
    let flags = u32::from(r.u8()?);
    let bpm = if bit(flags, 0) { r.u16()? } else { u16::from(r.u8()?) };
    let contact = match (bit(flags, 2), bit(flags, 1)) {
        (false, _) => SensorContact::NotSupported,
        (true, true) => SensorContact::Detected,
        (true, false) => SensorContact::NotDetected,
    };
    let energy_expended_kj = if bit(flags, 3) { Some(r.u16()?) } else { None };
    let mut rr_intervals = Vec::new();
    if bit(flags, 4) {
        while !r.is_empty() {
            rr_intervals.push(r.u16()?);
        }
    }
    Ok(HeartRate { bpm, contact, energy_expended_kj, rr_intervals })
}
