#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_domain::{Plausibility, Quantity, UcumUnit, ValidationError, VitalKind};

fn check(kind: &str, value: &str, unit: &str, expect: Result<bool, ValidationError>) {
    let kind = VitalKind::from_name(kind).expect("test kinds exist");
    let value = Quantity::parse(value).expect("test values are decimals");
    let got = UcumUnit::parse(unit).and_then(|u| kind.plausibility(&value, &u)).map(|p| p == Plausibility::Plausible);
    assert_eq!(got, expect, "{} {value} {unit}", kind.name());
}

#[test]
fn impossible_values_are_flagged_with_units_respected() {
    check("heart-rate", "72", "/min", Ok(true));
    check("heart-rate", "0", "/min", Ok(false));
    check("heart-rate", "720", "/min", Ok(false));
    check("spo2", "98", "%", Ok(true));
    check("spo2", "101", "%", Ok(false));
    check("temperature", "36.6", "Cel", Ok(true));
    check("temperature", "98.6", "Cel", Ok(false));
    check("temperature", "98.6", "[degF]", Ok(true));
    check("weight", "3.2", "kg", Ok(true));
    check("weight", "3200", "g", Ok(true));
    check("weight", "3200", "kg", Ok(false));
    check("systolic", "120", "mm[Hg]", Ok(true));
    check("diastolic", "250", "mm[Hg]", Ok(false));
    check("glucose", "110", "mg/dL", Ok(true));
    check("heart-rate", "72", "%", Err(ValidationError::UnitForKind { kind: "heart-rate" }));
    check("heart-rate", "72", "bpm", Err(ValidationError::Ucum));
}
