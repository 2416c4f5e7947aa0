//! Glucose Measurement (0x2A18). Meters keep records and resend them in bursts, so readings carry the
//! meter's sequence number and a deduplicator drops repeats.

use super::bit;
use crate::error::DecodeError;
use crate::ieee11073::Numeric;
use crate::reader::{DeviceTime, Reader};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlucoseUnit {
    /// kg/L: × 100 000 gives mg/dL.
    KgPerLitre,
    /// mol/L: × 1 000 gives mmol/L.
    MolPerLitre,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glucose {
    pub sequence: u16,
    pub base_time: DeviceTime,
    pub time_offset_minutes: Option<i16>,
    /// The concentration with its unit, absent when the meter sent only a time (e.g. a control record).
    pub concentration: Option<(Numeric, GlucoseUnit)>,
    /// Sample type (low nibble) and location (high nibble), as sent.
    pub sample_type: Option<u8>,
    pub sample_location: Option<u8>,
    pub sensor_status: Option<u16>,
    /// A Glucose Measurement Context (0x2A34) value follows with the same sequence number.
    pub context_follows: bool,
}

pub(super) fn decode(bytes: &[u8]) -> Result<Glucose, DecodeError> {
    let mut r = Reader::new("glucose", bytes);
    let flags = u32::from(r.u8()?);
    let sequence = r.u16()?;
    let base_time = r.date_time()?;
    let time_offset_minutes = if bit(flags, 0) { Some(r.i16()?) } else { None };
    let (concentration, sample_type, sample_location) = if bit(flags, 1) {
        let value = r.sfloat()?;
        let unit = if bit(flags, 2) { GlucoseUnit::MolPerLitre } else { GlucoseUnit::KgPerLitre };
        let type_location = r.u8()?;
        (Some((value, unit)), Some(type_location & 0x0F), Some(type_location >> 4))
    } else {
        (None, None, None)
    };
    let sensor_status = if bit(flags, 3) { Some(r.u16()?) } else { None };
    Ok(Glucose {
        sequence,
        base_time,
        time_offset_minutes,
        concentration,
        sample_type,
        sample_location,
        sensor_status,
        context_follows: bit(flags, 4),
    })
}

/// Drops glucose records already seen from one meter, by sequence number. Sans-IO: feed each decoded
/// record; it says whether the record is new.
#[derive(Debug, Default, Clone)]
pub struct GlucoseDeduplicator {
    seen: std::collections::BTreeSet<u16>,
}

impl GlucoseDeduplicator {
    /// True the first time a sequence number is offered, false for every repeat.
    pub fn is_new(&mut self, record: &Glucose) -> bool {
        self.seen.insert(record.sequence)
    }

    /// The highest sequence number seen: the next Record Access Control Point request asks for records
    /// after it.
    pub fn last_sequence(&self) -> Option<u16> {
        self.seen.last().copied()
    }
}
