use thiserror::Error;

/// Everything the server's library can fail with. `code()` is what clients see; messages carry no secrets and
/// no patient data.
#[derive(Debug, Error)]
pub enum ServerError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("the token is missing, expired or revoked")]
    InvalidToken,
    #[error("this account may not do that")]
    Forbidden,
    #[error("the enrolment code is unknown, used or expired")]
    InvalidEnrolmentCode,
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: &'static str },
    #[error("TURN is not configured on this server")]
    TurnDisabled,
    #[error("TLS: {0}")]
    Tls(String),
    #[error("{context}: {source}")]
    Io { context: &'static str, source: std::io::Error },
    #[error("password hashing: {0}")]
    Hashing(String),
}

impl ServerError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Database(_) | Self::Migration(_) => "storage",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidToken => "invalid_token",
            Self::Forbidden => "forbidden",
            Self::InvalidEnrolmentCode => "invalid_enrolment_code",
            Self::Conflict(_) => "conflict",
            Self::InvalidInput { .. } => "invalid_input",
            Self::TurnDisabled => "turn_disabled",
            Self::Tls(_) => "tls",
            Self::Io { .. } => "io",
            Self::Hashing(_) => "internal",
        }
    }

    pub(crate) fn io(context: &'static str) -> impl FnOnce(std::io::Error) -> Self {
        move |source| Self::Io { context, source }
    }
}
