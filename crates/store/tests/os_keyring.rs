//! The real key store: Secret Service through the `keyring` crate. `cargo xtask test` runs this under
//! `dbus-run-session` with an unlocked gnome-keyring; the missing-keyring case is in the CLI's tests, which
//! start the program without a session bus.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_store::{KeySlot, KeyStore, OsKeyring, Store};
use std::sync::Arc;
use support::at;

fn session_bus() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

#[tokio::test]
async fn first_start_keeps_a_key_per_data_directory_in_the_os_keyring() {
    assert!(session_bus(), "this test needs a Secret Service: run it through `cargo xtask test`");
    let keys: Arc<dyn KeyStore> = Arc::new(OsKeyring);
    let kiosk = tempfile::tempdir().unwrap();
    let doctor = tempfile::tempdir().unwrap();

    let kiosk_store = Store::init(kiosk.path(), keys.clone(), at(0)).await.unwrap();
    let doctor_store = Store::init(doctor.path(), keys.clone(), at(0)).await.unwrap();
    let kiosk_dir = kiosk_store.paths().dir.clone();
    let doctor_dir = doctor_store.paths().dir.clone();
    kiosk_store.close().await.unwrap();
    doctor_store.close().await.unwrap();

    let kiosk_key = OsKeyring.load(&kiosk_dir, KeySlot::Current).unwrap().expect("the kiosk key is in the keyring");
    let doctor_key = OsKeyring.load(&doctor_dir, KeySlot::Current).unwrap().expect("the doctor key is in the keyring");
    assert_ne!(kiosk_key, doctor_key, "one entry, one key per data directory");

    Store::open(&kiosk_dir, keys.clone()).await.unwrap().close().await.unwrap();
    Store::open(&doctor_dir, keys.clone()).await.unwrap().close().await.unwrap();

    for entry in std::fs::read_dir(&kiosk_dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("records.db"), "nothing but the database is written: {name}");
    }
    for dir in [&kiosk_dir, &doctor_dir] {
        OsKeyring.delete(dir, KeySlot::Current).unwrap();
        assert!(OsKeyring.load(dir, KeySlot::Current).unwrap().is_none());
    }
}
