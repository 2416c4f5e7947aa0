//! Medical peripherals. Everything here is sans-IO: decoders take bytes and return typed measurements or
//! typed errors, stream parsers are fed bytes with `handle_bytes` and drained with `poll_reading`. Drivers
//! that own Bluetooth adapters and serial ports live elsewhere and only move bytes.
//!
//! No input, however malformed, makes these functions panic.

pub mod error;
pub mod gatt;
pub mod ieee11073;
pub mod observe;
mod reader;
pub mod serial;

pub use error::DecodeError;
pub use ieee11073::{Numeric, Special};
