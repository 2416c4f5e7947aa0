use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("{what}: needs {needed} more byte(s) at offset {offset}")]
    Truncated { what: &'static str, offset: usize, needed: usize },
    #[error("{what}: reserved value {value:#x}")]
    Reserved { what: &'static str, value: u32 },
    #[error("{what}: invalid date or time")]
    BadDateTime { what: &'static str },
    #[error("unknown characteristic; known: 2a35 2a36 2a1c 2a37 2a18 2a5e 2a5f 2a9d")]
    UnknownCharacteristic,
}
