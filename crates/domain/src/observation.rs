use crate::error::ValidationError;
use crate::id::{EncounterId, ObservationId, PatientId, UserId};
use crate::text::RequiredText;
use crate::timestamp::Timestamp;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A LOINC code such as `8867-4`, with its mod-10 check digit verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoincCode(String);

impl LoincCode {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let (body, check) = raw.trim().split_once('-').ok_or(ValidationError::Loinc)?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(body) || body.len() > 7 || check.len() != 1 || !all_digits(check) {
            return Err(ValidationError::Loinc);
        }
        // LOINC's check digit is the Luhn digit of the code body.
        let sum: u32 = body
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 0 { (2 * d) / 10 + (2 * d) % 10 } else { d }
            })
            .sum();
        let expected = (10 - sum % 10) % 10;
        if u32::from(check.as_bytes()[0] - b'0') != expected {
            return Err(ValidationError::Loinc);
        }
        Ok(Self(format!("{body}-{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A UCUM unit among those e-clinic records (vital signs and capillary glucose).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UcumUnit(&'static str);

impl UcumUnit {
    const KNOWN: &'static [&'static str] = &[
        "/min", "%", "Cel", "[degF]", "cm", "[in_i]", "kg", "g", "[lb_av]", "kg/m2", "mm[Hg]", "kPa", "mg/dL", "mmol/L",
    ];

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::KNOWN.iter().find(|u| **u == raw.trim()).map(|u| Self(u)).ok_or(ValidationError::Ucum)
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// A decimal value that keeps the precision it was measured or written with: `2.0` and `2` are different
/// quantities (the first claims a tenth of precision), so equality compares digits and scale.
#[derive(Debug, Clone, Copy)]
pub struct Quantity(Decimal);

impl Quantity {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() || raw.contains(['e', 'E', '_']) || raw.starts_with('+') {
            return Err(ValidationError::Decimal);
        }
        Decimal::from_str(raw).map(Self).map_err(|_| ValidationError::Decimal)
    }

    /// `mantissa × 10^exponent`, with as many decimals as a negative exponent says: IEEE 11073 devices send
    /// 2.0 as (20, -1) and 2.00 as (200, -2), and the two stay different.
    pub fn from_mantissa_exponent(mantissa: i64, exponent: i32) -> Result<Self, ValidationError> {
        if exponent <= 0 {
            let scale = u32::try_from(-i64::from(exponent)).map_err(|_| ValidationError::Decimal)?;
            Decimal::try_from_i128_with_scale(i128::from(mantissa), scale)
                .map(Self)
                .map_err(|_| ValidationError::Decimal)
        } else {
            let factor = 10i64.checked_pow(u32::try_from(exponent).map_err(|_| ValidationError::Decimal)?);
            factor.and_then(|f| mantissa.checked_mul(f)).map(|v| Self(Decimal::from(v))).ok_or(ValidationError::Decimal)
        }
    }

    /// The same measurement in a unit `10^places` times smaller (kg/L to mg/dL is 5 places, m to cm is 2),
    /// keeping its significant digits: 0.00110 kg/L is 110 mg/dL, not 110.00000.
    pub fn shift_decimal_point(self, places: i32) -> Result<Self, ValidationError> {
        let mantissa = i64::try_from(self.0.mantissa()).map_err(|_| ValidationError::Decimal)?;
        let exponent = i32::try_from(self.0.scale()).map_err(|_| ValidationError::Decimal)?;
        Self::from_mantissa_exponent(mantissa, places - exponent)
    }

    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// Digits after the decimal point as written.
    pub fn scale(&self) -> u32 {
        self.0.scale()
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.0.mantissa() == other.0.mantissa() && self.0.scale() == other.0.scale()
    }
}
impl Eq for Quantity {}

impl std::hash::Hash for Quantity {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.mantissa().hash(state);
        self.0.scale().hash(state);
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObservationStatus {
    /// Still changing (e.g. an intermediate cuff pressure).
    Preliminary,
    Final,
    /// Recorded by mistake; kept for the history, never shown as a value.
    EnteredInError,
}

impl ObservationStatus {
    pub fn code(self) -> &'static str {
        match self {
            ObservationStatus::Preliminary => "preliminary",
            ObservationStatus::Final => "final",
            ObservationStatus::EnteredInError => "entered-in-error",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, ValidationError> {
        [Self::Preliminary, Self::Final, Self::EnteredInError]
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(ValidationError::UnknownVariant { field: "observation status" })
    }
}

/// Conditions a device or the plausibility check reported with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObservationFlag {
    BodyMovement,
    CuffLoose,
    IrregularPulse,
    LowPerfusion,
    ProbeOff,
    /// Outside the physiologically possible range: not a valid measurement.
    Implausible,
}

impl ObservationFlag {
    pub const ALL: [ObservationFlag; 6] = [
        ObservationFlag::BodyMovement,
        ObservationFlag::CuffLoose,
        ObservationFlag::IrregularPulse,
        ObservationFlag::LowPerfusion,
        ObservationFlag::ProbeOff,
        ObservationFlag::Implausible,
    ];

    fn bit(self) -> u32 {
        1 << (self as u32)
    }

    pub fn code(self) -> &'static str {
        match self {
            ObservationFlag::BodyMovement => "body-movement",
            ObservationFlag::CuffLoose => "cuff-loose",
            ObservationFlag::IrregularPulse => "irregular-pulse",
            ObservationFlag::LowPerfusion => "low-perfusion",
            ObservationFlag::ProbeOff => "probe-off",
            ObservationFlag::Implausible => "implausible",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ObservationFlags(u32);

impl ObservationFlags {
    pub fn with(self, flag: ObservationFlag) -> Self {
        Self(self.0 | flag.bit())
    }

    pub fn contains(self, flag: ObservationFlag) -> bool {
        self.0 & flag.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = ObservationFlag> {
        ObservationFlag::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    pub fn bits(self) -> u32 {
        self.0
    }

    pub fn from_bits(bits: u32) -> Self {
        let known = ObservationFlag::ALL.iter().fold(0, |acc, f| acc | f.bit());
        Self(bits & known)
    }
}

/// Where a value came from: typed by a person or read from a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObservationSource {
    Manual { entered_by: UserId },
    Device { model: RequiredText, serial: Option<RequiredText> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub id: ObservationId,
    pub patient: PatientId,
    pub encounter: Option<EncounterId>,
    pub code: LoincCode,
    pub unit: UcumUnit,
    pub value: Quantity,
    pub effective_at: Timestamp,
    pub status: ObservationStatus,
    pub flags: ObservationFlags,
    pub source: ObservationSource,
}

impl Observation {
    /// Checks a new observation against what is known of its code: a vital sign must use one of its units,
    /// and a value no living patient can have gets the `Implausible` flag, so it is kept but never read as a
    /// valid measurement.
    pub fn checked(mut self) -> Result<Self, ValidationError> {
        if let Some(kind) = crate::vital::VitalKind::from_loinc(&self.code)
            && let crate::vital::Plausibility::Impossible { .. } = kind.plausibility(&self.value, &self.unit)?
        {
            self.flags = self.flags.with(ObservationFlag::Implausible);
        }
        Ok(self)
    }

    /// Whether the value may be shown and charted as a measurement.
    pub fn is_valid_measurement(&self) -> bool {
        self.status != ObservationStatus::EnteredInError && !self.flags.contains(ObservationFlag::Implausible)
    }
}
