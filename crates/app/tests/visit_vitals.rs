#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_app::forms::{PatientForm, VisitForm, VitalEntry};
use eclinic_app::views::{PatientView, Registration};
use eclinic_app::{DEVICES_FILE, DeviceUpdate};
use std::sync::mpsc;
use std::time::{Duration, Instant};

async fn registered(k: &support::Kiosk) -> PatientView {
    let form =
        PatientForm { name: "Sana Parveen".into(), sex: "female".into(), age: Some(24), ..PatientForm::default() };
    match k.clinic.register_patient(&form, false).await.unwrap() {
        Registration::Registered { patient } => patient,
        other => panic!("{other:?}"),
    }
}

fn visit(patient: &PatientView, guardian: Option<&str>) -> VisitForm {
    VisitForm {
        patient_id: patient.id.clone(),
        reason: "cough and fever".into(),
        guardian: guardian.map(Into::into),
        consent_language: "ur".into(),
    }
}

fn vital(kind: &str, value: &str) -> VitalEntry {
    VitalEntry { kind: kind.into(), value: value.into(), unit: None }
}

#[tokio::test]
async fn typed_vitals_go_to_the_open_visit_with_plausibility_flags() {
    let k = support::kiosk().await;
    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    let patient = registered(&k).await;
    assert_eq!(k.clinic.record_vital(&vital("spo2", "97")).await.unwrap_err().code(), "no_visit");
    let v = k.clinic.start_visit(&visit(&patient, Some("Bashir Ahmed"))).await.unwrap();
    assert_eq!(v.consent_by, "Bashir Ahmed");
    let cases =
        [("spo2", "97", "%", false), ("temperature", "38.40", "Cel", false), ("heart-rate", "400", "/min", true)];
    for (kind, value, unit, implausible) in cases {
        let saved = k.clinic.record_vital(&vital(kind, value)).await.unwrap();
        assert_eq!((saved.value.as_str(), saved.unit.as_str()), (value, unit));
        assert_eq!(saved.flags.contains(&"implausible".to_owned()), implausible, "{kind} {value}");
        assert_eq!(saved.encounter.as_deref(), Some(v.id.as_str()));
    }
    for (kind, value, code) in [("pulse", "80", "invalid_input"), ("spo2", "ninety", "invalid_input")] {
        assert_eq!(k.clinic.record_vital(&vital(kind, value)).await.unwrap_err().code(), code);
    }
    assert_eq!(k.clinic.patient_vitals(&patient.id).await.unwrap().len(), cases.len());
    k.clinic.close().await.unwrap();
}

#[tokio::test]
async fn a_doctor_cannot_start_a_visit_at_the_kiosk() {
    let k = support::kiosk().await;
    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    let patient = registered(&k).await;
    k.clinic.sign_in("doc", "doctor password 1").await.unwrap();
    assert_eq!(k.clinic.start_visit(&visit(&patient, None)).await.unwrap_err().code(), "forbidden");
    let blank = VisitForm { reason: " ".into(), ..visit(&patient, None) };
    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    assert_eq!(k.clinic.start_visit(&blank).await.unwrap_err().code(), "invalid_input");
    k.clinic.close().await.unwrap();
}

#[tokio::test]
async fn simulated_cuff_and_oximeter_fill_the_vitals_panel_and_are_saved_with_their_device() {
    let k = support::kiosk().await;
    std::fs::write(k.dir.path().join(DEVICES_FILE), "bp\tsimulated:cuff\ncms50dplus\tsimulated:finger\n").unwrap();
    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    let patient = registered(&k).await;
    k.clinic.start_visit(&visit(&patient, None)).await.unwrap();
    assert_eq!(k.clinic.save_device_vitals().await.unwrap_err().code(), "no_device_reading");
    let (tx, rx) = mpsc::channel();
    k.clinic.watch_devices(move |update| drop(tx.send(update))).unwrap();

    let mut seen = std::collections::BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.len() < 4 && Instant::now() < deadline {
        if let Ok(DeviceUpdate::Reading { vitals, .. }) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.extend(vitals.into_iter().filter_map(|v| v.kind));
        }
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["diastolic", "heart-rate", "spo2", "systolic"]);

    let saved = k.clinic.save_device_vitals().await.unwrap();
    let kinds: Vec<_> = saved.iter().filter_map(|o| o.kind.as_deref()).collect();
    for kind in ["systolic", "diastolic", "spo2", "heart-rate"] {
        assert!(kinds.contains(&kind), "{kind} saved: {kinds:?}");
    }
    assert!(saved.iter().all(|o| o.device.is_some() && o.flags.is_empty()), "{saved:?}");
    let stored = k.clinic.patient_vitals(&patient.id).await.unwrap();
    assert_eq!(stored.len(), saved.len(), "each reading saved once");

    k.clinic.end_visit();
    while rx.try_recv().is_ok() {}
    std::thread::sleep(Duration::from_millis(600));
    assert!(rx.try_recv().is_err(), "the feed stops with the visit");
    k.clinic.close().await.unwrap();
}
