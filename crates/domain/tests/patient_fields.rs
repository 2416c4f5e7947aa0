#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_domain::{Birth, PhoneNumber, ValidationError};
use time::macros::date;

#[test]
fn phone_numbers_are_normalised() {
    let check = |input: &str, expect: Result<&str, ValidationError>| {
        let got = PhoneNumber::parse(input);
        assert_eq!(got.as_ref().map(PhoneNumber::as_str).map_err(Clone::clone), expect, "{input:?}");
    };
    check("0300-1234567", Ok("03001234567"));
    check("+92 300 1234567", Ok("+923001234567"));
    check("12345", Err(ValidationError::Phone));
    check("0300-CALL-ME", Err(ValidationError::Phone));
    check("++923001234567", Err(ValidationError::Phone));
}

#[test]
fn birth_by_date_or_stated_age() {
    let today = date!(2026 - 11 - 23);
    assert_eq!(Birth::date(date!(1990 - 11 - 24), today).map(|b| b.age_on(today)), Ok(35));
    assert_eq!(Birth::date(date!(1990 - 11 - 23), today).map(|b| b.age_on(today)), Ok(36));
    assert_eq!(Birth::date(date!(2027 - 01 - 01), today), Err(ValidationError::BirthInFuture));
    assert_eq!(Birth::stated_age(40, today).map(|b| b.age_on(date!(2028 - 11 - 23))), Ok(42));
    assert_eq!(Birth::stated_age(40, today).map(|b| b.age_on(date!(2028 - 11 - 22))), Ok(41));
    assert_eq!(Birth::stated_age(131, today), Err(ValidationError::Age));
}
