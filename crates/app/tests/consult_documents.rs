#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! What a consult leaves in the kiosk's record, through a real server and a real call: the doctor asks
//! for a photo and zooms the kiosk's camera, the kiosk takes one itself, both photos are kept in the visit's
//! record and arrive whole at the doctor's; the doctor's notes and prescription are filed in the kiosk's
//! store (the doctor named as the server vouched for them) and the doctor gets the kiosk's receipt; what
//! the doctor's form cannot send is refused before it goes. At the next consult the doctor gets the
//! patient's history from the kiosk's record: this visit's assessment, plan and medicines, and the vitals.

mod consult_support;
mod support;

use consult_support::{Desks, Screen, ServerProcess, desks, with_server};
use eclinic_app::consult::events::ConsultEvent;
use eclinic_app::documents::{NotesForm, PrescriptionForm, PrescriptionItemForm};
use eclinic_app::forms::{VisitForm, VitalEntry};
use eclinic_media::video::{SYNTHETIC_STILL, decode_jpeg};

fn amoxicillin() -> PrescriptionItemForm {
    PrescriptionItemForm {
        drug: "Amoxicillin 250 mg/5 ml".into(),
        dose: "5 ml".into(),
        route: "oral".into(),
        frequency: "three times a day".into(),
        duration: "5 days".into(),
        instructions: "کھانے کے بعد".into(),
    }
}

#[test]
fn photos_notes_and_a_prescription_reach_the_kiosks_record() {
    with_server(photos_notes_and_a_prescription_through, &["Kiosk Basti Malook"]);
}

async fn photos_notes_and_a_prescription_through(server: &ServerProcess, codes: Vec<(&str, String)>) {
    let desks = desks(server, &codes[0], "ear pain").await;
    let Desks { kiosk, doctor, at_kiosk, at_doctor } = &desks;
    for (kind, value) in [("temperature", "38.6"), ("heart-rate", "104")] {
        kiosk.clinic.record_vital(&VitalEntry { kind: kind.into(), value: value.into(), unit: None }).await.unwrap();
    }
    assert_eq!(kiosk.clinic.take_photo().await.unwrap_err().code(), "no_consult", "no photo without a call");
    kiosk.clinic.join_queue("routine", at_kiosk.clone()).await.unwrap();
    let consult_id = at_doctor
        .wait_for("the patient in the queue", |e| match e {
            ConsultEvent::Queue { entries } => entries.first().map(|entry| entry.consult_id.clone()),
            _ => None,
        })
        .await;
    doctor.clinic.take_patient(&consult_id).unwrap();
    at_kiosk.wait_for("the call", |e| matches!(e, ConsultEvent::Second { .. }).then_some(())).await;

    doctor.clinic.zoom_kiosk_camera(200).await.unwrap();
    assert_eq!(doctor.clinic.zoom_kiosk_camera(20).await.unwrap_err().code(), "invalid_input");
    doctor.clinic.request_photo().await.unwrap();
    kiosk.clinic.take_photo().await.unwrap();
    let kept = |screen: &Screen| screen.count(|e| matches!(e, ConsultEvent::PhotoKept { .. })) == 2;
    at_kiosk.wait_until("both photos kept at the kiosk", kept).await;
    at_doctor.wait_until("both photos at the doctor's", |screen| screen.photos.lock().unwrap().len() == 2).await;
    for jpeg in at_doctor.photos.lock().unwrap().iter() {
        let picture = decode_jpeg(jpeg, 0).unwrap();
        assert_eq!((picture.width(), picture.height()), SYNTHETIC_STILL, "a whole full-resolution JPEG");
    }
    at_doctor
        .wait_for("the doctor's progress bar at the end", |e| match e {
            ConsultEvent::PhotoProgress { outgoing: false, held, total } if held == total => Some(()),
            _ => None,
        })
        .await;

    let notes = NotesForm {
        subjective: "ear pain two days, fever".into(),
        objective: "  ".into(),
        assessment: "acute otitis media".into(),
        plan: "amoxicillin; review in 3 days".into(),
    };
    let refused = doctor.clinic.send_notes(&NotesForm::default()).await.unwrap_err();
    assert_eq!(refused.code(), "invalid_input", "an empty note is not sent");
    let bad_route =
        PrescriptionForm { items: vec![PrescriptionItemForm { route: "by mouth".into(), ..amoxicillin() }] };
    assert_eq!(doctor.clinic.send_prescription(&bad_route).await.unwrap_err().code(), "invalid_input");
    let none = PrescriptionForm { items: vec![] };
    assert_eq!(doctor.clinic.send_prescription(&none).await.unwrap_err().code(), "invalid_input");

    let note_id = doctor.clinic.send_notes(&notes).await.unwrap();
    let prescription_id =
        doctor.clinic.send_prescription(&PrescriptionForm { items: vec![amoxicillin()] }).await.unwrap();
    for id in [&note_id, &prescription_id] {
        let stored = at_doctor
            .wait_for("the kiosk's receipt", |e| match e {
                ConsultEvent::Receipt { record_id, stored } if record_id == id => Some(*stored),
                _ => None,
            })
            .await;
        assert!(stored, "the kiosk stored {id}");
    }
    let filed_note = at_kiosk
        .wait_for("the notes at the kiosk", |e| match e {
            ConsultEvent::NotesFiled { note } => Some(note.clone()),
            _ => None,
        })
        .await;
    assert_eq!((filed_note.author.as_str(), filed_note.pmdc.as_deref()), ("Dr Call", Some("12345-P")));

    kiosk.clinic.hang_up().unwrap();
    at_kiosk.outcome("the end").await;
    let record = kiosk.clinic.visit_documents().await.unwrap();
    assert_eq!(record.notes.len(), 1);
    let note = &record.notes[0];
    assert_eq!(note.id, note_id);
    assert_eq!(
        (note.subjective.as_str(), note.objective.as_str(), note.assessment.as_str(), note.plan.as_str()),
        ("ear pain two days, fever", "", "acute otitis media", "amoxicillin; review in 3 days")
    );
    assert_eq!(record.prescriptions.len(), 1);
    let prescription = &record.prescriptions[0];
    assert_eq!((prescription.id.as_str(), prescription.prescriber.as_str()), (prescription_id.as_str(), "Dr Call"));
    assert_eq!(prescription.pmdc, "12345-P");
    let item = &prescription.items[0];
    assert_eq!(
        (item.drug.as_str(), item.route.as_str(), item.instructions.as_str()),
        ("Amoxicillin 250 mg/5 ml", "oral", "کھانے کے بعد")
    );

    // The printed prescription: the enrolled kiosk's name, the patient, and a verification code that is the
    // same each time it is read from the record (and the record's own).
    let sheet = kiosk.clinic.prescription_sheet(&prescription_id).await.unwrap();
    assert_eq!(sheet.clinic.as_deref(), Some("Kiosk Basti Malook"));
    assert_eq!((sheet.patient.name.as_str(), &sheet.prescription), ("Rukhsana Bibi", prescription));
    let code = &prescription.verification_code;
    assert!(
        code.len() == 14 && code.split('-').all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit())),
        "three groups of four hex digits: {code}"
    );
    assert_eq!(kiosk.clinic.prescription_sheet("not-an-id").await.unwrap_err().code(), "not_found");
    // The visit summary: this visit's vitals (only these) and everything the doctor left.
    let summary = kiosk.clinic.visit_summary().await.unwrap();
    assert_eq!((summary.visit.reason.as_str(), summary.clinic.as_deref()), ("ear pain", Some("Kiosk Basti Malook")));
    let mut kinds: Vec<_> = summary.vitals.iter().filter_map(|v| v.kind.as_deref()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["heart-rate", "temperature"]);
    assert_eq!(summary.documents, record);

    assert_eq!(record.photos.len(), 2, "both photos kept with the visit");
    assert!(record.photos.iter().all(|p| (p.width, p.height) == SYNTHETIC_STILL), "{:?}", record.photos);
    let failures = at_kiosk.find(|e| matches!(e, ConsultEvent::Failed { .. }).then(|| format!("{e:?}")));
    assert_eq!(failures, None);

    // Three days later, the review: the doctor sees the first visit in the history.
    let first_history = at_doctor.find(|e| match e {
        ConsultEvent::History { history } => Some(history.clone()),
        _ => None,
    });
    let first_history = first_history.expect("the first consult's history arrived");
    assert_eq!((first_history.name.as_str(), first_history.age_years), ("Rukhsana Bibi", 44));
    assert!(first_history.visits.is_empty(), "no earlier visit the first time");
    let patient = kiosk.clinic.search_patients("Rukhsana").await.unwrap().remove(0);
    let review = VisitForm {
        patient_id: patient.id,
        reason: "review of ear pain".into(),
        guardian: None,
        consent_language: "ur".into(),
    };
    kiosk.clinic.start_visit(&review).await.unwrap();
    kiosk.clinic.join_queue("routine", at_kiosk.clone()).await.unwrap();
    let consult_id = at_doctor
        .wait_for("the patient back in the queue", |e| match e {
            ConsultEvent::Queue { entries } => {
                entries.iter().find(|entry| entry.label == "review of ear pain").map(|entry| entry.consult_id.clone())
            }
            _ => None,
        })
        .await;
    doctor.clinic.take_patient(&consult_id).unwrap();
    at_doctor
        .wait_until("the review's history", |screen| {
            screen.count(|e| matches!(e, ConsultEvent::History { history } if !history.visits.is_empty())) == 1
        })
        .await;
    let history = at_doctor
        .find(|e| match e {
            ConsultEvent::History { history } => Some(history.clone()),
            _ => None,
        })
        .unwrap();
    let visit = &history.visits[0];
    assert_eq!(
        (visit.reason.as_str(), visit.assessment.as_str(), visit.medicines.as_str()),
        ("ear pain", "acute otitis media", "Amoxicillin 250 mg/5 ml")
    );
    let vitals: Vec<(&str, &str)> =
        history.vitals.iter().map(|v| (v.kind.as_deref().unwrap(), v.value.as_str())).collect();
    assert_eq!(vitals, [("temperature", "38.6"), ("heart-rate", "104")]);
    kiosk.clinic.hang_up().unwrap();
    desks.close().await;
}
