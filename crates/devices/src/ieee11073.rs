//! IEEE 11073-20601 numbers as BLE health devices send them: SFLOAT (16 bit) and FLOAT (32 bit), both
//! `mantissa × 10^exponent`. Special values mean "no valid measurement" and are never turned into numbers.

use eclinic_domain::Quantity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    NaN,
    NotAtThisResolution,
    PositiveInfinity,
    NegativeInfinity,
    Reserved,
}

/// A decoded device number: a value with its precision, or a special that is not a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numeric {
    Value(Quantity),
    Special(Special),
}

impl Numeric {
    pub fn value(self) -> Option<Quantity> {
        match self {
            Numeric::Value(q) => Some(q),
            Numeric::Special(_) => None,
        }
    }
}

/// Sign-extends the low `bits` bits of `raw`.
fn signed(raw: u32, bits: u32) -> i64 {
    let shift = 64 - bits;
    (i64::from(raw) << shift) >> shift
}

fn value(mantissa: i64, exponent: i64) -> Numeric {
    // Exponents are 4 or 8 bits wide, so they always fit in i32; a value rust_decimal cannot hold is treated
    // like a value the device could not resolve.
    match i32::try_from(exponent).ok().map(|e| Quantity::from_mantissa_exponent(mantissa, e)) {
        Some(Ok(q)) => Numeric::Value(q),
        _ => Numeric::Special(Special::NotAtThisResolution),
    }
}

pub fn sfloat(raw: u16) -> Numeric {
    match raw {
        0x07FF => Numeric::Special(Special::NaN),
        0x0800 => Numeric::Special(Special::NotAtThisResolution),
        0x07FE => Numeric::Special(Special::PositiveInfinity),
        0x0802 => Numeric::Special(Special::NegativeInfinity),
        0x0801 => Numeric::Special(Special::Reserved),
        _ => value(signed(u32::from(raw & 0x0FFF), 12), signed(u32::from(raw >> 12), 4)),
    }
}

pub fn float(raw: u32) -> Numeric {
    match raw {
        0x007F_FFFF => Numeric::Special(Special::NaN),
        0x0080_0000 => Numeric::Special(Special::NotAtThisResolution),
        0x007F_FFFE => Numeric::Special(Special::PositiveInfinity),
        0x0080_0002 => Numeric::Special(Special::NegativeInfinity),
        0x0080_0001 => Numeric::Special(Special::Reserved),
        _ => value(signed(raw & 0x00FF_FFFF, 24), signed(raw >> 24, 8)),
    }
}
