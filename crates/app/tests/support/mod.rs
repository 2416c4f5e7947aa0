//! A kiosk data directory as an admin leaves it: a store with a health worker and a doctor.
#![allow(dead_code, clippy::unwrap_used)]

use eclinic_app::Clinic;
use eclinic_domain::{PmdcNumber, RequiredText, Role, Username};
use eclinic_store::{MemoryKeyStore, NewUser, Store};
use std::sync::Arc;
use zeroize::Zeroizing;

pub const NURSE_PIN: &str = "4821";

fn user(username: &str, role: Role, secret: &str) -> NewUser {
    NewUser {
        username: Username::parse(username).unwrap(),
        display_name: RequiredText::parse("name", username, 120).unwrap(),
        role,
        pmdc: (role == Role::Doctor).then(|| PmdcNumber::parse("54321-P").unwrap()),
        secret: Zeroizing::new(secret.to_owned()),
    }
}

#[derive(Debug)]
pub struct Kiosk {
    pub dir: tempfile::TempDir,
    pub keys: Arc<MemoryKeyStore>,
    pub clinic: Clinic,
}

pub async fn kiosk() -> Kiosk {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    let now = eclinic_app::now();
    let store = Store::init(dir.path(), keys.clone(), now).await.unwrap();
    let admin = store.bootstrap_admin(user("admin", Role::Admin, "admin password 1"), now).await.unwrap();
    store.add_user(&admin, user("nurse", Role::HealthWorker, NURSE_PIN), now).await.unwrap();
    store.add_user(&admin, user("doc", Role::Doctor, "doctor password 1"), now).await.unwrap();
    store.close().await.unwrap();
    let clinic = Clinic::open(dir.path(), keys.clone()).await.unwrap();
    Kiosk { dir, keys, clinic }
}
