use thiserror::Error;

/// Failures reaching the database key. Messages say what to do and never carry key bytes.
#[derive(Debug, Error)]
pub enum KeyError {
    #[error(
        "the OS keyring is not available ({reason}); unlock or start the keyring (on Linux a Secret Service such as \
         gnome-keyring on the session bus) and try again"
    )]
    KeyUnavailable { reason: String },
    #[error(
        "no key for this data directory is in the keyring; an admin can import the recovery key with \
         `eclinic key import-recovery`"
    )]
    KeyMissing,
    #[error("a recovery key is 64 hexadecimal characters")]
    BadRecoveryKey,
}

#[derive(Debug, Error)]
pub enum AuthError {
    #[error("wrong username or secret")]
    InvalidCredentials,
    #[error("too many failed attempts; try again in {retry_after_s} s")]
    LockedOut { retry_after_s: i64 },
    #[error("this account is disabled")]
    Disabled,
    #[error("this action needs the {needed} role")]
    Forbidden { needed: &'static str },
}

/// Everything the store can refuse or fail at. Messages never contain patient data or key material: they
/// name the operation and the rule.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("invalid input: {0}")]
    Invalid(#[from] eclinic_domain::ValidationError),
    #[error("the database key does not open this store (it belongs to another store or was replaced)")]
    WrongKey,
    #[error("SQLCipher is not linked (cipher_version is empty): refusing to store records unencrypted")]
    NotEncrypted,
    #[error("the store is damaged: {detail}; restore from a backup")]
    Corrupt { detail: String },
    #[error("no store in this data directory; run `eclinic init` first")]
    NotInitialised,
    #[error("this data directory already holds a store")]
    AlreadyInitialised,
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("a user with this username already exists")]
    UsernameTaken,
    #[error("the store already has users; sign in as an admin to add more")]
    AlreadyBootstrapped,
    #[error("a backup file must not be inside the data directory")]
    BackupInsideDataDir,
    #[error("a stored record could not be read back ({what}); the store may have been edited by hand")]
    BadRecord { what: &'static str },
    #[error("a {what} with this id is already filed for another visit")]
    IdTaken { what: &'static str },
    #[error("{what} must be from {min} to {max}")]
    OutOfRange { what: &'static str, min: i64, max: i64 },
    #[error("filesystem error during {op}: {source}")]
    Io {
        op: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("database error during {op}: {message}")]
    Database { op: &'static str, message: String },
}

impl StoreError {
    /// A stable machine-readable code for the UI and the CLI's JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Key(KeyError::KeyUnavailable { .. }) => "key_unavailable",
            StoreError::Key(KeyError::KeyMissing) => "key_missing",
            StoreError::Key(KeyError::BadRecoveryKey) => "bad_recovery_key",
            StoreError::Auth(AuthError::InvalidCredentials) => "invalid_credentials",
            StoreError::Auth(AuthError::LockedOut { .. }) => "locked_out",
            StoreError::Auth(AuthError::Disabled) => "account_disabled",
            StoreError::Auth(AuthError::Forbidden { .. }) => "forbidden",
            StoreError::Invalid(_) | StoreError::OutOfRange { .. } => "invalid_input",
            StoreError::WrongKey => "wrong_key",
            StoreError::NotEncrypted => "not_encrypted",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::NotInitialised => "not_initialised",
            StoreError::AlreadyInitialised => "already_initialised",
            StoreError::NotFound { .. } => "not_found",
            StoreError::UsernameTaken => "username_taken",
            StoreError::AlreadyBootstrapped => "already_bootstrapped",
            StoreError::BackupInsideDataDir => "backup_inside_data_dir",
            StoreError::BadRecord { .. } => "bad_record",
            StoreError::IdTaken { .. } => "id_taken",
            StoreError::Io { .. } => "io",
            StoreError::Database { .. } => "database",
        }
    }

    pub(crate) fn io(op: &'static str) -> impl FnOnce(std::io::Error) -> StoreError {
        move |source| StoreError::Io { op, source }
    }

    /// Maps a sqlx error. SQLite's NOTADB and CORRUPT mean damaged pages once the store is open; other
    /// messages are SQLite's own, which name statements and constraints but never bound values.
    pub(crate) fn db(op: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |err| match sqlite_code(&err) {
            Some(code) if code == NOTADB || code == CORRUPT => {
                StoreError::Corrupt { detail: format!("{op}: SQLite error {code}") }
            }
            _ => StoreError::Database { op, message: database_message(&err) },
        }
    }
}

pub(crate) const CORRUPT: i32 = 11;
pub(crate) const NOTADB: i32 = 26;
pub(crate) const READONLY: i32 = 8;

/// The primary SQLite result code of a database error.
pub(crate) fn sqlite_code(err: &sqlx::Error) -> Option<i32> {
    let db = err.as_database_error()?;
    let code: i32 = db.code()?.parse().ok()?;
    Some(code & 0xff)
}

fn database_message(err: &sqlx::Error) -> String {
    match err.as_database_error() {
        Some(db) => db.message().to_owned(),
        None => match err {
            sqlx::Error::PoolTimedOut => "timed out waiting for a connection".to_owned(),
            sqlx::Error::PoolClosed => "the store is closed".to_owned(),
            sqlx::Error::RowNotFound => "row not found".to_owned(),
            sqlx::Error::Io(e) => format!("io: {}", e.kind()),
            _ => "internal error".to_owned(),
        },
    }
}
