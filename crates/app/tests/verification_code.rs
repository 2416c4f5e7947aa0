#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The code printed on a prescription is the same for the same prescription and changes when anything it
//! says changes: the medicine, the dose, how it is taken, the doctor, the date, the visit, or whose it is.

use eclinic_app::printing::{saved_pdf_path, verification_code};
use eclinic_domain::{
    EncounterId, OptionalText, PatientId, PmdcNumber, Prescriber, Prescription, PrescriptionId, PrescriptionItem,
    RequiredText, Route, Timestamp,
};

fn text(s: &str) -> RequiredText {
    RequiredText::parse("field", s, 200).unwrap()
}

fn prescription() -> Prescription {
    let at = Timestamp::from_unix_ms(1_764_000_000_000);
    Prescription {
        id: PrescriptionId::new(at),
        encounter: EncounterId::new(at),
        patient: PatientId::new(at),
        prescriber: Prescriber { name: text("Dr Saima Rauf"), pmdc: PmdcNumber::parse("54321-P").unwrap() },
        issued_at: at,
        items: vec![PrescriptionItem {
            drug: text("Amoxicillin 500 mg"),
            dose: text("1 capsule"),
            route: Route::Oral,
            frequency: text("three times a day"),
            duration: text("5 days"),
            instructions: OptionalText::parse("instructions", Some("after meals"), 500).unwrap(),
        }],
    }
}

/// What changed, and the change.
type Change = (&'static str, fn(&mut Prescription));

#[test]
fn the_code_follows_everything_the_prescription_says() {
    let original = prescription();
    let code = verification_code(&original);
    let groups: Vec<&str> = code.split('-').collect();
    assert!(
        groups.len() == 3
            && groups
                .iter()
                .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())),
        "three groups of four upper-case hex digits: {code}"
    );
    let changes: [Change; 13] = [
        ("drug", |p| p.items[0].drug = text("Amoxicillin 250 mg")),
        ("dose", |p| p.items[0].dose = text("2 capsules")),
        ("route", |p| p.items[0].route = Route::Sublingual),
        ("frequency", |p| p.items[0].frequency = text("twice a day")),
        ("duration", |p| p.items[0].duration = text("7 days")),
        ("instructions", |p| p.items[0].instructions = OptionalText::default()),
        ("drug/dose boundary", |p| {
            p.items[0].drug = text("Amoxicillin 500 mg 1");
            p.items[0].dose = text("capsule");
        }),
        ("doctor's name", |p| p.prescriber.name = text("Dr Saima Raouf")),
        ("prescription", |p| p.id = PrescriptionId::new(Timestamp::from_unix_ms(2))),
        ("visit", |p| p.encounter = EncounterId::new(Timestamp::from_unix_ms(3))),
        ("doctor's PMDC number", |p| p.prescriber.pmdc = PmdcNumber::parse("54322-P").unwrap()),
        ("date", |p| p.issued_at = Timestamp::from_unix_ms(p.issued_at.unix_ms() + 86_400_000)),
        ("patient", |p| p.patient = PatientId::new(Timestamp::from_unix_ms(1))),
    ];
    for (what, change) in changes {
        let mut changed = original.clone();
        change(&mut changed);
        assert_ne!(verification_code(&changed), code, "a changed {what} changes the code");
    }
}

#[test]
fn saved_prescriptions_are_named_plainly_inside_the_downloads() {
    let downloads = tempfile::tempdir().unwrap();
    let path = saved_pdf_path(downloads.path(), "prescription-7F3A-91C2-0B4E").unwrap();
    assert_eq!(path, downloads.path().join("e-clinic").join("prescription-7F3A-91C2-0B4E.pdf"));
    assert!(path.parent().unwrap().is_dir());
    for bad in ["", "../escape", "a/b", "name.pdf", "x y", &"a".repeat(81)] {
        assert_eq!(saved_pdf_path(downloads.path(), bad).unwrap_err().code(), "invalid_input", "{bad:?}");
    }
}
