//! Temperature Measurement (0x2A1C): a 32-bit FLOAT, unlike most health values.

use super::bit;
use crate::error::DecodeError;
use crate::ieee11073::Numeric;
use crate::reader::{DeviceTime, Reader};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemperatureUnit {
    Celsius,
    Fahrenheit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemperatureSite {
    Armpit,
    Body,
    Ear,
    Finger,
    GastroIntestinalTract,
    Mouth,
    Rectum,
    Toe,
    Tympanum,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Temperature {
    pub unit: TemperatureUnit,
    pub value: Numeric,
    pub time: Option<DeviceTime>,
    pub site: Option<TemperatureSite>,
}

pub(super) fn decode(bytes: &[u8]) -> Result<Temperature, DecodeError> {
    let mut r = Reader::new("temperature", bytes);
    let flags = u32::from(r.u8()?);
    let unit = if bit(flags, 0) { TemperatureUnit::Fahrenheit } else { TemperatureUnit::Celsius };
    let value = r.float()?;
    let time = if bit(flags, 1) { Some(r.date_time()?) } else { None };
    let site = if bit(flags, 2) {
        use TemperatureSite::*;
        Some(match r.u8()? {
            1 => Armpit,
            2 => Body,
            3 => Ear,
            4 => Finger,
            5 => GastroIntestinalTract,
            6 => Mouth,
            7 => Rectum,
            8 => Toe,
            9 => Tympanum,
            other => return Err(DecodeError::Reserved { what: "temperature type", value: other.into() }),
        })
    } else {
        None
    };
    Ok(Temperature { unit, value, time, site })
}
