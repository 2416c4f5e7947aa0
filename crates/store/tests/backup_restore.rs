#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::RequiredText;
use eclinic_store::{AuditReport, BackupKey, DbKey, PatientQuery, Store};
use support::{Fixture, at, new_patient};

async fn populated() -> Fixture {
    let f = Fixture::new().await;
    for i in 0..50 {
        let cnic = format!("35202-{:07}-2", i);
        f.store
            .add_patient(&f.admin, new_patient(&format!("Patient {i}"), &cnic, "0300-1234567"), at(10 + i))
            .await
            .unwrap();
    }
    f
}

async fn record_digests(store: &Store) -> Vec<(&'static str, String)> {
    store.table_digests().await.unwrap().into_iter().filter(|(t, _)| *t != "audit_log").collect()
}

#[tokio::test]
async fn backup_then_restore_gives_identical_row_hashes() {
    for key in [BackupKey::SameAsStore, BackupKey::New] {
        let f = populated().await.reopened().await;
        let outside = tempfile::tempdir().unwrap();
        let file = outside.path().join("kiosk.backup");
        let records_at_backup = record_digests(&f.store).await;
        let audit_at_backup = f.store.audit_tail(&f.admin, 10_000).await.unwrap();
        let backup_key = f.store.create_backup(&f.admin, &file, key, at(100)).await.unwrap();
        assert_eq!(backup_key.is_some(), key == BackupKey::New);

        let mut late = f
            .store
            .add_patient(&f.admin, new_patient("Late", "35202-7654321-2", "0300-7654321"), at(200))
            .await
            .unwrap();
        late.name = RequiredText::parse("name", "Later", 120).unwrap();
        f.store.update_patient(&f.admin, &late, at(201)).await.unwrap();
        assert_ne!(record_digests(&f.store).await, records_at_backup);

        let admin = f.admin.clone();
        let staged = f.store.stage_restore(&admin, &file, backup_key).await.unwrap();
        let store = f.store.apply_restore(&admin, staged, at(300)).await.unwrap();
        assert_eq!(record_digests(&store).await, records_at_backup, "{key:?}: every record row is as it was");
        let audit = store.audit_tail(&admin, 10_000).await.unwrap();
        assert_eq!(audit[0].action, "backup.restore");
        assert_eq!(audit[1..], audit_at_backup[..], "the audit log is the backup's, plus the restore");
        assert!(matches!(store.verify_audit(&admin).await.unwrap(), AuditReport::Intact { .. }));
        let late_found = store.search_patients(&admin, &PatientQuery::parse("Late"), 10, at(301)).await.unwrap();
        assert!(late_found.is_empty(), "changes after the backup are undone");
        let kept = std::fs::read_dir(&store.paths().dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".replaced-"))
            .count();
        assert_eq!(kept, 1, "the replaced database is kept beside the new one");
        store.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_backup_with_the_wrong_key_is_refused_and_nothing_changes() {
    let f = populated().await;
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("kiosk.backup");
    f.store.create_backup(&f.admin, &file, BackupKey::New, at(100)).await.unwrap();
    let digests = f.store.table_digests().await.unwrap();
    let err = f.store.stage_restore(&f.admin, &file, Some(DbKey::generate().unwrap())).await.unwrap_err();
    assert_eq!(err.code(), "wrong_key");
    assert_eq!(f.store.table_digests().await.unwrap(), digests, "the store is unchanged and still open");
    f.close().await;
}

#[tokio::test]
async fn backups_inside_the_data_directory_are_refused() {
    let f = populated().await;
    let inside = f.data_dir().join("backup.db");
    let err = f.store.create_backup(&f.admin, &inside, BackupKey::SameAsStore, at(100)).await.unwrap_err();
    assert_eq!(err.code(), "backup_inside_data_dir");
    f.close().await;
}
