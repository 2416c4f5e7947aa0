#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::{ConsentGiver, PatientId, RequiredText, Role};
use eclinic_store::{AuditReport, NewEncounter, StoreError};
use support::{Fixture, at, new_patient, new_user};

fn text(s: &str) -> RequiredText {
    RequiredText::parse("field", s, 200).unwrap()
}

fn visit(patient: PatientId, given_by: ConsentGiver) -> NewEncounter {
    NewEncounter {
        patient,
        reason: text("fever for three days"),
        consent_given_by: given_by,
        consent_language: text("ur"),
    }
}

#[tokio::test]
async fn a_consult_is_stored_with_its_consent_and_survives_a_restart() {
    let f = Fixture::new().await;
    f.store.add_user(&f.admin, new_user("nurse", Role::HealthWorker, "4821"), at(2)).await.unwrap();
    let nurse = f.store.sign_in("nurse", "4821", at(3)).await.unwrap();
    let p = f.store.add_patient(&nurse, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(4)).await.unwrap();
    let guardian = ConsentGiver::Guardian { name: text("Bashir Ahmed") };
    let first = f.store.start_encounter(&nurse, visit(p.id, ConsentGiver::Patient), at(10)).await.unwrap();
    let second = f.store.start_encounter(&nurse, visit(p.id, guardian.clone()), at(20)).await.unwrap();
    assert_eq!(second.consent.recorded_by, nurse.user());
    assert_eq!(second.consent.recorded_at, at(20));
    assert_eq!(second.kiosk, f.store.device_id());

    let f = f.reopened().await;
    let nurse = f.store.sign_in("nurse", "4821", at(30)).await.unwrap();
    let stored = f.store.encounters_for(&nurse, p.id, at(31)).await.unwrap();
    assert_eq!(stored, vec![second.clone(), first], "newest first, exactly as started");
    assert_eq!(stored[0].consent.given_by, guardian);

    let admin = f.store.sign_in("admin", support::ADMIN_PASSWORD, at(40)).await.unwrap();
    let trail = f.store.audit_tail(&admin, 50).await.unwrap();
    let actions: Vec<String> = trail.into_iter().map(|e| e.action).collect();
    assert!(actions.iter().any(|a| a == "consent.record"), "consent is in the audit log: {actions:?}");
    assert!(matches!(f.store.verify_audit(&admin).await.unwrap(), AuditReport::Intact { .. }));
    f.store.close().await.unwrap();
}

#[tokio::test]
async fn only_a_health_worker_starts_a_consult_and_only_for_a_known_patient() {
    let f = Fixture::new().await;
    f.store.add_user(&f.admin, new_user("doc", Role::Doctor, "doctor password 1"), at(2)).await.unwrap();
    f.store.add_user(&f.admin, new_user("nurse", Role::HealthWorker, "4821"), at(2)).await.unwrap();
    let doctor = f.store.sign_in("doc", "doctor password 1", at(3)).await.unwrap();
    let nurse = f.store.sign_in("nurse", "4821", at(3)).await.unwrap();
    let p = f.store.add_patient(&nurse, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(4)).await.unwrap();
    let cases =
        [(&doctor, p.id, "forbidden"), (&f.admin, p.id, "forbidden"), (&nurse, PatientId::new(at(5)), "not_found")];
    for (session, patient, code) in cases {
        let err: StoreError =
            f.store.start_encounter(session, visit(patient, ConsentGiver::Patient), at(6)).await.unwrap_err();
        assert_eq!(err.code(), code);
    }
    assert!(f.store.encounters_for(&nurse, p.id, at(7)).await.unwrap().is_empty(), "nothing half-written");
    f.store.close().await.unwrap();
}
