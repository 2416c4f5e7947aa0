//! What can go wrong in a workflow, and the `{code, message}` form in which it reaches the UI. Messages name
//! the operation and the rule, never patient data (the store's and the domain's errors are written so).

use eclinic_domain::ValidationError;
use eclinic_peripherals::PeripheralError;
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
        }
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
