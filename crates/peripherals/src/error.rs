use thiserror::Error;

#[derive(Debug, Error)]
pub enum PeripheralError {
    #[error("cannot open {port}: {reason}")]
    Open { port: String, reason: String },
    #[error("{port}: {reason}")]
    Io { port: String, reason: String },
    #[error("unknown protocol {0:?}; known: cms50dplus, nonin8, nonin13")]
    UnknownProtocol(String),
    #[error("Bluetooth: {0}")]
    Bluetooth(String),
    #[error("the device disconnected")]
    Disconnected,
    #[error("{model} does not support {what}")]
    Unsupported { what: &'static str, model: &'static str },
    #[error("paired devices file {file}: {reason}")]
    Pairings { file: String, reason: String },
}

impl PeripheralError {
    /// A stable code for the UI and `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            PeripheralError::Open { .. } => "device_open",
            PeripheralError::Io { .. } => "device_io",
            PeripheralError::UnknownProtocol(_) => "unknown_protocol",
            PeripheralError::Bluetooth(_) => "bluetooth",
            PeripheralError::Disconnected => "device_disconnected",
            PeripheralError::Pairings { .. } => "pairings",
            PeripheralError::Unsupported { .. } => "unsupported",
        }
    }
}
