//! Simulated oximeters. A [`Script`] makes a believable patient (SpO2 and pulse drifting within normal
//! limits, a plethysmogram at the pulse rate) and encodes it in the device's own protocol. The bytes go either
//! to the protocol parser directly ([`SimulatedOximeter`], the demo's device behind [`Peripheral`]) or out of a
//! pseudo-terminal ([`PtyOximeter`]), where the real serial driver reads them as from a USB cable.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use eclinic_domain::Timestamp;

use eclinic_devices::serial::cms50d::START_DOWNLOAD;

use crate::serial::{OximeterParser, SerialProtocol};
use crate::{DeviceInfo, Peripheral, PeripheralError, Reading};

/// A simulated patient's oximetry, encoded as `protocol` frames.
#[derive(Debug, Clone)]
pub struct Script {
    protocol: SerialProtocol,
    frame: u64,
}

impl Script {
    pub fn new(protocol: SerialProtocol) -> Self {
        Self { protocol, frame: 0 }
    }

    /// Frames the device sends per minute: live streams many, a spot-check device one per measurement.
    pub fn frames_per_minute(&self) -> u64 {
        match self.protocol {
            SerialProtocol::Cms50dPlus => 3_600,
            SerialProtocol::Nonin8 => 180,
            SerialProtocol::Nonin13 => 6,
        }
    }

    /// The SpO2 (%) and pulse (bpm) the patient has `seconds` into the recording: slow drifts inside
    /// 96-98 % and 70-80 bpm.
    pub fn vitals_at(seconds: u64) -> (u8, u16) {
        let spo2 = 96 + u8::try_from((seconds / 7) % 3).unwrap_or(0);
        let pulse = 70 + u16::try_from((seconds * 3 / 5) % 11).unwrap_or(0);
        (spo2, pulse)
    }

    /// The frames due `elapsed_ms` after the device was switched on that were not sent yet.
    pub fn frames_until(&mut self, elapsed_ms: u64) -> Vec<u8> {
        let due = elapsed_ms * self.frames_per_minute() / 60_000 + 1;
        let mut bytes = Vec::new();
        while self.frame < due {
            let per_second = self.frames_per_minute().div_ceil(60);
            let (spo2, pulse) = Self::vitals_at(self.frame * 60_000 / self.frames_per_minute() / 1000);
            match self.protocol {
                SerialProtocol::Cms50dPlus => {
                    // A triangle wave at the pulse rate stands in for the plethysmogram.
                    let phase = (self.frame * u64::from(pulse) * 2) / 60 % (2 * per_second);
                    let rising = phase.min(2 * per_second - phase);
                    let pleth = u8::try_from(20 + rising * 80 / per_second).unwrap_or(100);
                    bytes.extend(cms50d_packet(spo2, pulse, pleth));
                }
                SerialProtocol::Nonin8 => bytes.extend(nonin8_frame(spo2, pulse)),
                SerialProtocol::Nonin13 => bytes.extend(nonin13_frame(spo2, pulse, self.frame)),
            }
            self.frame += 1;
        }
        bytes
    }
}

/// A CMS50D+ live packet: good signal, finger in.
fn cms50d_packet(spo2: u8, pulse: u16, pleth: u8) -> [u8; 5] {
    let pulse_high = u8::try_from((pulse >> 7) & 1).unwrap_or(0) << 6;
    let pulse_low = u8::try_from(pulse & 0x7F).unwrap_or(0);
    [0x80 | 0x08, pleth & 0x7F, pulse_high | 0x05, pulse_low, spo2 & 0x7F]
}

/// A Nonin format 8 frame: no alarms.
fn nonin8_frame(spo2: u8, pulse: u16) -> [u8; 4] {
    let pulse_high = u8::try_from((pulse >> 7) & 0x03).unwrap_or(0);
    let pulse_low = u8::try_from(pulse & 0x7F).unwrap_or(0);
    [0x80 | pulse_high, pulse_low, spo2 & 0x7F, 0x00]
}

/// A Nonin format 13 spot check taken now (the device's clock reads 2026-11-23 10:MM).
fn nonin13_frame(spo2: u8, pulse: u16, index: u64) -> Vec<u8> {
    let minute = u8::try_from(index % 60).unwrap_or(0);
    let body = [
        &[0x00, 0x0D, 0x00, 0x0D][..], // type 13, length 13
        &[20, 26, 11, 23, 10, minute, 0],
        &[0x00, 0x00],
        &pulse.to_be_bytes(),
        &[0x00, spo2 & 0x7F],
    ]
    .concat();
    let checksum = body.iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte));
    [&[0x00, 0x02][..], &body, &[checksum, 0x03]].concat()
}

/// How many seconds of recording a simulated CMS50D+ holds in its memory.
pub const STORED_SECONDS: u32 = 30;

/// A CMS50D+ answer to the stored-data request: three preambles, the length (record bytes, seven bits per
/// byte, least significant first), then one record per recorded second.
pub fn cms50d_stored_recording() -> Vec<u8> {
    let record_bytes = STORED_SECONDS * 3;
    let length = [0, 7, 14].map(|shift| 0x80 | u8::try_from((record_bytes >> shift) & 0x7F).unwrap_or(0));
    let records = (0..u64::from(STORED_SECONDS)).flat_map(|second| {
        let (spo2, pulse) = Script::vitals_at(second);
        let pulse_high = u8::try_from((pulse >> 7) & 1).unwrap_or(0);
        let pulse_low = u8::try_from(pulse & 0x7F).unwrap_or(0);
        [0xF0 | pulse_high, 0x80 | pulse_low, spo2 & 0x7F]
    });
    [0xF2, 0x80, 0x00].repeat(3).into_iter().chain(length).chain(records).collect()
}

/// The demo's oximeter: the script's bytes through the real protocol parser, no port.
#[derive(Debug)]
pub struct SimulatedOximeter {
    protocol: SerialProtocol,
    script: Script,
    parser: OximeterParser,
    started_at: Option<Timestamp>,
}

impl SimulatedOximeter {
    pub fn new(protocol: SerialProtocol) -> Self {
        Self { protocol, script: Script::new(protocol), parser: OximeterParser::new(protocol), started_at: None }
    }
}

impl Peripheral for SimulatedOximeter {
    fn info(&self) -> DeviceInfo {
        DeviceInfo { model: format!("{} (simulated)", self.protocol.model()), address: "simulated".into() }
    }

    /// Delivers the frames due by `now` (the device's pace follows the caller's clock; `wait` is not slept).
    fn read(&mut self, now: Timestamp, _wait: Duration) -> Result<Vec<Reading>, PeripheralError> {
        let started = *self.started_at.get_or_insert(now);
        let elapsed_ms = u64::try_from(now.unix_ms().saturating_sub(started.unix_ms())).unwrap_or(0);
        let bytes = self.script.frames_until(elapsed_ms);
        self.parser.handle_bytes(now, &bytes);
        Ok(std::iter::from_fn(|| self.parser.poll_reading()).map(Reading::Oximeter).collect())
    }
}

/// A simulated oximeter on a pseudo-terminal: open [`PtyOximeter::path`] with the real serial driver.
/// It writes at the device's pace until dropped.
#[derive(Debug)]
pub struct PtyOximeter {
    path: String,
    running: Arc<AtomicBool>,
    writer: Option<JoinHandle<()>>,
}

impl PtyOximeter {
    pub fn start(protocol: SerialProtocol) -> Result<Self, PeripheralError> {
        let pty_error =
            |e: serialport::Error| PeripheralError::Open { port: "pseudo-terminal".into(), reason: e.to_string() };
        let (mut master, slave) = serialport::TTYPort::pair().map_err(pty_error)?;
        let path = serialport::SerialPort::name(&slave)
            .ok_or_else(|| PeripheralError::Open { port: "pseudo-terminal".into(), reason: "no slave path".into() })?;
        let running = Arc::new(AtomicBool::new(true));
        let still_running = Arc::clone(&running);
        let writer = std::thread::spawn(move || {
            // The slave stays open here so the terminal exists while the driver closes and reopens it.
            let _slave = slave;
            let mut script = Script::new(protocol);
            let switched_on = std::time::Instant::now();
            let _ = serialport::SerialPort::set_timeout(&mut master, Duration::from_millis(20));
            let mut request = Vec::new();
            while still_running.load(Ordering::Relaxed) {
                let elapsed_ms = u64::try_from(switched_on.elapsed().as_millis()).unwrap_or(u64::MAX);
                // A full buffer (nobody reading) is not an error for a device: it keeps sending.
                let _ = master.write_all(&script.frames_until(elapsed_ms));
                // What the driver writes: a CMS50D+ answers the stored-data request.
                let mut incoming = [0u8; 64];
                if let Ok(n) = std::io::Read::read(&mut master, &mut incoming) {
                    request.extend_from_slice(&incoming[..n]);
                    if protocol == SerialProtocol::Cms50dPlus && request.windows(2).any(|w| w == START_DOWNLOAD) {
                        let _ = master.write_all(&cms50d_stored_recording());
                    }
                    request.drain(..request.len().saturating_sub(1));
                }
            }
        });
        Ok(Self { path, running, writer: Some(writer) })
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}

impl Drop for PtyOximeter {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}
