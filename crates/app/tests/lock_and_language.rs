//! The kiosk left untouched locks: the store closes (nothing can be read) and the next sign-in opens it
//! again with the admin's period; each user's language is remembered, and so is the last one used.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_app::preferences::{PREFERENCES_FILE, Preferences};
use eclinic_store::{KeySlot, KeyStore};

#[tokio::test]
async fn a_locked_kiosk_reads_nothing_until_someone_signs_in_again() {
    let k = support::kiosk().await;
    let user = k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    assert_eq!(user.auto_lock_seconds, 300, "the default period");
    k.clinic.search_patients("Sana").await.unwrap();

    k.clinic.lock().await.unwrap();
    assert_eq!(k.clinic.search_patients("Sana").await.unwrap_err().code(), "signed_out");
    assert_eq!(k.clinic.sign_in("nurse", "1111").await.unwrap_err().code(), "invalid_credentials");
    assert_eq!(k.clinic.search_patients("Sana").await.unwrap_err().code(), "signed_out");

    // The wrong PIN left the store closed: with its key gone from the keyring, it cannot be opened again
    // (an open store would have let her in). The key comes back, and so does she.
    let key = k.keys.load(k.dir.path(), KeySlot::Current).unwrap().unwrap();
    k.keys.delete(k.dir.path(), KeySlot::Current).unwrap();
    assert_eq!(k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap_err().code(), "key_missing");
    k.keys.save(k.dir.path(), KeySlot::Current, &key).unwrap();

    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    k.clinic.search_patients("Sana").await.unwrap();
    k.clinic.lock().await.unwrap();
    k.clinic.lock().await.unwrap(); // locking a locked kiosk changes nothing
    k.clinic.close().await.unwrap();
}

/// (who is signed in, language set, expected: Ok or an error code)
type Choice = (Option<&'static str>, &'static str, Result<(), &'static str>);

#[test]
fn languages_are_remembered_per_user_and_as_the_last_used() {
    let dir = tempfile::tempdir().unwrap();
    let preferences = Preferences::new(dir.path());
    assert_eq!(preferences.last_language(), "en", "nothing chosen yet");
    let choices: [Choice; 6] = [
        (None, "ur", Ok(())),
        (Some("nurse"), "ur", Ok(())),
        (Some("doc"), "en", Ok(())),
        (Some("doc"), "EN", Err("invalid_input")),
        (Some("doc"), "urdu", Err("invalid_input")),
        (Some("doc"), "", Err("invalid_input")),
    ];
    for (i, (user, language, expect)) in choices.into_iter().enumerate() {
        let got = preferences.set_language(user, language).map_err(|e| e.code());
        assert_eq!(got, expect, "choice {i}: {user:?} picks {language:?}");
    }
    assert_eq!(preferences.language_of("nurse").as_deref(), Some("ur"));
    assert_eq!(preferences.language_of("doc").as_deref(), Some("en"));
    assert_eq!(preferences.language_of("admin"), None);
    assert_eq!(preferences.last_language(), "en", "the last accepted choice");

    // A damaged file means nothing remembered, and the next choice replaces it whole.
    std::fs::write(dir.path().join(PREFERENCES_FILE), b"{not json").unwrap();
    assert_eq!(preferences.last_language(), "en");
    assert_eq!(preferences.language_of("nurse"), None);
    preferences.set_language(Some("nurse"), "ur").unwrap();
    assert_eq!(Preferences::new(dir.path()).language_of("nurse").as_deref(), Some("ur"));
}

#[tokio::test]
async fn sign_in_brings_back_the_users_language() {
    let k = support::kiosk().await;
    assert_eq!(k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap().language, None);
    k.clinic.set_language("ur").unwrap();
    k.clinic.sign_out();
    k.clinic.set_language("en").unwrap(); // at the sign-in screen: nobody's own choice
    assert_eq!(k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap().language.as_deref(), Some("ur"));
    assert_eq!(Preferences::new(k.dir.path()).last_language(), "en");
    k.clinic.close().await.unwrap();
}
