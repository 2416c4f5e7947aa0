#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A consult's documents: the doctor's notes and prescriptions filed by the kiosk, photos kept with their
//! bytes; a repeated push is filed once, nothing is filed under another patient's encounter, and everything
//! survives a restart.
mod support;

use eclinic_domain::{
    Clinician, ConsentGiver, EncounterId, NoteId, OptionalText, Photo, PhotoId, PmdcNumber, Prescriber, Prescription,
    PrescriptionId, PrescriptionItem, RequiredText, Role, Route, SoapNote,
};
use eclinic_store::{Filed, NewEncounter, StoreError};
use support::{Fixture, at, new_patient, new_user};

fn text(s: &str) -> RequiredText {
    RequiredText::parse("field", s, 200).unwrap()
}

fn section(s: &str) -> OptionalText {
    OptionalText::parse("section", Some(s), SoapNote::SECTION_MAX).unwrap()
}

#[tokio::test]
async fn notes_prescriptions_and_photos_are_filed_once_under_their_encounter() {
    let f = Fixture::new().await;
    f.store.add_user(&f.admin, new_user("nurse", Role::HealthWorker, "4821"), at(2)).await.unwrap();
    let nurse = f.store.sign_in("nurse", "4821", at(3)).await.unwrap();
    let amina =
        f.store.add_patient(&nurse, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(4)).await.unwrap();
    let bilal =
        f.store.add_patient(&nurse, new_patient("Bilal", "35202-7654321-9", "0300-7654321"), at(4)).await.unwrap();
    let visit_of = |patient| NewEncounter {
        patient,
        reason: text("rash on the forearm"),
        consent_given_by: ConsentGiver::Patient,
        consent_language: text("ur"),
    };
    let encounter = f.store.start_encounter(&nurse, visit_of(amina.id), at(10)).await.unwrap();
    let doctor = || Clinician { name: text("Dr Saima Rauf"), pmdc: Some(PmdcNumber::parse("54321-P").unwrap()) };

    let note = SoapNote {
        id: NoteId::new(at(20)),
        encounter: encounter.id,
        patient: amina.id,
        author: doctor(),
        written_at: at(20),
        subjective: section("itching for a week"),
        objective: section("raised red ring, 3 cm"),
        assessment: section("tinea corporis"),
        plan: OptionalText::default(),
    };
    let prescription = Prescription {
        id: PrescriptionId::new(at(21)),
        encounter: encounter.id,
        patient: amina.id,
        prescriber: Prescriber { name: text("Dr Saima Rauf"), pmdc: PmdcNumber::parse("54321-P").unwrap() },
        issued_at: at(21),
        items: vec![PrescriptionItem {
            drug: text("Clotrimazole 1% cream"),
            dose: text("a thin layer"),
            route: Route::Topical,
            frequency: text("twice a day"),
            duration: text("2 weeks"),
            instructions: OptionalText::parse("instructions", Some("کھجلی ہو تو بھی لگائیں"), 500).unwrap(),
        }],
    };
    let photo = Photo {
        id: PhotoId::new(at(15)),
        encounter: encounter.id,
        patient: amina.id,
        taken_by: nurse.user(),
        taken_at: at(15),
        width: 1280,
        height: 720,
    };
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];

    assert_eq!(f.store.file_note(&nurse, &note, at(22)).await.unwrap(), Filed::New);
    assert_eq!(f.store.file_note(&nurse, &note, at(23)).await.unwrap(), Filed::AlreadyFiled);
    assert_eq!(f.store.file_prescription(&nurse, &prescription, at(22)).await.unwrap(), Filed::New);
    assert_eq!(f.store.file_prescription(&nurse, &prescription, at(23)).await.unwrap(), Filed::AlreadyFiled);
    f.store.add_photo(&nurse, &photo, &jpeg, at(16)).await.unwrap();

    let elsewhere = SoapNote { id: NoteId::new(at(30)), patient: bilal.id, ..note.clone() };
    let unknown = SoapNote { id: NoteId::new(at(31)), encounter: EncounterId::new(at(31)), ..note.clone() };
    for wrong in [elsewhere, unknown] {
        let err = f.store.file_note(&nurse, &wrong, at(32)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { what: "encounter" }), "{err:?}");
    }
    // The same id pushed for another visit is not taken for a repeat: nothing of it is in that visit.
    let bilals_visit = NewEncounter { patient: bilal.id, reason: text("cough"), ..visit_of(amina.id) };
    let bilals = f.store.start_encounter(&nurse, bilals_visit, at(32)).await.unwrap();
    let reused = SoapNote { encounter: bilals.id, patient: bilal.id, ..note.clone() };
    assert_eq!(f.store.file_note(&nurse, &reused, at(32)).await.unwrap_err().code(), "id_taken");
    let reused = Prescription { encounter: bilals.id, patient: bilal.id, ..prescription.clone() };
    assert_eq!(f.store.file_prescription(&nurse, &reused, at(32)).await.unwrap_err().code(), "id_taken");
    let empty = SoapNote {
        id: NoteId::new(at(33)),
        subjective: OptionalText::default(),
        objective: OptionalText::default(),
        assessment: OptionalText::default(),
        ..note.clone()
    };
    assert_eq!(f.store.file_note(&nurse, &empty, at(33)).await.unwrap_err().code(), "invalid_input");
    assert_eq!(f.store.file_note(&f.admin, &note, at(33)).await.unwrap_err().code(), "forbidden");
    let no_picture = Photo { id: PhotoId::new(at(34)), ..photo.clone() };
    assert_eq!(f.store.add_photo(&nurse, &no_picture, &[], at(34)).await.unwrap_err().code(), "invalid_input");

    let f = f.reopened().await;
    let nurse = f.store.sign_in("nurse", "4821", at(40)).await.unwrap();
    let filed = f.store.encounter_documents(&nurse, encounter.id, at(41)).await.unwrap();
    assert_eq!(filed.notes, vec![note]);
    assert_eq!(filed.prescriptions, vec![prescription]);
    assert_eq!(filed.photos, vec![photo.clone()]);
    assert_eq!(f.store.photo_jpeg(&nurse, photo.id, at(42)).await.unwrap(), jpeg);
    let admin = f.store.sign_in("admin", support::ADMIN_PASSWORD, at(43)).await.unwrap();
    let actions: Vec<String> = f.store.audit_tail(&admin, 50).await.unwrap().into_iter().map(|e| e.action).collect();
    for action in ["note.file", "prescription.file", "photo.create", "documents.read", "photo.read"] {
        assert_eq!(actions.iter().filter(|a| *a == action).count(), 1, "{action} once in {actions:?}");
    }
    f.store.close().await.unwrap();
}
