#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_store::{KeySlot, KeyStore, Store};
use support::{Fixture, at, new_patient};

#[tokio::test]
async fn rekey_replaces_the_key_and_keeps_every_row() {
    let f = Fixture::new().await;
    f.store.add_patient(&f.admin, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(10)).await.unwrap();
    let f = f.reopened().await;
    let data = f.data_dir();
    let old_key = f.keys.load(&data, KeySlot::Current).unwrap().unwrap();
    let before: Vec<_> =
        f.store.table_digests().await.unwrap().into_iter().filter(|(t, _)| *t != "audit_log").collect();
    let admin = f.admin.clone();
    let keys = f.keys.clone();
    let dir = f.dir;
    let store = f.store.rekey(&admin, at(20)).await.unwrap();
    let after: Vec<_> = store.table_digests().await.unwrap().into_iter().filter(|(t, _)| *t != "audit_log").collect();
    assert_eq!(before, after);
    store.close().await.unwrap();

    let new_key = keys.load(&data, KeySlot::Current).unwrap().unwrap();
    assert_ne!(new_key, old_key);
    assert!(keys.load(&data, KeySlot::Pending).unwrap().is_none(), "no pending key is left behind");
    keys.save(&data, KeySlot::Current, &old_key).unwrap();
    assert_eq!(
        Store::open(&data, keys.clone()).await.unwrap_err().code(),
        "wrong_key",
        "the old key no longer opens it"
    );
    keys.save(&data, KeySlot::Current, &new_key).unwrap();
    Store::open(&data, keys).await.unwrap().close().await.unwrap();
    drop(dir);
}

#[tokio::test]
async fn an_interrupted_rekey_opens_with_whichever_key_the_file_has() {
    // Before the swap: the file still has the current key; the pending one is discarded.
    let f = Fixture::new().await;
    let (_dir, keys, data) = f.close().await;
    let current = keys.load(&data, KeySlot::Current).unwrap().unwrap();
    keys.save(&data, KeySlot::Pending, &eclinic_store::DbKey::generate().unwrap()).unwrap();
    Store::open(&data, keys.clone()).await.unwrap().close().await.unwrap();
    assert_eq!(keys.load(&data, KeySlot::Current).unwrap(), Some(current));
    assert!(keys.load(&data, KeySlot::Pending).unwrap().is_none());
}

#[tokio::test]
async fn a_recovery_key_restores_access_and_a_wrong_one_is_refused() {
    let f = Fixture::new().await;
    let recovery = f.store.export_recovery_key(&f.admin, at(5)).await.unwrap();
    let hex = recovery.to_recovery_hex();
    let (_dir, keys, data) = f.close().await;
    keys.delete(&data, KeySlot::Current).unwrap();
    assert_eq!(Store::open(&data, keys.clone()).await.unwrap_err().code(), "key_missing");

    let wrong = eclinic_store::DbKey::generate().unwrap();
    let err = Store::import_recovery_key(&data, keys.as_ref(), &wrong).await.unwrap_err();
    assert_eq!(err.code(), "wrong_key");
    assert!(keys.load(&data, KeySlot::Current).unwrap().is_none(), "a wrong key is not saved");

    let key = eclinic_store::DbKey::from_recovery_hex(&format!(" {} ", hex.as_str())).unwrap();
    Store::import_recovery_key(&data, keys.as_ref(), &key).await.unwrap();
    Store::open(&data, keys).await.unwrap().close().await.unwrap();
    assert!(eclinic_store::DbKey::from_recovery_hex("abc").is_err());
}
