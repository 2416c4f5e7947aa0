//! The app's state: the face it shows and the installation (with why its records would not open, if so).

use crate::face::{Face, Launch};
use eclinic_app::{ApiError, AppError, Clinic};
use serde::Serialize;

#[derive(Debug)]
pub struct AppState {
    face: Face,
    clinic: Clinic,
    /// Why the records would not open when the app started.
    problem: Option<ApiError>,
}

/// What the first screen needs to know.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Startup {
    pub face: Face,
    /// Why the records cannot be opened (not set up, keyring locked, …); `None` when ready.
    pub problem: Option<ApiError>,
    /// The language to show until someone signs in: the last one chosen here.
    pub language: String,
}

impl AppState {
    pub async fn open(launch: &Launch) -> Self {
        let keys = std::sync::Arc::new(eclinic_store::OsKeyring);
        let (clinic, problem) = Clinic::start(&launch.data_dir, keys).await;
        Self { face: launch.face, clinic, problem: problem.map(ApiError::from) }
    }

    pub fn startup(&self) -> Startup {
        Startup { face: self.face, problem: self.problem.clone(), language: self.clinic.last_language() }
    }

    pub fn clinic(&self) -> &Clinic {
        &self.clinic
    }

    /// Closes the store (stopping devices) before the process exits.
    pub async fn close(&self) -> Result<(), AppError> {
        self.clinic.close().await
    }
}
