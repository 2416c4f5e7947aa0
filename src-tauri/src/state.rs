//! The app's state: the face it shows and the opened installation (or why it could not be opened).

use crate::face::{Face, Launch};
use eclinic_app::preferences::Preferences;
use eclinic_app::{ApiError, AppError, Clinic};
use serde::Serialize;

#[derive(Debug)]
pub struct AppState {
    face: Face,
    preferences: Preferences,
    clinic: Result<Clinic, ApiError>,
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
        let clinic = Clinic::open(&launch.data_dir, keys).await.map_err(ApiError::from);
        Self { face: launch.face, preferences: Preferences::new(&launch.data_dir), clinic }
    }

    pub fn startup(&self) -> Startup {
        Startup {
            face: self.face,
            problem: self.clinic.as_ref().err().cloned(),
            language: self.preferences.last_language(),
        }
    }

    pub fn clinic(&self) -> Result<&Clinic, ApiError> {
        self.clinic.as_ref().map_err(Clone::clone)
    }

    /// Closes the store (stopping devices) before the process exits.
    pub async fn close(&self) -> Result<(), AppError> {
        match &self.clinic {
            Ok(clinic) => clinic.close().await,
            Err(_) => Ok(()),
        }
    }
}
