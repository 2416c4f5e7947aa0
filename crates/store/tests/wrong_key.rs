#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_store::{DbKey, KeySlot, KeyStore, Store, StoreError};
use support::{Fixture, read_or_empty};

#[tokio::test]
async fn a_wrong_key_is_a_typed_error_and_leaves_the_files_untouched() {
    let fixture = Fixture::new().await;
    let files = fixture.store.paths().all_files();
    let (_dir, keys, data) = fixture.close().await;
    let before: Vec<Vec<u8>> = files.iter().map(|f| read_or_empty(f)).collect();
    assert!(!before[0].is_empty(), "the database file exists");

    keys.save(&data, KeySlot::Current, &DbKey::generate().unwrap()).unwrap();
    let err = Store::open(&data, keys.clone()).await.unwrap_err();
    assert!(matches!(err, StoreError::WrongKey), "got {err:?}");
    assert_eq!(err.code(), "wrong_key");

    let after: Vec<Vec<u8>> = files.iter().map(|f| read_or_empty(f)).collect();
    assert_eq!(before, after, "database, -wal and -shm bytes are unchanged");
}

#[tokio::test]
async fn no_key_in_the_key_store_is_key_missing_and_a_new_key_is_never_made() {
    let fixture = Fixture::new().await;
    let (_dir, keys, data) = fixture.close().await;
    keys.delete(&data, KeySlot::Current).unwrap();
    let err = Store::open(&data, keys.clone()).await.unwrap_err();
    assert_eq!(err.code(), "key_missing");
    assert!(keys.load(&data, KeySlot::Current).unwrap().is_none(), "opening never invents a key");
}
