//! Shared setup for the store's tests: a fresh store in a temporary directory with a signed-in admin.
#![allow(dead_code, clippy::unwrap_used)]

use eclinic_domain::{
    Birth, Cnic, OptionalText, PhoneNumber, PmdcNumber, RequiredText, Role, Sex, Timestamp, Username,
};
use eclinic_store::{KeyStore, MemoryKeyStore, NewPatient, NewUser, Session, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::macros::date;
use zeroize::Zeroizing;

/// 2026-11-23T00:00:00Z plus `offset_ms`.
pub fn at(offset_ms: i64) -> Timestamp {
    Timestamp::from_unix_ms(1_795_392_000_000 + offset_ms)
}

pub const ADMIN_PASSWORD: &str = "admin password 1";

pub fn new_user(username: &str, role: Role, secret: &str) -> NewUser {
    NewUser {
        username: Username::parse(username).unwrap(),
        display_name: RequiredText::parse("name", username, 120).unwrap(),
        role,
        pmdc: (role == Role::Doctor).then(|| PmdcNumber::parse("12345-P").unwrap()),
        secret: Zeroizing::new(secret.to_owned()),
    }
}

pub fn new_patient(name: &str, cnic: &str, phone: &str) -> NewPatient {
    NewPatient {
        name: RequiredText::parse("name", name, 120).unwrap(),
        sex: Sex::Female,
        birth: Birth::Date(date!(1990 - 05 - 17)),
        phone: Some(PhoneNumber::parse(phone).unwrap()),
        village: OptionalText::parse("village", Some("Chak 45"), 200).unwrap(),
        address: OptionalText::default(),
        cnic: Some(Cnic::parse(cnic).unwrap()),
    }
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub keys: Arc<MemoryKeyStore>,
    pub store: Store,
    pub admin: Session,
}

impl Fixture {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let keys = Arc::new(MemoryKeyStore::default());
        let store = Store::init(dir.path(), keys.clone(), at(0)).await.unwrap();
        let admin = store.bootstrap_admin(new_user("admin", Role::Admin, ADMIN_PASSWORD), at(1)).await.unwrap();
        Self { dir, keys, store, admin }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.store.paths().dir.clone()
    }

    pub fn key_store(&self) -> Arc<dyn KeyStore> {
        self.keys.clone()
    }

    /// Closes and reopens the store, as after a restart of the app.
    pub async fn reopened(self) -> Self {
        let Self { dir, keys, store, admin } = self;
        let data = store.paths().dir.clone();
        store.close().await.unwrap();
        let store = Store::open(&data, keys.clone()).await.unwrap();
        Self { dir, keys, store, admin }
    }

    /// Closes the store and hands back what is needed to reopen it.
    pub async fn close(self) -> (tempfile::TempDir, Arc<MemoryKeyStore>, PathBuf) {
        let data = self.data_dir();
        self.store.close().await.unwrap();
        (self.dir, self.keys, data)
    }
}

/// The bytes of a file, or empty when it does not exist.
pub fn read_or_empty(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
