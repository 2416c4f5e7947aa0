//! Whole-store copies: encrypted backups, restore, rekey, the recovery key, and a digest of every row.
//!
//! All of them go through SQLCipher's `sqlcipher_export` into a new file, and replace the live database only
//! by one atomic rename, so a crash at any point leaves either the old or the new file, never a mix.

use crate::auth::Session;
use crate::db;
use crate::error::{KeyError, StoreError};
use crate::key::{DbKey, KeySlot, KeyStore};
use crate::store::{StoragePaths, Store, with_suffix};
use eclinic_domain::{Role, Timestamp};
use sha2::{Digest, Sha256};
use sqlx::{Connection, Row};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The tables whose rows make up a store's content.
const TABLES: [&str; 6] = ["store_meta", "users", "patients", "observations", "revisions", "audit_log"];

/// Which key encrypts a backup file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKey {
    /// The store's own key: restoring needs only the keyring (or the recovery key).
    SameAsStore,
    /// A fresh key, returned to the caller to keep apart from the backup (e.g. for off-site copies).
    New,
}

/// A backup checked and copied next to the database, ready for [`Store::apply_restore`].
#[derive(Debug)]
pub struct StagedRestore {
    staged: PathBuf,
}

impl Store {
    /// Writes an encrypted copy of the whole store to `target` (which must not exist and must be outside the
    /// data directory). Returns the backup's key when a new one was made.
    pub async fn create_backup(
        &self,
        session: &Session,
        target: &Path,
        key: BackupKey,
        now: Timestamp,
    ) -> Result<Option<DbKey>, StoreError> {
        session.require(Role::Admin)?;
        let target = std::path::absolute(target).map_err(StoreError::io("backup"))?;
        if target.starts_with(&self.paths.dir) {
            return Err(StoreError::BackupInsideDataDir);
        }
        if target.exists() {
            return Err(StoreError::Io {
                op: "backup",
                source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the backup file already exists"),
            });
        }
        let (backup_key, fresh) = match key {
            BackupKey::SameAsStore => (self.current_key()?, false),
            BackupKey::New => (DbKey::generate()?, true),
        };
        let partial = with_suffix(&target, ".partial");
        let _ = std::fs::remove_file(&partial);
        let mut conn = self.pool.acquire().await.map_err(StoreError::db("backup"))?;
        db::export(&mut conn, &partial, &backup_key).await?;
        drop(conn);
        std::fs::rename(&partial, &target).map_err(StoreError::io("backup"))?;
        if let Some(parent) = target.parent() {
            db::sync_dir(parent)?;
        }
        self.transact(now, async |txn| txn.audit(Some(session.user()), "backup.create", None).await).await?;
        Ok(fresh.then_some(backup_key))
    }

    /// First half of a restore: checks the backup (key and integrity) and stages a copy encrypted with this
    /// store's key. Nothing in the store changes; a wrong key or a damaged backup is refused here.
    pub async fn stage_restore(
        &self,
        session: &Session,
        backup: &Path,
        backup_key: Option<DbKey>,
    ) -> Result<StagedRestore, StoreError> {
        session.require(Role::Admin)?;
        let store_key = self.current_key()?;
        let backup_key = backup_key.unwrap_or_else(|| store_key.clone());
        if !backup.is_file() {
            return Err(StoreError::NotFound { what: "backup file" });
        }
        let mut source = db::probe(backup, &backup_key, db::Access::ReadWrite).await?;
        let staged = self.paths.sidecar(".restoring");
        let copied = async {
            let check: String = sqlx::query_scalar("PRAGMA quick_check")
                .fetch_one(&mut source)
                .await
                .map_err(StoreError::db("check backup"))?;
            if check != "ok" {
                return Err(StoreError::Corrupt { detail: format!("backup quick_check: {check}") });
            }
            let _ = std::fs::remove_file(&staged);
            db::export(&mut source, &staged, &store_key).await
        }
        .await;
        source.close().await.map_err(StoreError::db("check backup"))?;
        copied?;
        Ok(StagedRestore { staged })
    }

    /// Second half of a restore: swaps the staged copy in. The replaced database is kept beside the new one
    /// as `records.db.replaced-<ms>`.
    pub async fn apply_restore(
        self,
        session: &Session,
        staged: StagedRestore,
        now: Timestamp,
    ) -> Result<Store, StoreError> {
        let prepared = async {
            session.require(Role::Admin)?;
            let keep = self.paths.sidecar(&format!(".replaced-{}", now.unix_ms()));
            std::fs::copy(&self.paths.db, &keep).map_err(StoreError::io("keep replaced database"))?;
            self.current_key()
        }
        .await;
        let store_key = self.close_on_error(prepared).await?;
        let store = self.replace_database(&staged.staged, &store_key).await?;
        let audited =
            store.transact(now, async |txn| txn.audit(Some(session.user()), "backup.restore", None).await).await;
        store.close_on_error(audited).await?;
        Ok(store)
    }

    /// Re-encrypts the store with a new random key. The new key is kept in the keyring's pending slot before
    /// the file changes, so an interruption at any point leaves a store that opens with exactly one of the
    /// two keys (see [`Store::open`]).
    pub async fn rekey(self, session: &Session, now: Timestamp) -> Result<Store, StoreError> {
        let staged = self.paths.sidecar(".rekeying");
        let prepared = async {
            session.require(Role::Admin)?;
            let new_key = DbKey::generate()?;
            self.keys.save(&self.paths.dir, KeySlot::Pending, &new_key)?;
            let _ = std::fs::remove_file(&staged);
            let mut conn = self.pool.acquire().await.map_err(StoreError::db("rekey"))?;
            db::export(&mut conn, &staged, &new_key).await?;
            Ok(new_key)
        }
        .await;
        let new_key = self.close_on_error(prepared).await?;
        let (dir, keys) = (self.paths.dir.clone(), Arc::clone(&self.keys));
        let store = self.replace_database(&staged, &new_key).await?;
        let settled = async {
            keys.save(&dir, KeySlot::Current, &new_key)?;
            keys.delete(&dir, KeySlot::Pending)?;
            store.transact(now, async |txn| txn.audit(Some(session.user()), "key.rotate", None).await).await
        }
        .await;
        store.close_on_error(settled).await?;
        Ok(store)
    }

    /// For operations that consume the store: on failure, close it before handing back the error, so no
    /// connection is left to close on its own thread while the process exits.
    async fn close_on_error<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if result.is_err() {
            let _ = self.checkpoint_and_close().await;
        }
        result
    }

    /// Closes the store, moves `staged` over the database file in one rename and reopens with `key`.
    async fn replace_database(self, staged: &Path, key: &DbKey) -> Result<Store, StoreError> {
        self.checkpoint_and_close().await?;
        let (paths, keys) = (self.paths.clone(), Arc::clone(&self.keys));
        drop(self);
        // After a TRUNCATE checkpoint and the last close the WAL holds nothing; remove the companions so they
        // can never be applied to the new file.
        for companion in [paths.sidecar("-wal"), paths.sidecar("-shm")] {
            match std::fs::remove_file(&companion) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io("replace database")(e)),
            }
        }
        std::fs::rename(staged, &paths.db).map_err(StoreError::io("replace database"))?;
        db::sync_dir(&paths.dir)?;
        let pool = db::open(&paths.db, key).await?;
        Store::from_pool(pool, paths, keys).await
    }

    fn current_key(&self) -> Result<DbKey, StoreError> {
        Ok(self.keys.load(&self.paths.dir, KeySlot::Current)?.ok_or(KeyError::KeyMissing)?)
    }

    /// The store's key in recovery form, for an admin to keep offline. Audited.
    pub async fn export_recovery_key(&self, session: &Session, now: Timestamp) -> Result<DbKey, StoreError> {
        session.require(Role::Admin)?;
        let key = self.current_key()?;
        self.transact(now, async |txn| txn.audit(Some(session.user()), "key.export-recovery", None).await).await?;
        Ok(key)
    }

    /// Puts a recovery key back into the key store after checking that it opens the store in `dir` (for a
    /// reinstalled OS or a lost keyring). A key that does not open the store is refused and nothing changes.
    pub async fn import_recovery_key(dir: &Path, keys: &dyn KeyStore, key: &DbKey) -> Result<(), StoreError> {
        let paths = StoragePaths::resolve(dir)?;
        if !paths.db.exists() {
            return Err(StoreError::NotInitialised);
        }
        db::probe(&paths.db, key, db::Access::ReadOnly)
            .await?
            .close()
            .await
            .map_err(StoreError::db("import recovery key"))?;
        keys.save(&paths.dir, KeySlot::Current, key)?;
        keys.delete(&paths.dir, KeySlot::Pending)?;
        Ok(())
    }

    /// A SHA-256 per table over every row, in a fixed order: equal digests mean equal content.
    pub async fn table_digests(&self) -> Result<Vec<(&'static str, String)>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(StoreError::db("digest"))?;
        let mut digests = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let mut hasher = Sha256::new();
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table} ORDER BY rowid")))
                .fetch_all(&mut *conn)
                .await
                .map_err(StoreError::db("digest"))?;
            for row in rows {
                for i in 0..row.len() {
                    let cell: Option<Vec<u8>> = row.try_get_unchecked(i).map_err(StoreError::db("digest"))?;
                    match cell {
                        Some(bytes) => {
                            hasher.update([1]);
                            hasher.update((bytes.len() as u64).to_le_bytes());
                            hasher.update(&bytes);
                        }
                        None => hasher.update([0]),
                    }
                }
            }
            digests.push((table, hex::encode(hasher.finalize())));
        }
        Ok(digests)
    }
}
