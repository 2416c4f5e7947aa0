#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The first run of a fresh kiosk: the app starts with its store closed and says why (`not_initialised`);
//! the setup refuses a weak admin password before writing anything, then creates the store with the admin
//! signed in and the language remembered; a kiosk already set up refuses a second setup.

use eclinic_app::Clinic;
use eclinic_app::admin::NewUserForm;
use eclinic_store::MemoryKeyStore;
use std::sync::Arc;

fn admin(password: &str) -> NewUserForm {
    account("admin", password)
}

fn account(role: &str, password: &str) -> NewUserForm {
    NewUserForm {
        username: "admin".into(),
        name: "Kiosk Admin".into(),
        role: role.into(),
        pmdc: None,
        secret: password.into(),
    }
}

#[tokio::test]
async fn a_fresh_kiosk_is_set_up_once() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    let (clinic, problem) = Clinic::start(dir.path(), keys.clone()).await;
    assert_eq!(problem.unwrap().code(), "not_initialised");
    assert_eq!(clinic.sign_in("admin", "whatever").await.unwrap_err().code(), "not_initialised");

    let refusals = [
        ("ur", admin("short"), "invalid_input"),
        ("urdu", admin("a long enough password"), "invalid_input"),
        ("ur", account("health-worker", "4821"), "forbidden"),
    ];
    for (language, form, code) in refusals {
        assert_eq!(clinic.set_up(language, &form).await.unwrap_err().code(), code, "{language} {form:?}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written after a refusal");
    }

    let user = clinic.set_up("ur", &admin("a long enough password")).await.unwrap();
    assert_eq!((user.username.as_str(), user.role.as_str(), user.language.as_deref()), ("admin", "admin", Some("ur")));
    assert_eq!(clinic.last_language(), "ur");
    clinic.set_auto_lock(120).await.expect("the admin is signed in to the new store");
    assert_eq!(clinic.set_up("en", &admin("another long password")).await.unwrap_err().code(), "already_initialised");
    clinic.close().await.unwrap();

    let (reopened, problem) = Clinic::start(dir.path(), keys).await;
    assert!(problem.is_none());
    assert_eq!(reopened.sign_in("admin", "a long enough password").await.unwrap().auto_lock_seconds, 120);
    reopened.close().await.unwrap();
}
