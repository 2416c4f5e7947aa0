//! Where this installation's server is: `server.json` in the data directory, written when the kiosk is
//! enrolled or the doctor's PC is set up.

use crate::AppError;
use eclinic_connect::{ServerClient, trust_certificate};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SERVER_FILE: &str = "server.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSettings {
    /// Like `https://clinic.example.org:8443`.
    pub url: String,
    /// The certificate to trust for it (the deployment's CA, or the demo server's own).
    pub ca_pem: PathBuf,
    /// Local UDP addresses the call gathers candidates on; every interface when empty.
    #[serde(default)]
    pub media_bind: Vec<String>,
    /// The kiosk's name as the server knows it (the clinic named on printed prescriptions); set at enrolment.
    #[serde(default)]
    pub kiosk_name: Option<String>,
}

impl ServerSettings {
    pub fn load(data_dir: &Path) -> Result<Self, AppError> {
        let text = match std::fs::read_to_string(data_dir.join(SERVER_FILE)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::NoServer),
            Err(e) => return Err(AppError::ServerSettings(e.to_string())),
        };
        serde_json::from_str(&text).map_err(|e| AppError::ServerSettings(e.to_string()))
    }

    pub fn save(&self, data_dir: &Path) -> Result<(), AppError> {
        let text = serde_json::to_string_pretty(self).map_err(|e| AppError::ServerSettings(e.to_string()))?;
        std::fs::create_dir_all(data_dir)
            .and_then(|()| std::fs::write(data_dir.join(SERVER_FILE), text))
            .map_err(|e| AppError::ServerSettings(e.to_string()))
    }

    /// Enrols this kiosk with a one-time code from the server's admin: the kiosk's credential goes to the OS
    /// keyring and these settings to `data_dir`. Returns the kiosk's name as the server knows it.
    pub async fn enrol_kiosk(&self, data_dir: &Path, code: &str) -> Result<String, AppError> {
        let (_, name) = self.client()?.enrol_this_kiosk(code.trim()).await?;
        Self { kiosk_name: Some(name.clone()), ..self.clone() }.save(data_dir)?;
        Ok(name)
    }

    /// The clinic's name for printed documents: the kiosk's name when it is enrolled.
    pub fn clinic_name(data_dir: &Path) -> Option<String> {
        Self::load(data_dir).ok()?.kiosk_name
    }

    pub fn client(&self) -> Result<ServerClient, AppError> {
        Ok(ServerClient::new(&self.url, trust_certificate(&self.ca_pem)?)?)
    }

    pub(crate) fn media_bind(&self) -> Vec<String> {
        if self.media_bind.is_empty() { vec!["0.0.0.0:0".to_owned()] } else { self.media_bind.clone() }
    }
}
