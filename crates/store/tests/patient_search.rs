#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_store::PatientQuery;
use support::{Fixture, at, new_patient};

async fn check(fixture: &Fixture, query: &str, expect: &[&str]) {
    let found = fixture.store.search_patients(&fixture.admin, &PatientQuery::parse(query), 10, at(100)).await.unwrap();
    let mut names: Vec<String> = found.iter().map(|p| p.name.to_string()).collect();
    names.sort();
    assert_eq!(names, expect, "query {query:?}");
}

#[tokio::test]
async fn by_name_cnic_or_phone() {
    let f = Fixture::new().await;
    for (i, (name, cnic, phone)) in [
        ("Amina Bibi", "35202-1234567-8", "0300-1234567"),
        ("Bilal Ahmed", "42101-7654321-3", "0321-5550001"),
        ("Aminullah", "61101-1111111-1", "0345-9990002"),
        ("Zainab 100% well_", "35202-2222222-2", "0300-0000003"),
    ]
    .into_iter()
    .enumerate()
    {
        f.store.add_patient(&f.admin, new_patient(name, cnic, phone), at(i as i64)).await.unwrap();
    }
    check(&f, "amin", &["Amina Bibi", "Aminullah"]).await;
    check(&f, "AHMED", &["Bilal Ahmed"]).await;
    check(&f, "42101-7654321-3", &["Bilal Ahmed"]).await;
    check(&f, "4210176543213", &["Bilal Ahmed"]).await;
    check(&f, "0300 1234567", &["Amina Bibi"]).await;
    check(&f, "9990002", &["Aminullah"]).await;
    check(&f, "100%", &["Zainab 100% well_"]).await;
    check(&f, "_", &["Zainab 100% well_"]).await;
    check(&f, "nobody", &[]).await;
    f.close().await;
}

#[tokio::test]
async fn every_patient_returned_is_an_audited_read() {
    let f = Fixture::new().await;
    for i in 0..3 {
        f.store
            .add_patient(&f.admin, new_patient(&format!("P{i}"), "35202-1234567-8", "0300-1234567"), at(i))
            .await
            .unwrap();
    }
    f.store.search_patients(&f.admin, &PatientQuery::parse("35202-1234567-8"), 10, at(50)).await.unwrap();
    let tail = f.store.audit_tail(&f.admin, 3).await.unwrap();
    assert!(tail.iter().all(|e| e.action == "patient.read" && e.record.is_some()), "{tail:?}");
    f.close().await;
}
