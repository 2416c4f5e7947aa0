#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::RequiredText;
use eclinic_store::Store;
use support::{Fixture, at, new_patient};

#[tokio::test]
async fn every_change_appends_a_revision_with_the_full_content() {
    let f = Fixture::new().await;
    let mut patient =
        f.store.add_patient(&f.admin, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(10)).await.unwrap();
    for (i, name) in ["Amina Bibi", "Amina Bibi Khan"].into_iter().enumerate() {
        patient.name = RequiredText::parse("name", name, 120).unwrap();
        f.store.update_patient(&f.admin, &patient, at(20 + i as i64)).await.unwrap();
    }
    let history = f.store.history(&f.admin, &patient.id.to_string(), at(30)).await.unwrap();
    let revisions: Vec<i64> = history.iter().map(|r| r.revision).collect();
    assert_eq!(revisions, [1, 2, 3]);
    for (revision, name) in history.iter().zip(["Amina", "Amina Bibi", "Amina Bibi Khan"]) {
        let content: serde_json::Value = serde_json::from_str(&revision.content).unwrap();
        assert_eq!(content["name"], name);
        assert_eq!(content["cnic"], "35202-1234567-8", "full content, not a diff");
        assert_eq!(revision.user.as_deref(), Some(f.admin.user().to_string().as_str()));
        assert_eq!(revision.device, f.store.device_id().to_string());
    }
    assert!(history.windows(2).all(|w| w[0].hlc < w[1].hlc), "HLC strictly increases");
    f.close().await;
}

#[tokio::test]
async fn the_clock_resumes_after_reopen_even_if_the_wall_clock_went_back() {
    let f = Fixture::new().await;
    let admin = f.admin.clone();
    let mut patient = f
        .store
        .add_patient(&f.admin, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(1_000))
        .await
        .unwrap();
    let (_dir, keys, data) = f.close().await;
    let store = Store::open(&data, keys).await.unwrap();
    patient.name = RequiredText::parse("name", "Amina B", 120).unwrap();
    store.update_patient(&admin, &patient, at(5)).await.unwrap();
    let history = store.history(&admin, &patient.id.to_string(), at(6)).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].hlc < history[1].hlc, "{:?}", history.iter().map(|r| r.hlc).collect::<Vec<_>>());
    store.close().await.unwrap();
}

#[tokio::test]
async fn updating_an_unknown_patient_is_not_found() {
    let f = Fixture::new().await;
    let mut patient =
        f.store.add_patient(&f.admin, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(10)).await.unwrap();
    patient.id = eclinic_domain::PatientId::new(at(11));
    let err = f.store.update_patient(&f.admin, &patient, at(12)).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    f.close().await;
}
