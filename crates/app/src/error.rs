//! What can go wrong in a workflow, and the `{code, message}` form in which it reaches the UI. Messages name
//! the operation and the rule, never patient data (the store's and the domain's errors are written so).

use eclinic_call::channel::ChannelError;
use eclinic_call_session::SessionError;
use eclinic_connect::ConnectError;
use eclinic_domain::ValidationError;
use eclinic_media::MediaError;
use eclinic_peripherals::PeripheralError;
use eclinic_signal::wire::ErrorCode;
use eclinic_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    Devices(#[from] PeripheralError),
    #[error("sign in first")]
    SignedOut,
    #[error("the store is closed")]
    Closed,
    #[error("{what} is not a valid id")]
    BadId { what: &'static str },
    #[error("give a date of birth or an age, not both and not neither")]
    BirthEither,
    #[error("no device reading to save yet")]
    NoDeviceReading,
    #[error("start a visit first")]
    NoVisit,
    #[error("this installation has no server set up")]
    NoServer,
    #[error("the server settings cannot be read: {0}")]
    ServerSettings(String),
    #[error(transparent)]
    Server(#[from] ConnectError),
    #[error("the server closed the connection")]
    ServerClosed,
    #[error("the server refused: {0:?}")]
    Refused(ErrorCode),
    #[error(transparent)]
    Call(#[from] SessionError),
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("not in a consult")]
    NoConsult,
    #[error("unknown {what}")]
    UnknownChoice { what: &'static str },
    #[error(transparent)]
    Message(#[from] ChannelError),
    #[error("the message is empty")]
    EmptyMessage,
    #[error("the doctor's documents arrived before the server named the doctor")]
    UnknownDoctor,
    #[error("the preferences cannot be saved: {0}")]
    Preferences(String),
    #[error("the document cannot be printed: {0}")]
    Printing(String),
    #[error("the backup cannot be written: {0}")]
    Backup(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Store(e) => e.code(),
            AppError::Invalid(_) => "invalid_input",
            AppError::Devices(e) => e.code(),
            AppError::SignedOut => "signed_out",
            AppError::Closed => "closed",
            AppError::BadId { .. } => "bad_id",
            AppError::BirthEither => "invalid_input",
            AppError::NoDeviceReading => "no_device_reading",
            AppError::NoVisit => "no_visit",
            AppError::NoServer => "no_server",
            AppError::ServerSettings(_) => "server_settings",
            AppError::Server(e) => connect_code(e),
            AppError::ServerClosed => "server_unreachable",
            AppError::Refused(code) => refusal_code(*code),
            AppError::Call(e) => e.code(),
            AppError::Media(e) => e.code(),
            AppError::NoConsult => "no_consult",
            AppError::UnknownChoice { .. } => "invalid_input",
            AppError::Message(_) | AppError::EmptyMessage => "invalid_input",
            AppError::UnknownDoctor => "unknown_doctor",
            AppError::Preferences(_) => "preferences",
            AppError::Printing(_) => "printing",
            AppError::Backup(_) => "backup",
        }
    }
}

fn connect_code(e: &ConnectError) -> &'static str {
    match e {
        ConnectError::Refused { status: 401, .. } => "invalid_credentials",
        ConnectError::Refused { status: 403, .. } => "not_allowed",
        ConnectError::Refused { .. } => "server_refused",
        ConnectError::Http(_) | ConnectError::WebSocket(_) => "server_unreachable",
        ConnectError::Tls(_) => "server_tls",
        ConnectError::Wire(_) => "server_protocol",
        ConnectError::Keyring(_) => "keyring_unavailable",
        ConnectError::NotEnrolled => "not_enrolled",
    }
}

fn refusal_code(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::UnknownConsult => "consult_gone",
        ErrorCode::QueueEmpty => "queue_empty",
        ErrorCode::QueueFull => "queue_full",
        ErrorCode::Busy => "doctor_busy",
        ErrorCode::NotOnline => "doctor_away",
        ErrorCode::PeerAway => "peer_away",
        ErrorCode::RateLimited => "rate_limited",
        ErrorCode::NotAllowed => "not_allowed",
        ErrorCode::TooLarge
        | ErrorCode::Malformed
        | ErrorCode::UnsupportedVersion
        | ErrorCode::UnknownType
        | ErrorCode::Invalid
        | ErrorCode::OutOfOrder => "server_protocol",
    }
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ApiError {
    /// Stable and machine-readable; the UI's message catalogue is keyed by it.
    pub code: String,
    /// English detail for logs and support, without patient data.
    pub message: String,
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self { code: e.code().to_owned(), message: e.to_string() }
    }
}
