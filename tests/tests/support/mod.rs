//! A store made with the real OS keyring, and a child process to kill.
#![allow(dead_code, clippy::unwrap_used)]

use eclinic_domain::{Birth, OptionalText, PatientId, RequiredText, Role, Sex, Timestamp, Username};
use eclinic_store::{NewPatient, NewUser, OsKeyring, Session, Store};
use std::path::PathBuf;
use std::sync::Arc;
use zeroize::Zeroizing;

pub const PASSWORD: &str = "torture password";

pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    Timestamp::from_unix_ms(i64::try_from(ms).unwrap())
}

/// Rounds of a kill test: more when CI asks for the slow suite.
pub fn rounds(default: u32, slow: u32) -> u32 {
    if std::env::var_os("ECLINIC_SLOW_TESTS").is_some() { slow } else { default }
}

/// A random u64 from the OS; tests print it so a failing round can be understood.
pub fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}

pub struct Kiosk {
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub patient: PatientId,
}

pub async fn kiosk_with_patients(count: usize) -> (Kiosk, Store, Session) {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "needs a Secret Service: run through `cargo xtask test`"
    );
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(&dir.path().join("kiosk"), Arc::new(OsKeyring), now()).await.unwrap();
    let admin = NewUser {
        username: Username::parse("admin").unwrap(),
        display_name: RequiredText::parse("name", "Admin", 120).unwrap(),
        role: Role::Admin,
        pmdc: None,
        secret: Zeroizing::new(PASSWORD.to_owned()),
    };
    let session = store.bootstrap_admin(admin, now()).await.unwrap();
    let mut first = None;
    for i in 0..count.max(1) {
        let patient = NewPatient {
            name: RequiredText::parse("name", &format!("Patient {i} with a longer name to fill pages"), 120).unwrap(),
            sex: Sex::Male,
            birth: Birth::StatedAge { years: 40, stated_on: time::macros::date!(2026 - 01 - 01) },
            phone: None,
            village: OptionalText::parse("village", Some("Basti Malook, Tehsil Shujabad, District Multan"), 200)
                .unwrap(),
            address: OptionalText::default(),
            cnic: None,
        };
        let p = store.add_patient(&session, patient, now()).await.unwrap();
        first.get_or_insert(p.id);
    }
    let data = store.paths().dir.clone();
    (Kiosk { dir, data, patient: first.unwrap() }, store, session)
}

pub fn torture() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_eclinic-torture"))
}
