#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_domain::{CredentialKind, PmdcNumber, Username, ValidationError};

#[test]
fn new_secrets_follow_the_rules_of_their_kind() {
    let check = |kind: CredentialKind, secret: &str, ok: bool| {
        assert_eq!(kind.check_new_secret(secret).is_ok(), ok, "{kind:?} {secret:?}");
    };
    check(CredentialKind::Pin, "4821", true);
    check(CredentialKind::Pin, "48213377", true);
    check(CredentialKind::Pin, "482", false);
    check(CredentialKind::Pin, "482133771", false);
    check(CredentialKind::Pin, "0000", false);
    check(CredentialKind::Pin, "48a1", false);
    check(CredentialKind::Password, "correct horse", true);
    check(CredentialKind::Password, "short", false);
}

#[test]
fn usernames_and_pmdc_numbers() {
    let user = |s: &str| Username::parse(s).map(|u| u.as_str().to_owned());
    assert_eq!(user("nurse.amina"), Ok("nurse.amina".into()));
    assert_eq!(user("Amina"), Err(ValidationError::Username));
    assert_eq!(user("ab"), Err(ValidationError::Username));
    assert_eq!(user("a b c"), Err(ValidationError::Username));
    let pmdc = |s: &str| PmdcNumber::parse(s).map(|p| p.as_str().to_owned());
    assert_eq!(pmdc("12345-p"), Ok("12345-P".into()));
    assert_eq!(pmdc("ABC-D"), Err(ValidationError::Pmdc));
    assert_eq!(pmdc("-123"), Err(ValidationError::Pmdc));
    assert_eq!(pmdc("12"), Err(ValidationError::Pmdc));
}
