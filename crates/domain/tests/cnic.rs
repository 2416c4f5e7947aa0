#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_domain::{Cnic, Sex, ValidationError};

fn check(input: &str, expect: Result<&str, ValidationError>) {
    let got = Cnic::parse(input).map(|c| c.to_string());
    assert_eq!(got.as_deref().map_err(Clone::clone), expect, "input {input:?}");
}

#[test]
fn cnic_formats() {
    check("35202-1234567-1", Ok("35202-1234567-1"));
    check("3520212345671", Ok("35202-1234567-1"));
    check("  61101-7654321-8 ", Ok("61101-7654321-8"));
    check("35202-1234567-", Err(ValidationError::CnicFormat));
    check("352021234567", Err(ValidationError::CnicFormat));
    check("35202-12345671", Err(ValidationError::CnicFormat));
    check("3520-21234567-1", Err(ValidationError::CnicFormat));
    check("35202-123456a-1", Err(ValidationError::CnicFormat));
    check("35202 1234567 1", Err(ValidationError::CnicFormat));
    check("٣٥٢٠٢-١٢٣٤٥٦٧-١", Err(ValidationError::CnicFormat));
    check("", Err(ValidationError::CnicFormat));
    check("05202-1234567-1", Err(ValidationError::CnicProvince));
    check("85202-1234567-1", Err(ValidationError::CnicProvince));
}

#[test]
fn last_digit_parity_gives_registered_sex() {
    for (input, sex) in
        [("35202-1234567-1", Sex::Male), ("35202-1234567-8", Sex::Female), ("35202-1234567-0", Sex::Female)]
    {
        assert_eq!(Cnic::parse(input).map(|c| c.registered_sex()), Ok(sex), "{input}");
    }
}
