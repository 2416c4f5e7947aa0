//! Opening a SQLCipher database: key handling, the checks that make a wrong key or a damaged file a typed
//! error, and the pragmas that make clinical writes durable.

use crate::error::{NOTADB, READONLY, StoreError, sqlite_code};
use crate::key::DbKey;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{ConnectOptions, Connection, SqliteConnection, SqlitePool};
use std::path::Path;
use std::sync::Arc;

/// SQLCipher 4's default page size, which every store uses.
const PAGE_SIZE: u64 = 4096;

/// How a probe opens the file: read-only for a live store (nothing may change before the key is proven),
/// read-write for an existing backup that is about to be exported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    ReadOnly,
    ReadWrite,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Options every connection to a store file shares: SQLCipher's stderr logging off (it would print HMAC
/// failures), no statement logging. The key is not among them (see `apply_key`), so nothing here may read
/// the file.
fn base_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .pragma("cipher_log_level", "NONE")
        .pragma("temp_store", "MEMORY")
        .disable_statement_logging()
}

/// Keys a new connection through SQLCipher's C API instead of a `PRAGMA key` statement: a pool keeps its
/// connect options (pragmas included) for as long as it lives, and statement text is copied into buffers
/// nobody wipes. This way the key's only copies are the caller's `DbKey`, this call's zeroised text and
/// SQLCipher's own, which it wipes when the connection closes.
#[allow(unsafe_code)] // the one FFI call the store makes; sqlx offers no keyed open
async fn apply_key(conn: &mut SqliteConnection, key: &DbKey) -> Result<(), sqlx::Error> {
    let raw = key.sqlcipher_raw();
    let length = std::ffi::c_int::try_from(raw.len()).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let mut handle = conn.lock_handle().await?;
    // SAFETY: the handle is a live connection, locked away from sqlx's worker for the duration of the call
    // (sqlx's documented way to make direct SQLite calls); the database name is a NUL-terminated literal; the
    // key pointer and length describe `raw`, which outlives the call, and SQLCipher copies what it keeps.
    let code = unsafe {
        libsqlite3_sys::sqlite3_key_v2(handle.as_raw_handle().as_ptr(), c"main".as_ptr(), raw.as_ptr().cast(), length)
    };
    if code == libsqlite3_sys::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(format!("SQLCipher refused the key (code {code})")))
    }
}

/// Connects and proves that the key opens the file, without changing the database or its WAL.
///
/// SQLCipher accepts any key at connect and fails at the first read of page 1, so a check query runs here.
/// When it fails, the per-page HMACs tell a wrong key (no page verifies) from a damaged file (some do).
///
/// A store whose process died mid-write leaves a WAL whose index (`-shm`) must be rebuilt before anything
/// can be read, and a read-only connection may not rebuild it. Then the probe retries read-write: rebuilding
/// the index reads WAL frames as stored and writes only `-shm`, whatever the key.
pub(crate) async fn probe(path: &Path, key: &DbKey, access: Access) -> Result<SqliteConnection, StoreError> {
    match probe_with(path, key, access).await {
        Err(Probe::NeedsWalRecovery) if access == Access::ReadOnly => {
            probe_with(path, key, Access::ReadWrite).await.map_err(Probe::into_error)
        }
        other => other.map_err(Probe::into_error),
    }
}

enum Probe {
    NeedsWalRecovery,
    Failed(StoreError),
}

impl Probe {
    fn into_error(self) -> StoreError {
        match self {
            Probe::NeedsWalRecovery => {
                StoreError::Database { op: "open", message: "the write-ahead log needs recovery".to_owned() }
            }
            Probe::Failed(e) => e,
        }
    }
}

async fn probe_with(path: &Path, key: &DbKey, access: Access) -> Result<SqliteConnection, Probe> {
    let mut conn = base_options(path)
        .read_only(access == Access::ReadOnly)
        // ATTACH inherits the open flags: exporting needs CREATE for the target file.
        .create_if_missing(access == Access::ReadWrite)
        .connect()
        .await
        .map_err(|e| classify(StoreError::db("open"), e))?;
    let checked = match apply_key(&mut conn, key).await {
        Ok(()) => prove_key(&mut conn, path).await,
        Err(e) => Err(Probe::Failed(StoreError::db("open")(e))),
    };
    match checked {
        Ok(()) => Ok(conn),
        Err(e) => {
            // Closed here rather than dropped: a close left to the worker thread can outlive the process.
            let _ = conn.close().await;
            Err(e)
        }
    }
}

/// SQLITE_READONLY (8) from a read-only connection means it would have had to write to read: WAL recovery.
fn classify(map: impl FnOnce(sqlx::Error) -> StoreError, err: sqlx::Error) -> Probe {
    if sqlite_code(&err) == Some(READONLY) { Probe::NeedsWalRecovery } else { Probe::Failed(map(err)) }
}

async fn prove_key(conn: &mut SqliteConnection, path: &Path) -> Result<(), Probe> {
    let version: Option<String> = sqlx::query_scalar("PRAGMA cipher_version")
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| classify(StoreError::db("open"), e))?;
    if version.unwrap_or_default().is_empty() {
        return Err(Probe::Failed(StoreError::NotEncrypted));
    }
    match sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_schema").fetch_one(&mut *conn).await {
        Ok(_) => Ok(()),
        Err(e) if sqlite_code(&e) == Some(NOTADB) => Err(Probe::Failed(diagnose_unreadable(conn, path).await)),
        Err(e) => Err(classify(StoreError::db("open"), e)),
    }
}

/// Page 1 did not decrypt. If any page's HMAC verifies with this key, the key is right and the file is
/// damaged; if none does, the key is wrong.
async fn diagnose_unreadable(conn: &mut SqliteConnection, path: &Path) -> StoreError {
    let failures: Vec<String> = match sqlx::query_scalar("PRAGMA cipher_integrity_check").fetch_all(&mut *conn).await {
        Ok(rows) => rows,
        Err(_) => return StoreError::WrongKey,
    };
    let file_len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let file_pages = usize::try_from(file_len / PAGE_SIZE).unwrap_or(usize::MAX);
    let failed_pages = failures.iter().filter(|f| f.contains("HMAC")).count();
    if failed_pages > 0 && file_pages > failed_pages {
        StoreError::Corrupt { detail: format!("{failed_pages} of {file_pages} pages fail their HMAC") }
    } else {
        StoreError::WrongKey
    }
}

/// Creates a new encrypted database file and applies the schema.
pub(crate) async fn create(path: &Path, key: &DbKey) -> Result<SqlitePool, StoreError> {
    let pool = pool(path, key).await?;
    MIGRATOR.run(&pool).await.map_err(migrate_error)?;
    Ok(pool)
}

/// Opens an existing store file: probe first (typed errors, file untouched), then the pool and migrations.
pub(crate) async fn open(path: &Path, key: &DbKey) -> Result<SqlitePool, StoreError> {
    probe(path, key, Access::ReadOnly).await?.close().await.map_err(StoreError::db("open"))?;
    let pool = pool(path, key).await?;
    MIGRATOR.run(&pool).await.map_err(migrate_error)?;
    Ok(pool)
}

/// Each connection is keyed, then set to WAL with `synchronous=FULL`: a commit that returned survives power
/// loss, not only a process crash (after the key, since choosing the journal reads the file). The pool
/// holds its own copy of the key, wiped when the pool is dropped. The CREATE flag is for `ATTACH` (backups
/// and rekey export into new files); the store file itself was created or proven to exist before.
async fn pool(path: &Path, key: &DbKey) -> Result<SqlitePool, StoreError> {
    let key = Arc::new(key.clone());
    SqlitePoolOptions::new()
        .max_connections(4)
        .after_connect(move |conn, _| {
            let key = Arc::clone(&key);
            Box::pin(async move {
                apply_key(conn, &key).await?;
                sqlx::raw_sql("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;").execute(conn).await?;
                Ok(())
            })
        })
        .connect_with(base_options(path).create_if_missing(true))
        .await
        .map_err(StoreError::db("open"))
}

/// Copies the whole database into a new encrypted file with `key` (SQLCipher's `sqlcipher_export`), then
/// syncs it to disk. The target must not exist.
pub(crate) async fn export(conn: &mut SqliteConnection, target: &Path, key: &DbKey) -> Result<(), StoreError> {
    let target_text = target.to_str().ok_or(StoreError::Io {
        op: "export",
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "path is not UTF-8"),
    })?;
    sqlx::query("ATTACH DATABASE ?1 AS export KEY ?2")
        .bind(target_text)
        .bind(key.sqlcipher_raw().as_str())
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db("export"))?;
    let exported = sqlx::query("SELECT sqlcipher_export('export')").execute(&mut *conn).await;
    let detached = sqlx::query("DETACH DATABASE export").execute(&mut *conn).await;
    exported.map_err(StoreError::db("export"))?;
    detached.map_err(StoreError::db("export"))?;
    sync_file(target)
}

pub(crate) fn sync_file(path: &Path) -> Result<(), StoreError> {
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(StoreError::io("sync"))
}

/// Makes a rename in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::File::open(dir).and_then(|f| f.sync_all()).map_err(StoreError::io("sync directory"))
}

fn migrate_error(err: sqlx::migrate::MigrateError) -> StoreError {
    match err {
        sqlx::migrate::MigrateError::Execute(e) => StoreError::db("migrate")(e),
        other => StoreError::Database { op: "migrate", message: other.to_string() },
    }
}
