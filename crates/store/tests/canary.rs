#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::{
    Observation, ObservationFlags, ObservationId, ObservationSource, ObservationStatus, Quantity, VitalKind,
};
use support::{Fixture, at, contains, new_patient, read_or_empty};

const CANARY: &str = "ZEBRA-CANARY-5f1e9c";

#[tokio::test]
async fn patient_data_never_reaches_the_disk_in_plaintext() {
    let fixture = Fixture::new().await;
    let patient = fixture
        .store
        .add_patient(&fixture.admin, new_patient(&format!("Bibi {CANARY}"), "35202-1234567-8", "0300-1234567"), at(10))
        .await
        .unwrap();
    let observation = Observation {
        id: ObservationId::new(at(11)),
        patient: patient.id,
        encounter: None,
        code: VitalKind::BodyTemperature.loinc(),
        unit: VitalKind::BodyTemperature.default_unit(),
        value: Quantity::parse("37.25").unwrap(),
        effective_at: at(11),
        status: ObservationStatus::Final,
        flags: ObservationFlags::default(),
        source: ObservationSource::Manual { entered_by: fixture.admin.user() },
    };
    fixture.store.add_observation(&fixture.admin, observation, at(11)).await.unwrap();
    let needles: [&[u8]; 4] = [CANARY.as_bytes(), b"35202-1234567-8", b"03001234567", b"patients"];

    let files = fixture.store.paths().all_files();
    let scan = |when: &str| {
        for file in &files {
            let bytes = read_or_empty(file);
            for needle in needles {
                assert!(
                    !contains(&bytes, needle),
                    "{when}: {} contains {:?}",
                    file.display(),
                    String::from_utf8_lossy(needle)
                );
            }
        }
    };
    assert!(!read_or_empty(&files[1]).is_empty(), "the write is in the WAL while open");
    scan("while open");
    let (_dir, _keys, _data) = fixture.close().await;
    scan("after close");
}
