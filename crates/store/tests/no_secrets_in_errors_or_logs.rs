#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::{Cnic, RequiredText};
use eclinic_store::{DbKey, KeySlot, KeyStore, PatientQuery, Store, StoreError};
use std::io::Write;
use std::sync::{Arc, Mutex};
use support::{Fixture, at, new_patient};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const CANARY: &str = "QUOKKA-CANARY-71c2";

#[tokio::test]
async fn key_material_and_patient_data_stay_out_of_logs_and_errors() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();

    let f = Fixture::new().await;
    let data = f.data_dir();
    let key = f.keys.load(&data, KeySlot::Current).unwrap().unwrap();
    let mut errors: Vec<StoreError> = Vec::new();

    let patient =
        f.store.add_patient(&f.admin, new_patient(CANARY, "35202-9876543-2", "0300-1234567"), at(1)).await.unwrap();
    f.store.search_patients(&f.admin, &PatientQuery::parse(CANARY), 5, at(2)).await.unwrap();
    let mut renamed = patient.clone();
    renamed.name = RequiredText::parse("name", &format!("{CANARY} again"), 120).unwrap();
    renamed.id = eclinic_domain::PatientId::new(at(3));
    errors.push(f.store.update_patient(&f.admin, &renamed, at(3)).await.unwrap_err());
    errors.push(f.store.sign_in("admin", CANARY, at(4)).await.unwrap_err());
    errors.push(StoreError::from(Cnic::parse(&format!("{CANARY}-1")).unwrap_err()));
    let (_dir, keys, data) = f.close().await;

    keys.save(&data, KeySlot::Current, &DbKey::generate().unwrap()).unwrap();
    errors.push(Store::open(&data, keys.clone()).await.unwrap_err());
    keys.save(&data, KeySlot::Current, &key).unwrap();
    errors.push(Store::import_recovery_key(&data, keys.as_ref(), &DbKey::generate().unwrap()).await.unwrap_err());
    errors.push(StoreError::from(DbKey::from_recovery_hex(&key.to_recovery_hex()[..10]).unwrap_err()));

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let texts: Vec<String> = errors.iter().map(|e| format!("{e} | {e:?}")).chain([logs]).collect();
    let key_hex = key.to_recovery_hex();
    for text in &texts {
        for secret in [CANARY, "35202-9876543-2", "3520298765432", &key_hex[..16], &key_hex[40..]] {
            assert!(!text.contains(secret), "{secret:?} leaked into: {text}");
        }
    }
}
