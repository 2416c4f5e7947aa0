#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_app::forms::PatientForm;
use eclinic_app::views::Registration;

fn form(name: &str, sex: &str, age: u32, cnic: Option<&str>, phone: Option<&str>) -> PatientForm {
    PatientForm {
        name: name.into(),
        sex: sex.into(),
        age: Some(age),
        cnic: cnic.map(Into::into),
        phone: phone.map(Into::into),
        village: Some("Chak 45/12-L".into()),
        ..PatientForm::default()
    }
}

/// Registers `candidate` next to Rukhsana Bibi (female, 45, CNIC 35202-4839201-6, 0300-4412345) and
/// returns whether it was flagged as a possible duplicate of her.
async fn check(candidate: PatientForm, expect_duplicate: bool) {
    let k = support::kiosk().await;
    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    let first = form("Rukhsana Bibi", "female", 45, Some("35202-4839201-6"), Some("0300-4412345"));
    let Registration::Registered { patient: existing } = k.clinic.register_patient(&first, false).await.unwrap() else {
        panic!("the first patient has nobody to be a duplicate of");
    };
    let outcome = k.clinic.register_patient(&candidate, false).await.unwrap();
    match (&outcome, expect_duplicate) {
        (Registration::PossibleDuplicates { candidates }, true) => assert_eq!(candidates, &[existing]),
        (Registration::Registered { .. }, false) => {}
        _ => panic!("{} {}: expected duplicate={expect_duplicate}, got {outcome:?}", candidate.name, candidate.sex),
    }
    k.clinic.close().await.unwrap();
}

#[tokio::test]
async fn likely_duplicates_are_shown_before_registering() {
    let cases = [
        // The same CNIC is the same person, whatever the name.
        (form("R. Bibi", "female", 30, Some("35202-4839201-6"), None), true),
        // A different CNIC is a different person, even with the same name.
        (form("Rukhsana Bibi", "female", 45, Some("35202-4839201-7"), None), false),
        // A shorter form of the name, same sex, age within two years.
        (form("Rukhsana", "female", 47, None, None), true),
        (form("rukhsana bibi", "female", 44, None, None), true),
        // Same name, but twenty years apart or another sex: mother and daughter, or a namesake.
        (form("Rukhsana Bibi", "female", 25, None, None), false),
        (form("Rukhsana", "male", 45, None, None), false),
        // The family phone with a similar name is the same person even with a wrong age.
        (form("Rukhsana", "female", 60, None, Some("0300 4412345")), true),
        // The family phone alone is not: her husband.
        (form("Muhammad Aslam", "male", 50, None, Some("0300-4412345")), false),
    ];
    for (candidate, expect) in cases {
        check(candidate, expect).await;
    }
}

#[tokio::test]
async fn a_flagged_patient_can_still_be_registered_and_is_then_found() {
    let k = support::kiosk().await;
    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    let rukhsana = form("Rukhsana Bibi", "female", 45, None, Some("0300-4412345"));
    k.clinic.register_patient(&rukhsana, false).await.unwrap();
    let namesake = form("Rukhsana Bibi", "female", 46, None, None);
    assert!(matches!(
        k.clinic.register_patient(&namesake, false).await.unwrap(),
        Registration::PossibleDuplicates { .. }
    ));
    assert!(matches!(k.clinic.register_patient(&namesake, true).await.unwrap(), Registration::Registered { .. }));
    for query in ["rukhsana", "0300-4412345", "4412345"] {
        assert!(!k.clinic.search_patients(query).await.unwrap().is_empty(), "{query}");
    }
    assert_eq!(k.clinic.search_patients("Bibi").await.unwrap().len(), 2);
    k.clinic.close().await.unwrap();
}

#[tokio::test]
async fn bad_forms_are_refused_with_a_code_and_no_patient_data() {
    let k = support::kiosk().await;
    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    let both =
        PatientForm { date_of_birth: Some("1981-03-14".into()), ..form("Sana Parveen", "female", 24, None, None) };
    let neither = PatientForm { age: None, ..form("Sana Parveen", "female", 24, None, None) };
    let cases = [
        (form("Sana Parveen", "female", 24, Some("35202-48392016"), None), "invalid_input", "CNIC"),
        (form("Sana Parveen", "female", 24, None, Some("03")), "invalid_input", "phone"),
        (form("   ", "female", 24, None, None), "invalid_input", "name"),
        (form("Sana Parveen", "woman", 24, None, None), "invalid_input", "sex"),
        (both, "invalid_input", "date of birth or an age"),
        (neither, "invalid_input", "date of birth or an age"),
    ];
    for (bad, code, names) in cases {
        let error = eclinic_app::ApiError::from(k.clinic.register_patient(&bad, false).await.unwrap_err());
        assert_eq!(error.code, code, "{bad:?}");
        assert!(error.message.contains(names), "{error:?}");
        assert!(!error.message.contains("Sana") && !error.message.contains("35202"), "no PHI: {error:?}");
    }
    assert!(k.clinic.search_patients("Sana").await.unwrap().is_empty(), "nothing written");
    k.clinic.sign_out();
    let error = k.clinic.search_patients("Sana").await.unwrap_err();
    assert_eq!(error.code(), "signed_out");
    k.clinic.close().await.unwrap();
}
