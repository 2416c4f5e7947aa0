//! The vital signs e-clinic records: their LOINC codes, the UCUM units each may be written in, and the range
//! outside which a value cannot come from a living patient (so it is a device or typing error).

use crate::error::ValidationError;
use crate::observation::{LoincCode, Quantity, UcumUnit};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VitalKind {
    HeartRate,
    RespiratoryRate,
    OxygenSaturation,
    BodyTemperature,
    BodyHeight,
    BodyWeight,
    Bmi,
    SystolicPressure,
    DiastolicPressure,
    HeadCircumference,
    CapillaryGlucose,
}

/// Whether a value can be a real measurement of a living patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plausibility {
    Plausible,
    /// Outside the physiologically possible range; the reason names the bound.
    Impossible {
        reason: &'static str,
    },
}

struct Spec {
    kind: VitalKind,
    name: &'static str,
    loinc: &'static str,
    /// Units allowed, each with the inclusive plausible range in that unit.
    units: &'static [(&'static str, &'static str, &'static str)],
}

const SPECS: &[Spec] = &[
    Spec { kind: VitalKind::HeartRate, name: "heart-rate", loinc: "8867-4", units: &[("/min", "20", "300")] },
    Spec { kind: VitalKind::RespiratoryRate, name: "respiratory-rate", loinc: "9279-1", units: &[("/min", "2", "80")] },
    Spec { kind: VitalKind::OxygenSaturation, name: "spo2", loinc: "2708-6", units: &[("%", "50", "100")] },
    Spec {
        kind: VitalKind::BodyTemperature,
        name: "temperature",
        loinc: "8310-5",
        units: &[("Cel", "25", "45"), ("[degF]", "77", "113")],
    },
    Spec {
        kind: VitalKind::BodyHeight,
        name: "height",
        loinc: "8302-2",
        units: &[("cm", "20", "250"), ("[in_i]", "8", "99")],
    },
    Spec {
        kind: VitalKind::BodyWeight,
        name: "weight",
        loinc: "29463-7",
        units: &[("kg", "0.3", "350"), ("g", "300", "350000"), ("[lb_av]", "0.6", "770")],
    },
    Spec { kind: VitalKind::Bmi, name: "bmi", loinc: "39156-5", units: &[("kg/m2", "5", "100")] },
    Spec {
        kind: VitalKind::SystolicPressure,
        name: "systolic",
        loinc: "8480-6",
        units: &[("mm[Hg]", "40", "300"), ("kPa", "5.3", "40")],
    },
    Spec {
        kind: VitalKind::DiastolicPressure,
        name: "diastolic",
        loinc: "8462-4",
        units: &[("mm[Hg]", "10", "200"), ("kPa", "1.3", "26.7")],
    },
    Spec {
        kind: VitalKind::HeadCircumference,
        name: "head-circumference",
        loinc: "9843-4",
        units: &[("cm", "20", "75")],
    },
    Spec { kind: VitalKind::CapillaryGlucose, name: "glucose", loinc: "41653-7", units: &[("mg/dL", "10", "1500")] },
];

impl VitalKind {
    pub const ALL: [VitalKind; 11] = [
        VitalKind::HeartRate,
        VitalKind::RespiratoryRate,
        VitalKind::OxygenSaturation,
        VitalKind::BodyTemperature,
        VitalKind::BodyHeight,
        VitalKind::BodyWeight,
        VitalKind::Bmi,
        VitalKind::SystolicPressure,
        VitalKind::DiastolicPressure,
        VitalKind::HeadCircumference,
        VitalKind::CapillaryGlucose,
    ];

    fn spec(self) -> &'static Spec {
        // Invariant: SPECS has one entry per variant, checked by the `every_kind_has_a_spec` test.
        SPECS.iter().find(|s| s.kind == self).expect("SPECS covers every VitalKind")
    }

    /// The short name used on the command line and in catalogues, e.g. `heart-rate`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Result<Self, ValidationError> {
        SPECS.iter().find(|s| s.name == name).map(|s| s.kind).ok_or(ValidationError::UnknownVariant { field: "vital" })
    }

    pub fn loinc(self) -> LoincCode {
        // Invariant: every code in SPECS carries a valid check digit (`every_kind_has_a_spec` test).
        LoincCode::parse(self.spec().loinc).expect("SPECS LOINC codes are valid")
    }

    pub fn from_loinc(code: &LoincCode) -> Option<Self> {
        SPECS.iter().find(|s| s.loinc == code.as_str()).map(|s| s.kind)
    }

    /// The unit a device or form uses when none is given.
    pub fn default_unit(self) -> UcumUnit {
        // Invariant: every spec lists at least one unit, and every listed unit is a known UCUM unit.
        UcumUnit::parse(self.spec().units[0].0).expect("SPECS units are known UCUM units")
    }

    pub fn check_unit(self, unit: &UcumUnit) -> Result<(), ValidationError> {
        if self.spec().units.iter().any(|(u, _, _)| *u == unit.as_str()) {
            Ok(())
        } else {
            Err(ValidationError::UnitForKind { kind: self.name() })
        }
    }

    /// Whether `value` in `unit` can be a real reading. A unit that does not fit the kind is an error.
    pub fn plausibility(self, value: &Quantity, unit: &UcumUnit) -> Result<Plausibility, ValidationError> {
        self.check_unit(unit)?;
        let (_, low, high) = self
            .spec()
            .units
            .iter()
            .find(|(u, _, _)| *u == unit.as_str())
            .ok_or(ValidationError::UnitForKind { kind: self.name() })?;
        let parse = |s: &str| s.parse::<Decimal>().map_err(|_| ValidationError::Decimal);
        let v = value.as_decimal();
        Ok(if v < parse(low)? {
            Plausibility::Impossible { reason: "below the physiologically possible range" }
        } else if v > parse(high)? {
            Plausibility::Impossible { reason: "above the physiologically possible range" }
        } else {
            Plausibility::Plausible
        })
    }
}
