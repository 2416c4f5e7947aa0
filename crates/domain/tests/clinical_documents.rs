#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_domain::{
    Clinician, Consent, ConsentGiver, DeviceId, Encounter, EncounterId, NoteId, OptionalText, PatientId, PmdcNumber,
    Prescriber, Prescription, PrescriptionId, PrescriptionItem, RequiredText, Route, SoapNote, Timestamp, UserId,
    ValidationError,
};

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_ms(1_795_392_000_000 + ms)
}

fn text(s: &str) -> RequiredText {
    RequiredText::parse("field", s, 200).unwrap()
}

#[test]
fn an_encounter_cannot_end_before_it_starts() {
    let mut encounter = Encounter {
        id: EncounterId::new(at(0)),
        patient: PatientId::new(at(0)),
        kiosk: DeviceId::new(at(0)),
        health_worker: UserId::new(at(0)),
        doctor: None,
        reason: text("fever for three days"),
        started_at: at(1_000),
        ended_at: None,
        consent: Consent {
            given_by: ConsentGiver::Guardian { name: text("Bashir Ahmed") },
            recorded_by: UserId::new(at(0)),
            recorded_at: at(900),
            language: text("ur"),
        },
    };
    assert_eq!(encounter.end(at(999)), Err(ValidationError::EndsBeforeStart { field: "encounter" }));
    assert_eq!(encounter.ended_at, None);
    assert_eq!(encounter.end(at(5_000)), Ok(()));
    assert_eq!(encounter.ended_at, Some(at(5_000)));
}

#[test]
fn a_soap_note_needs_a_section() {
    let section = |s: Option<&str>| OptionalText::parse("section", s, SoapNote::SECTION_MAX).unwrap();
    let note = |plan: Option<&str>| SoapNote {
        id: NoteId::new(at(0)),
        encounter: EncounterId::new(at(0)),
        patient: PatientId::new(at(0)),
        author: Clinician { name: text("Dr Saima Rauf"), pmdc: None },
        written_at: at(0),
        subjective: section(Some("  ")),
        objective: section(None),
        assessment: section(None),
        plan: section(plan),
    };
    assert_eq!(note(None).validate(), Err(ValidationError::EmptyNote));
    assert_eq!(note(Some("ORS, review in 2 days")).validate(), Ok(()));
}

#[test]
fn a_prescription_needs_an_item_and_routes_round_trip() {
    let item = PrescriptionItem {
        drug: text("Paracetamol"),
        dose: text("500 mg"),
        route: Route::Oral,
        frequency: text("three times a day"),
        duration: text("3 days"),
        instructions: OptionalText::parse("instructions", Some("after meals"), 500).unwrap(),
    };
    let mut prescription = Prescription {
        id: PrescriptionId::new(at(0)),
        encounter: EncounterId::new(at(0)),
        patient: PatientId::new(at(0)),
        prescriber: Prescriber { name: text("Dr Saima Rauf"), pmdc: PmdcNumber::parse("54321-P").unwrap() },
        issued_at: at(0),
        items: vec![],
    };
    assert_eq!(prescription.validate(), Err(ValidationError::EmptyPrescription));
    prescription.items.push(item);
    assert_eq!(prescription.validate(), Ok(()));
    prescription.items = vec![prescription.items[0].clone(); Prescription::ITEMS_MAX + 1];
    assert_eq!(
        prescription.validate(),
        Err(ValidationError::TooLong { field: "prescription", max: Prescription::ITEMS_MAX })
    );
    for route in Route::ALL {
        assert_eq!(Route::from_code(route.code()), Ok(route));
    }
    assert_eq!(Route::from_code("by mouth"), Err(ValidationError::UnknownVariant { field: "route" }));
}

#[test]
fn ids_are_uuid_v7_ordered_by_time() {
    let earlier = PatientId::new(at(0));
    let later = PatientId::new(at(10));
    assert_eq!(earlier.as_uuid().get_version_num(), 7);
    assert!(earlier < later);
    assert_eq!(earlier.to_string().parse::<PatientId>().unwrap(), earlier);
}
