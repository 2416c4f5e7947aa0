//! Bluetooth SIG health characteristics: which ones e-clinic reads and their decoders. Bytes after the
//! fields the flags announce are ignored (newer revisions of a profile append fields); bytes missing from an
//! announced field are a `Truncated` error, never a guess.

mod blood_pressure;
mod glucose;
mod heart_rate;
mod plx;
pub mod racp;
mod temperature;
mod weight;

pub use crate::reader::DeviceTime;
pub use blood_pressure::{BloodPressure, BloodPressureStatus, PressureUnit, PulseRange};
pub use glucose::{Glucose, GlucoseDeduplicator, GlucoseUnit};
pub use heart_rate::{HeartRate, SensorContact};
pub use plx::{PlxContinuous, PlxSpotCheck, PlxStatus, SpO2Pr};
pub use temperature::{Temperature, TemperatureSite, TemperatureUnit};
pub use weight::{Weight, WeightUnits};

use crate::error::DecodeError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Characteristic {
    BloodPressureMeasurement,
    IntermediateCuffPressure,
    TemperatureMeasurement,
    HeartRateMeasurement,
    GlucoseMeasurement,
    PlxSpotCheckMeasurement,
    PlxContinuousMeasurement,
    WeightMeasurement,
}

impl Characteristic {
    pub const ALL: [Characteristic; 8] = [
        Characteristic::BloodPressureMeasurement,
        Characteristic::IntermediateCuffPressure,
        Characteristic::TemperatureMeasurement,
        Characteristic::HeartRateMeasurement,
        Characteristic::GlucoseMeasurement,
        Characteristic::PlxSpotCheckMeasurement,
        Characteristic::PlxContinuousMeasurement,
        Characteristic::WeightMeasurement,
    ];

    pub fn uuid16(self) -> u16 {
        match self {
            Characteristic::BloodPressureMeasurement => 0x2A35,
            Characteristic::IntermediateCuffPressure => 0x2A36,
            Characteristic::TemperatureMeasurement => 0x2A1C,
            Characteristic::HeartRateMeasurement => 0x2A37,
            Characteristic::GlucoseMeasurement => 0x2A18,
            Characteristic::PlxSpotCheckMeasurement => 0x2A5E,
            Characteristic::PlxContinuousMeasurement => 0x2A5F,
            Characteristic::WeightMeasurement => 0x2A9D,
        }
    }

    /// The GATT service that carries it (what a scan filters on).
    pub fn service_uuid16(self) -> u16 {
        match self {
            Characteristic::BloodPressureMeasurement | Characteristic::IntermediateCuffPressure => 0x1810,
            Characteristic::TemperatureMeasurement => 0x1809,
            Characteristic::HeartRateMeasurement => 0x180D,
            Characteristic::GlucoseMeasurement => 0x1808,
            Characteristic::PlxSpotCheckMeasurement | Characteristic::PlxContinuousMeasurement => 0x1822,
            Characteristic::WeightMeasurement => 0x181D,
        }
    }

    /// Parses a short UUID as people write it: `2a35`, `0x2A35`, or the full Bluetooth base UUID.
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let t = text.trim().to_ascii_lowercase();
        let short = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0000").and_then(|r| r.strip_suffix("-0000-1000-8000-00805f9b34fb")))
            .unwrap_or(&t);
        let uuid = u16::from_str_radix(short, 16).map_err(|_| DecodeError::UnknownCharacteristic)?;
        Self::from_uuid16(uuid).ok_or(DecodeError::UnknownCharacteristic)
    }

    /// The characteristic with this 16-bit UUID, if e-clinic reads it.
    pub fn from_uuid16(uuid: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.uuid16() == uuid)
    }

    /// Whether the profile indicates (needs `0x0002` in the CCCD) rather than notifies.
    pub fn is_indicated(self) -> bool {
        !matches!(
            self,
            Characteristic::HeartRateMeasurement
                | Characteristic::IntermediateCuffPressure
                | Characteristic::PlxContinuousMeasurement
        )
    }
}

/// One decoded value of any characteristic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measurement {
    BloodPressure(BloodPressure),
    IntermediateCuffPressure(BloodPressure),
    Temperature(Temperature),
    HeartRate(HeartRate),
    Glucose(Glucose),
    PlxSpotCheck(PlxSpotCheck),
    PlxContinuous(PlxContinuous),
    Weight(Weight),
}

pub fn decode(characteristic: Characteristic, bytes: &[u8]) -> Result<Measurement, DecodeError> {
    Ok(match characteristic {
        Characteristic::BloodPressureMeasurement => Measurement::BloodPressure(blood_pressure::decode(bytes)?),
        Characteristic::IntermediateCuffPressure => {
            Measurement::IntermediateCuffPressure(blood_pressure::decode(bytes)?)
        }
        Characteristic::TemperatureMeasurement => Measurement::Temperature(temperature::decode(bytes)?),
        Characteristic::HeartRateMeasurement => Measurement::HeartRate(heart_rate::decode(bytes)?),
        Characteristic::GlucoseMeasurement => Measurement::Glucose(glucose::decode(bytes)?),
        Characteristic::PlxSpotCheckMeasurement => Measurement::PlxSpotCheck(plx::decode_spot_check(bytes)?),
        Characteristic::PlxContinuousMeasurement => Measurement::PlxContinuous(plx::decode_continuous(bytes)?),
        Characteristic::WeightMeasurement => Measurement::Weight(weight::decode(bytes)?),
    })
}

fn bit(flags: u32, n: u32) -> bool {
    flags & (1 << n) != 0
}
