#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_domain::{Quantity, ValidationError};

fn check(input: &str, expect: Result<(&str, u32), ValidationError>) {
    let got = Quantity::parse(input).map(|q| (q.to_string(), q.scale()));
    assert_eq!(got.as_ref().map(|(s, scale)| (s.as_str(), *scale)).map_err(Clone::clone), expect, "input {input:?}");
}

#[test]
fn precision_is_kept_as_written() {
    check("2", Ok(("2", 0)));
    check("2.0", Ok(("2.0", 1)));
    check("36.60", Ok(("36.60", 2)));
    check("-0.5", Ok(("-0.5", 1)));
    check(" 98.6 ", Ok(("98.6", 1)));
    check("", Err(ValidationError::Decimal));
    check("1e3", Err(ValidationError::Decimal));
    check("+5", Err(ValidationError::Decimal));
    check("1_000", Err(ValidationError::Decimal));
    check("abc", Err(ValidationError::Decimal));
    check("NaN", Err(ValidationError::Decimal));
}

#[test]
fn equal_only_with_equal_precision() {
    let q = |s| Quantity::parse(s).expect("test literal is a decimal");
    assert_ne!(q("2.0"), q("2"));
    assert_eq!(q("2.0"), q("2.0"));
    assert_ne!(q("36.6"), q("36.60"));
}

#[test]
fn from_mantissa_and_exponent_keeps_the_device_precision() {
    let check = |m: i64, e: i32, expect: Result<&str, ValidationError>| {
        let got = Quantity::from_mantissa_exponent(m, e).map(|q| q.to_string());
        assert_eq!(got.as_deref().map_err(Clone::clone), expect, "{m}e{e}");
    };
    check(20, -1, Ok("2.0"));
    check(200, -2, Ok("2.00"));
    check(-5, 0, Ok("-5"));
    check(12, 2, Ok("1200"));
    check(1, -28, Ok("0.0000000000000000000000000001"));
    check(1, -29, Err(ValidationError::Decimal));
    check(i64::MAX, 1, Err(ValidationError::Decimal));
    check(1, 127, Err(ValidationError::Decimal));
}

#[test]
fn shifting_the_decimal_point_keeps_significant_digits() {
    let check = |raw: &str, places: i32, expect: &str| {
        let got = Quantity::parse(raw).and_then(|q| q.shift_decimal_point(places)).map(|q| q.to_string());
        assert_eq!(got.as_deref(), Ok(expect), "{raw} shifted {places}");
    };
    check("0.00110", 5, "110");
    check("0.0061", 3, "6.1");
    check("1.750", 2, "175.0");
    check("2", 2, "200");
    check("120", -2, "1.20");
}
