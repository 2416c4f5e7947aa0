//! Weight Measurement (0x2A9D): fixed-point integers, not IEEE 11073 numbers.

use super::bit;
use crate::error::DecodeError;
use crate::ieee11073::Numeric;
use crate::reader::{DeviceTime, Reader};
use eclinic_domain::Quantity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightUnits {
    /// kg, kg/m², m.
    Si,
    /// lb, kg/m², in.
    Imperial,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weight {
    pub units: WeightUnits,
    /// kg (SI, resolution 0.005) or lb (imperial, 0.01); 0xFFFF means the measurement failed.
    pub weight: Numeric,
    pub time: Option<DeviceTime>,
    pub user: Option<u8>,
    pub bmi: Option<Numeric>,
    /// m (SI, 0.001) or in (imperial, 0.1).
    pub height: Option<Numeric>,
}

/// `raw × step`, where `step` is `step_mantissa × 10^step_exponent`; 0xFFFF is "measurement unsuccessful".
fn fixed(raw: u16, step_mantissa: i64, step_exponent: i32) -> Numeric {
    if raw == 0xFFFF {
        return Numeric::Special(crate::ieee11073::Special::NaN);
    }
    match Quantity::from_mantissa_exponent(i64::from(raw) * step_mantissa, step_exponent) {
        Ok(q) => Numeric::Value(q),
        Err(_) => Numeric::Special(crate::ieee11073::Special::NotAtThisResolution),
    }
}

pub(super) fn decode(bytes: &[u8]) -> Result<Weight, DecodeError> {
    let mut r = Reader::new("weight", bytes);
    let flags = u32::from(r.u8()?);
    let imperial = bit(flags, 0);
    let raw_weight = r.u16()?;
    let weight = if imperial { fixed(raw_weight, 1, -2) } else { fixed(raw_weight, 5, -3) };
    let time = if bit(flags, 1) { Some(r.date_time()?) } else { None };
    let user = if bit(flags, 2) { Some(r.u8()?).filter(|u| *u != 0xFF) } else { None };
    let (bmi, height) = if bit(flags, 3) {
        let bmi = fixed(r.u16()?, 1, -1);
        let raw_height = r.u16()?;
        (Some(bmi), Some(if imperial { fixed(raw_height, 1, -1) } else { fixed(raw_height, 1, -3) }))
    } else {
        (None, None)
    };
    let units = if imperial { WeightUnits::Imperial } else { WeightUnits::Si };
    Ok(Weight { units, weight, time, user, bmi, height })
}
