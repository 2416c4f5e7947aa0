use crate::audit;
use crate::db;
use crate::error::{KeyError, StoreError};
use crate::key::{DbKey, KeySlot, KeyStore};
use eclinic_domain::{DeviceId, Hlc, HlcClock, Timestamp, UserId};
use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Mutex;

/// `path` with `suffix` appended to its file name (`records.db` + `-wal`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The files of a store inside its data directory.
#[derive(Debug, Clone)]
pub struct StoragePaths {
    pub dir: PathBuf,
    pub db: PathBuf,
}

impl StoragePaths {
    pub const DB_FILE: &'static str = "records.db";

    /// Resolves `dir` to an absolute path (it names the keyring entry, so it must not depend on the
    /// working directory).
    pub fn resolve(dir: &Path) -> Result<Self, StoreError> {
        let dir = std::path::absolute(dir).map_err(StoreError::io("resolve data directory"))?;
        let dir = dir.canonicalize().unwrap_or(dir);
        Ok(Self { db: dir.join(Self::DB_FILE), dir })
    }

    /// The database file and SQLite's companions, which hold pages too.
    pub fn all_files(&self) -> [PathBuf; 3] {
        [self.db.clone(), self.sidecar("-wal"), self.sidecar("-shm")]
    }

    pub(crate) fn sidecar(&self, suffix: &str) -> PathBuf {
        with_suffix(&self.db, suffix)
    }
}

/// An open store. Writes are serialised through one lock that also owns the HLC clock, so revisions and
/// audit entries are ordered exactly as they were committed.
pub struct Store {
    pub(crate) pool: SqlitePool,
    pub(crate) paths: StoragePaths,
    pub(crate) keys: Arc<dyn KeyStore>,
    device: DeviceId,
    writer: Mutex<HlcClock>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.paths.dir).field("device", &self.device).finish_non_exhaustive()
    }
}

/// One write transaction: the connection, the time, and what stamps revisions.
pub(crate) struct Txn<'a> {
    pub conn: &'a mut SqliteConnection,
    pub now: Timestamp,
    device: DeviceId,
    clock: &'a mut HlcClock,
}

impl Txn<'_> {
    /// Appends the next revision of a record with its full new content; returns the revision number.
    pub async fn revision(
        &mut self,
        user: Option<UserId>,
        record_type: &'static str,
        record_id: &str,
        content: &impl Serialize,
    ) -> Result<i64, StoreError> {
        let json = serde_json::to_string(content)
            .map_err(|e| StoreError::Database { op: "encode revision", message: e.to_string() })?;
        let hlc = self.clock.tick(self.now.unix_ms());
        let revision: i64 =
            sqlx::query_scalar("SELECT coalesce(max(revision), 0) + 1 FROM revisions WHERE record_id = ?1")
                .bind(record_id)
                .fetch_one(&mut *self.conn)
                .await
                .map_err(StoreError::db("append revision"))?;
        sqlx::query(
            "INSERT INTO revisions (record_id, revision, record_type, hlc_wall, hlc_counter, device_id, user_id, content)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(record_id)
        .bind(revision)
        .bind(record_type)
        .bind(hlc.wall_ms)
        .bind(i64::from(hlc.counter))
        .bind(self.device.to_string())
        .bind(user.map(|u| u.to_string()))
        .bind(json)
        .execute(&mut *self.conn)
        .await
        .map_err(StoreError::db("append revision"))?;
        Ok(revision)
    }

    pub async fn audit(&mut self, user: Option<UserId>, action: &str, record: Option<&str>) -> Result<(), StoreError> {
        audit::append(self.conn, self.now, user, action, record).await
    }
}

impl Store {
    /// Creates a store in `dir` at first start: a new random key goes into the key store first (if that fails,
    /// nothing is written), then the encrypted database. A key already kept for this directory (from a store
    /// that was removed) is reused rather than overwritten, so backups made with it stay readable.
    pub async fn init(dir: &Path, keys: Arc<dyn KeyStore>, now: Timestamp) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(StoreError::io("create data directory"))?;
        let paths = StoragePaths::resolve(dir)?;
        if paths.db.exists() {
            return Err(StoreError::AlreadyInitialised);
        }
        let key = match keys.load(&paths.dir, KeySlot::Current)? {
            Some(key) => key,
            None => {
                let key = DbKey::generate()?;
                keys.save(&paths.dir, KeySlot::Current, &key)?;
                key
            }
        };
        let pool = db::create(&paths.db, &key).await?;
        let device = DeviceId::new(now);
        sqlx::query("INSERT INTO store_meta (id, device_id, created_at) VALUES (1, ?1, ?2)")
            .bind(device.to_string())
            .bind(now.unix_ms())
            .execute(&pool)
            .await
            .map_err(StoreError::db("init"))?;
        Ok(Self { pool, paths, keys, device, writer: Mutex::new(HlcClock::default()) })
    }

    /// Opens the store in `dir` with the key from the key store. A rekey that was interrupted is finished
    /// here: whichever of the current and pending keys opens the file becomes the current key.
    pub async fn open(dir: &Path, keys: Arc<dyn KeyStore>) -> Result<Self, StoreError> {
        let paths = StoragePaths::resolve(dir)?;
        if !paths.db.exists() {
            return Err(StoreError::NotInitialised);
        }
        let current = keys.load(&paths.dir, KeySlot::Current)?;
        let pending = keys.load(&paths.dir, KeySlot::Pending)?;
        let had_pending = pending.is_some();
        let pool = match (current, pending) {
            (None, None) => return Err(KeyError::KeyMissing.into()),
            (Some(key), None) => db::open(&paths.db, &key).await?,
            (current, Some(pending)) => {
                let opened = match &current {
                    Some(key) => db::open(&paths.db, key).await,
                    None => Err(StoreError::WrongKey),
                };
                match opened {
                    Ok(pool) => pool,
                    Err(StoreError::WrongKey) => {
                        let pool = db::open(&paths.db, &pending).await?;
                        keys.save(&paths.dir, KeySlot::Current, &pending)?;
                        pool
                    }
                    Err(other) => return Err(other),
                }
            }
        };
        if had_pending {
            keys.delete(&paths.dir, KeySlot::Pending)?;
        }
        Self::from_pool(pool, paths, keys).await
    }

    pub(crate) async fn from_pool(
        pool: SqlitePool,
        paths: StoragePaths,
        keys: Arc<dyn KeyStore>,
    ) -> Result<Self, StoreError> {
        let device: String = sqlx::query_scalar("SELECT device_id FROM store_meta WHERE id = 1")
            .fetch_optional(&pool)
            .await
            .map_err(StoreError::db("open"))?
            .ok_or(StoreError::BadRecord { what: "store identity" })?;
        let device = device.parse().map_err(|_| StoreError::BadRecord { what: "store identity" })?;
        let last: Option<(i64, i64)> = sqlx::query_as(
            "SELECT hlc_wall, hlc_counter FROM revisions ORDER BY hlc_wall DESC, hlc_counter DESC LIMIT 1",
        )
        .fetch_optional(&pool)
        .await
        .map_err(StoreError::db("open"))?;
        let last = last.map_or(Hlc::default(), |(wall_ms, counter)| Hlc {
            wall_ms,
            counter: u32::try_from(counter).unwrap_or(u32::MAX),
        });
        Ok(Self { pool, paths, keys, device, writer: Mutex::new(HlcClock::resume(last)) })
    }

    /// Checkpoints the WAL into the database file and closes every connection. Call it before the process
    /// exits: a store that is only dropped leaves its connections closing on their own threads.
    pub async fn close(self) -> Result<(), StoreError> {
        self.checkpoint_and_close().await
    }

    pub(crate) async fn checkpoint_and_close(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await.map_err(StoreError::db("close"))?;
        self.pool.close().await;
        Ok(())
    }

    pub fn device_id(&self) -> DeviceId {
        self.device
    }

    pub fn paths(&self) -> &StoragePaths {
        &self.paths
    }

    /// Runs `work` in one immediate write transaction, serialised with every other write.
    pub(crate) async fn transact<T>(
        &self,
        now: Timestamp,
        work: impl AsyncFnOnce(&mut Txn<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut clock = self.writer.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(StoreError::db("begin"))?;
        let mut txn = Txn { conn: &mut tx, now, device: self.device, clock: &mut clock };
        let out = work(&mut txn).await?;
        tx.commit().await.map_err(StoreError::db("commit"))?;
        Ok(out)
    }

    /// SQLite's structural check and SQLCipher's per-page HMAC check over the whole file.
    pub async fn check_integrity(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await.map_err(StoreError::db("integrity check"))?;
        let cipher: Vec<String> = sqlx::query_scalar("PRAGMA cipher_integrity_check")
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::db("integrity check"))?;
        if let Some(first) = cipher.first() {
            return Err(StoreError::Corrupt { detail: format!("{} page(s) fail; first: {first}", cipher.len()) });
        }
        let report: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::db("integrity check"))?;
        match report.as_slice() {
            [ok] if ok == "ok" => Ok(()),
            _ => Err(StoreError::Corrupt { detail: format!("integrity_check: {}", report.join("; ")) }),
        }
    }
}
