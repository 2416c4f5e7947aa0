//! Serial pulse oximeters: the port opened with the protocol's line settings, bytes fed to its parser.

use std::io::{Read, Write};
use std::time::Duration;

use eclinic_devices::observe::OximeterConditions;
use eclinic_devices::serial::cms50d::{self, Cms50dParser, StoredDataParser, StoredSample};
use eclinic_devices::serial::nonin::NoninFormat8Parser;
use eclinic_devices::serial::nonin13::NoninFormat13Parser;
use eclinic_domain::Timestamp;

use crate::{DeviceInfo, OximeterReading, Peripheral, PeripheralError, Reading};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SerialProtocol {
    /// Contec CMS50D+ live data.
    Cms50dPlus,
    /// Nonin 9560 data format 8.
    Nonin8,
    /// Nonin 9560 data format 13 (spot checks).
    Nonin13,
}

/// Baud rate, data bits, parity, stop bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSettings {
    pub baud: u32,
    pub data_bits: serialport::DataBits,
    pub parity: serialport::Parity,
    pub stop_bits: serialport::StopBits,
}

impl SerialProtocol {
    pub const ALL: [SerialProtocol; 3] = [SerialProtocol::Cms50dPlus, SerialProtocol::Nonin8, SerialProtocol::Nonin13];

    pub fn name(self) -> &'static str {
        match self {
            SerialProtocol::Cms50dPlus => "cms50dplus",
            SerialProtocol::Nonin8 => "nonin8",
            SerialProtocol::Nonin13 => "nonin13",
        }
    }

    pub fn parse(text: &str) -> Result<Self, PeripheralError> {
        Self::ALL.into_iter().find(|p| p.name() == text).ok_or_else(|| PeripheralError::UnknownProtocol(text.into()))
    }

    pub fn model(self) -> &'static str {
        match self {
            SerialProtocol::Cms50dPlus => "Contec CMS50D+",
            SerialProtocol::Nonin8 => "Nonin 9560 (format 8)",
            SerialProtocol::Nonin13 => "Nonin 9560 (format 13)",
        }
    }

    /// What the device speaks: the CMS50D+ 19200 baud 8-O-1 (odd parity: with none, every byte is garbled);
    /// the Nonin 9600 baud 8-N-1 in either format.
    pub fn line_settings(self) -> LineSettings {
        let (baud, parity) = match self {
            SerialProtocol::Cms50dPlus => (cms50d::BAUD, serialport::Parity::Odd),
            SerialProtocol::Nonin8 | SerialProtocol::Nonin13 => (9_600, serialport::Parity::None),
        };
        LineSettings { baud, data_bits: serialport::DataBits::Eight, parity, stop_bits: serialport::StopBits::One }
    }
}

/// The protocol's stream parser, fed bytes and drained into readings.
#[derive(Debug, Clone)]
pub enum OximeterParser {
    Cms50dPlus(Cms50dParser),
    Nonin8(NoninFormat8Parser),
    Nonin13(NoninFormat13Parser),
}

impl OximeterParser {
    pub fn new(protocol: SerialProtocol) -> Self {
        match protocol {
            SerialProtocol::Cms50dPlus => Self::Cms50dPlus(Cms50dParser::default()),
            SerialProtocol::Nonin8 => Self::Nonin8(NoninFormat8Parser::default()),
            SerialProtocol::Nonin13 => Self::Nonin13(NoninFormat13Parser::default()),
        }
    }

    pub fn handle_bytes(&mut self, now: Timestamp, bytes: &[u8]) {
        match self {
            Self::Cms50dPlus(parser) => parser.handle_bytes(now, bytes),
            Self::Nonin8(parser) => parser.handle_bytes(now, bytes),
            Self::Nonin13(parser) => parser.handle_bytes(now, bytes),
        }
    }

    pub fn poll_reading(&mut self) -> Option<OximeterReading> {
        match self {
            Self::Cms50dPlus(parser) => parser.poll_sample().map(|s| OximeterReading {
                received_at: s.received_at,
                spo2: s.spo2,
                pulse_rate: s.pulse_rate,
                pleth: Some(s.pleth),
                conditions: OximeterConditions::from(&s),
            }),
            Self::Nonin8(parser) => parser.poll_sample().map(|s| OximeterReading {
                received_at: s.received_at,
                spo2: s.spo2,
                pulse_rate: s.heart_rate,
                pleth: None,
                conditions: OximeterConditions::from(&s),
            }),
            Self::Nonin13(parser) => parser.poll_sample().map(|s| OximeterReading {
                received_at: s.received_at,
                spo2: s.spo2,
                pulse_rate: s.heart_rate,
                pleth: None,
                conditions: OximeterConditions::from(&s),
            }),
        }
    }
}

/// An oximeter on a serial port (a USB-serial cable, or a pseudo-terminal in tests).
pub struct SerialOximeter {
    port: Box<dyn serialport::SerialPort>,
    path: String,
    protocol: SerialProtocol,
    parser: OximeterParser,
}

impl std::fmt::Debug for SerialOximeter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialOximeter").field("path", &self.path).field("protocol", &self.protocol).finish()
    }
}

impl SerialOximeter {
    pub fn open(path: &str, protocol: SerialProtocol) -> Result<Self, PeripheralError> {
        let line = protocol.line_settings();
        let port = serialport::new(path, line.baud)
            .data_bits(line.data_bits)
            .parity(line.parity)
            .stop_bits(line.stop_bits)
            .flow_control(serialport::FlowControl::None)
            .timeout(Duration::from_millis(100))
            .open()
            .map_err(|e| PeripheralError::Open { port: path.into(), reason: e.to_string() })?;
        Ok(Self { port, path: path.into(), protocol, parser: OximeterParser::new(protocol) })
    }

    /// The line settings the kernel reports for the open port.
    pub fn line_settings(&self) -> Result<LineSettings, PeripheralError> {
        let io = |e: serialport::Error| self.io_error(e.to_string());
        Ok(LineSettings {
            baud: self.port.baud_rate().map_err(io)?,
            data_bits: self.port.data_bits().map_err(io)?,
            parity: self.port.parity().map_err(io)?,
            stop_bits: self.port.stop_bits().map_err(io)?,
        })
    }

    /// Downloads the recording a CMS50D+ keeps in its memory: one sample per recorded second. Ends when every
    /// announced record has arrived or the device has been silent for `silence`; live packets that were on
    /// their way are skipped.
    pub fn download_stored(&mut self, silence: Duration) -> Result<Vec<StoredSample>, PeripheralError> {
        if self.protocol != SerialProtocol::Cms50dPlus {
            return Err(PeripheralError::Unsupported { what: "a stored-data download", model: self.protocol.model() });
        }
        self.port.write_all(&cms50d::START_DOWNLOAD).map_err(|e| self.io_error(e.to_string()))?;
        self.port.set_timeout(Duration::from_millis(100)).map_err(|e| self.io_error(e.to_string()))?;
        let mut parser = StoredDataParser::default();
        let mut samples = Vec::new();
        let mut last_heard = std::time::Instant::now();
        let mut buffer = [0u8; 1024];
        while !parser.is_complete() && last_heard.elapsed() < silence {
            match self.port.read(&mut buffer) {
                Ok(0) => return Err(PeripheralError::Disconnected),
                Ok(n) => {
                    parser.handle_bytes(&buffer[..n]);
                    last_heard = std::time::Instant::now();
                }
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => return Err(self.io_error(e.to_string())),
            }
            samples.extend(std::iter::from_fn(|| parser.poll_sample()));
        }
        samples.extend(std::iter::from_fn(|| parser.poll_sample()));
        self.port.write_all(&cms50d::STOP_DOWNLOAD).map_err(|e| self.io_error(e.to_string()))?;
        Ok(samples)
    }

    fn io_error(&self, reason: String) -> PeripheralError {
        PeripheralError::Io { port: self.path.clone(), reason }
    }
}

impl Peripheral for SerialOximeter {
    fn info(&self) -> DeviceInfo {
        DeviceInfo { model: self.protocol.model().into(), address: self.path.clone() }
    }

    fn read(&mut self, now: Timestamp, wait: Duration) -> Result<Vec<Reading>, PeripheralError> {
        self.port.set_timeout(wait).map_err(|e| self.io_error(e.to_string()))?;
        let mut buffer = [0u8; 1024];
        match self.port.read(&mut buffer) {
            // A read that returns nothing without timing out is a hung-up line: the device went away.
            Ok(0) => return Err(PeripheralError::Disconnected),
            Ok(n) => self.parser.handle_bytes(now, &buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => return Err(self.io_error(e.to_string())),
        }
        Ok(std::iter::from_fn(|| self.parser.poll_reading()).map(Reading::Oximeter).collect())
    }
}
