//! A store whose process died mid-write: the WAL holds committed frames and its index (`-shm`) is stale.
//! Opening recovers it with the right key, and still says `WrongKey` with a wrong one.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_store::{DbKey, KeySlot, KeyStore, MemoryKeyStore, PatientQuery, Store};
use std::sync::Arc;
use support::{Fixture, at, new_patient};

/// Copies the live files of an open store (as a crash would leave them) and wipes the WAL index.
async fn crashed_copy(
    key_for_copy: Option<DbKey>,
) -> (tempfile::TempDir, std::path::PathBuf, Arc<MemoryKeyStore>, Fixture) {
    let f = Fixture::new().await;
    f.store
        .add_patient(&f.admin, new_patient("Committed Before Crash", "35202-1234567-8", "0300-1234567"), at(10))
        .await
        .unwrap();
    let copy_root = tempfile::tempdir().unwrap();
    let copy = copy_root.path().join("kiosk");
    std::fs::create_dir_all(&copy).unwrap();
    for file in f.store.paths().all_files() {
        let name = file.file_name().unwrap().to_owned();
        std::fs::copy(&file, copy.join(name)).unwrap();
    }
    let shm = copy.join("records.db-shm");
    let len = std::fs::metadata(&shm).unwrap().len();
    std::fs::write(&shm, vec![0u8; usize::try_from(len).unwrap()]).unwrap();
    assert!(std::fs::metadata(copy.join("records.db-wal")).unwrap().len() > 0, "the WAL holds the commit");
    let keys = Arc::new(MemoryKeyStore::default());
    let copy = copy.canonicalize().unwrap();
    let key = key_for_copy.unwrap_or_else(|| f.keys.load(&f.data_dir(), KeySlot::Current).unwrap().unwrap());
    keys.save(&copy, KeySlot::Current, &key).unwrap();
    (copy_root, copy, keys, f)
}

#[tokio::test]
async fn a_stale_wal_index_is_recovered_on_open() {
    let (_root, copy, keys, f) = crashed_copy(None).await;
    let store = Store::open(&copy, keys).await.unwrap();
    let found = store.search_patients(&f.admin, &PatientQuery::parse("Committed"), 5, at(20)).await.unwrap();
    assert_eq!(found.len(), 1, "the commit in the WAL survived");
    store.check_integrity().await.unwrap();
    store.close().await.unwrap();
    f.close().await;
}

#[tokio::test]
async fn a_wrong_key_on_a_crashed_store_is_still_wrong_key() {
    let (_root, copy, keys, f) = crashed_copy(Some(DbKey::generate().unwrap())).await;
    let err = Store::open(&copy, keys).await.unwrap_err();
    assert_eq!(err.code(), "wrong_key", "{err}");
    f.close().await;
}

/// The moment after a rekey's rename: the new file is in rollback-journal mode, and a process killed while
/// it was being switched to WAL leaves a hot journal that must be rolled back before anything is read.
/// Returns the frozen directory (database + hot journal), its key and an admin session.
async fn hot_journal_copy() -> (tempfile::TempDir, std::path::PathBuf, DbKey, eclinic_store::Session) {
    use sqlx::{ConnectOptions, Connection, sqlite::SqliteConnectOptions};
    let f = Fixture::new().await;
    f.store.add_patient(&f.admin, new_patient("Committed", "35202-1234567-8", "0300-1234567"), at(10)).await.unwrap();
    let key = f.keys.load(&f.data_dir(), KeySlot::Current).unwrap().unwrap();
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let admin = f.admin.clone();
    let source = f.data_dir().join("records.db");
    let (_source_dir, _, _) = f.close().await;
    let db = work.join("records.db");
    std::fs::copy(&source, &db).unwrap();

    let mut conn = SqliteConnectOptions::new()
        .filename(&db)
        .pragma("key", format!("\"x'{}'\"", key.to_recovery_hex().as_str()))
        .pragma("cipher_log_level", "NONE")
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Delete)
        .connect()
        .await
        .unwrap();
    // A tiny page cache makes the transaction spill: the journal is synced and the database file written
    // before commit, exactly the state a kill leaves.
    sqlx::query("PRAGMA cache_size = 2").execute(&mut conn).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("UPDATE patients SET name = 'Uncommitted'").execute(&mut *tx).await.unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO patients (id, name, sex, revision) SELECT 'x' || i, 'Filler ' || i, 'male', 1 FROM n",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let frozen = root.path().join("frozen");
    std::fs::create_dir_all(&frozen).unwrap();
    let journal = work.join("records.db-journal");
    assert!(journal.exists(), "the transaction has a rollback journal");
    std::fs::copy(&db, frozen.join("records.db")).unwrap();
    std::fs::copy(&journal, frozen.join("records.db-journal")).unwrap();
    drop(tx);
    conn.close().await.unwrap();
    let frozen = frozen.canonicalize().unwrap();
    (root, frozen, key, admin)
}

#[tokio::test]
async fn a_hot_rollback_journal_is_rolled_back_on_open() {
    let (_root, frozen, key, admin) = hot_journal_copy().await;
    let keys = Arc::new(MemoryKeyStore::default());
    keys.save(&frozen, KeySlot::Current, &key).unwrap();
    let store = Store::open(&frozen, keys).await.unwrap();
    let found = store.search_patients(&admin, &PatientQuery::parse("Committed"), 5, at(20)).await.unwrap();
    assert_eq!(found.len(), 1, "the uncommitted change was rolled back");
    let fillers = store.search_patients(&admin, &PatientQuery::parse("Filler"), 5, at(21)).await.unwrap();
    assert!(fillers.is_empty(), "no uncommitted row survives");
    store.check_integrity().await.unwrap();
    store.close().await.unwrap();
}

#[tokio::test]
async fn a_wrong_key_on_a_hot_journal_is_wrong_key_and_harms_nothing() {
    let (_root, frozen, key, admin) = hot_journal_copy().await;
    let keys = Arc::new(MemoryKeyStore::default());
    keys.save(&frozen, KeySlot::Current, &DbKey::generate().unwrap()).unwrap();
    let err = Store::open(&frozen, keys.clone()).await.unwrap_err();
    assert_eq!(err.code(), "wrong_key", "{err}");
    keys.save(&frozen, KeySlot::Current, &key).unwrap();
    let store = Store::open(&frozen, keys).await.unwrap();
    let found = store.search_patients(&admin, &PatientQuery::parse("Committed"), 5, at(20)).await.unwrap();
    assert_eq!(found.len(), 1);
    store.check_integrity().await.unwrap();
    store.close().await.unwrap();
}

/// The moment a reopened WAL store has created its `-wal` but not yet its `-shm` (a rekey killed right
/// after the swap): a read-only connection cannot create the index, so opening must do it.
#[tokio::test]
async fn a_wal_without_its_index_opens() {
    let f = Fixture::new().await;
    f.store.add_patient(&f.admin, new_patient("Committed", "35202-1234567-8", "0300-1234567"), at(10)).await.unwrap();
    let admin = f.admin.clone();
    let (_dir, keys, data) = f.close().await;
    assert!(!data.join("records.db-shm").exists(), "a clean close removes the index");
    std::fs::write(data.join("records.db-wal"), b"").unwrap();
    let store = Store::open(&data, keys).await.unwrap();
    let found = store.search_patients(&admin, &PatientQuery::parse("Committed"), 5, at(20)).await.unwrap();
    assert_eq!(found.len(), 1);
    store.close().await.unwrap();
}
