#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Backup and restore from the admin console: a backup lands in the downloads' backup folder and is offered
//! for restore; restoring brings back exactly what it held (a patient registered after it is gone, the
//! replaced database kept beside the new one), reports its steps in order and signs everyone out. A file
//! that is not a backup of this kiosk is refused before anything changes.

mod support;

use eclinic_app::admin::RestoreStep;
use eclinic_app::forms::PatientForm;
use eclinic_app::views::Registration;
use std::sync::Mutex;

fn patient() -> PatientForm {
    PatientForm { name: "Nasreen Bibi".into(), sex: "female".into(), age: Some(41), ..PatientForm::default() }
}

/// Restores `file`, returning the outcome's code (`ok` or the error's) and the steps reported.
async fn restore(k: &support::Kiosk, file: &std::path::Path) -> (&'static str, Vec<RestoreStep>) {
    let steps = Mutex::new(Vec::new());
    let outcome = k.clinic.restore_backup(file, |step| steps.lock().unwrap().push(step)).await;
    (outcome.map_or_else(|e| e.code(), |()| "ok"), steps.into_inner().unwrap())
}

#[tokio::test]
async fn a_restore_brings_back_what_the_backup_held() {
    let k = support::kiosk().await;
    let downloads = tempfile::tempdir().unwrap();
    k.clinic.sign_in("admin", "admin password 1").await.unwrap();
    let backup = k.clinic.create_backup(downloads.path()).await.unwrap();
    let offered = k.clinic.admin_overview(downloads.path()).await.unwrap().backups;
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].path, backup.display().to_string());
    assert!(offered[0].bytes > 0);
    k.clinic.sign_out();

    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    let Registration::Registered { .. } = k.clinic.register_patient(&patient(), false).await.unwrap() else {
        panic!("a new patient is registered");
    };
    k.clinic.sign_out();

    k.clinic.sign_in("admin", "admin password 1").await.unwrap();
    let garbage = downloads.path().join("e-clinic-backup-1.db");
    std::fs::write(&garbage, b"not a database at all, only words").unwrap();
    let (refused, steps) = restore(&k, &garbage).await;
    assert_ne!(refused, "ok");
    assert_eq!(steps, [RestoreStep::Checking], "nothing is replaced after a failed check");
    assert!(k.clinic.admin_overview(downloads.path()).await.is_ok(), "still signed in, the store still open");

    assert_eq!(
        restore(&k, &backup).await,
        ("ok", vec![RestoreStep::Checking, RestoreStep::Replacing, RestoreStep::Done])
    );
    assert_eq!(k.clinic.admin_overview(downloads.path()).await.unwrap_err().code(), "signed_out");
    let kept = std::fs::read_dir(k.dir.path()).unwrap().filter_map(Result::ok);
    assert!(kept.map(|e| e.file_name().to_string_lossy().into_owned()).any(|n| n.contains(".replaced-")));

    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    assert!(k.clinic.search_patients("Nasreen").await.unwrap().is_empty(), "the patient came after the backup");
    k.clinic.close().await.unwrap();
}
