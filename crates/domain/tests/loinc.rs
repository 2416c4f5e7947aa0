#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_domain::{LoincCode, ValidationError, VitalKind};

fn check(input: &str, expect: Result<&str, ValidationError>) {
    let got = LoincCode::parse(input);
    assert_eq!(got.as_ref().map(LoincCode::as_str).map_err(Clone::clone), expect, "input {input:?}");
}

#[test]
fn check_digit_is_verified() {
    check("8867-4", Ok("8867-4"));
    check("29463-7", Ok("29463-7"));
    check("85354-9", Ok("85354-9"));
    check("59408-5", Ok("59408-5"));
    check("8867-5", Err(ValidationError::Loinc));
    check("8867", Err(ValidationError::Loinc));
    check("-4", Err(ValidationError::Loinc));
    check("88a7-4", Err(ValidationError::Loinc));
    check("8867-44", Err(ValidationError::Loinc));
    check("12345678-9", Err(ValidationError::Loinc));
}

#[test]
fn every_kind_has_a_spec() {
    for kind in VitalKind::ALL {
        let code = kind.loinc();
        assert_eq!(VitalKind::from_loinc(&code), Some(kind));
        assert_eq!(VitalKind::from_name(kind.name()), Ok(kind));
        assert_eq!(kind.check_unit(&kind.default_unit()), Ok(()));
    }
}
