//! The kiosk's devices: which are paired (remembered in a small file in the kiosk's data directory; device
//! addresses are not patient data), which are connected, and one stream of events from all of them —
//! connected, disconnected, readings. A device that goes away (a cable pulled, a cuff switched off) is retried
//! every few seconds, so plugging it back in is all a health worker does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use eclinic_domain::Timestamp;

use crate::ble::bluez::{self, Advertised, BluezDevice};
use crate::ble::simulated::SimulatedGattDevice;
use crate::ble::{BleHealthDevice, BleKind};
use crate::serial::{SerialOximeter, SerialProtocol};
use crate::simulated::SimulatedOximeter;
use crate::{Peripheral, PeripheralError, Reading};

/// The address that pairs a simulated device of a kind instead of a real one.
pub const SIMULATED: &str = "simulated";

/// Whether `address` names a simulated device: [`SIMULATED`], or `simulated:NAME` when a kiosk has several
/// (a device list keys devices by address).
pub fn is_simulated(address: &str) -> bool {
    address.strip_prefix(SIMULATED).is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
}

/// How long after a failed open or a disconnect the manager tries again.
pub const RETRY_MS: i64 = 3_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Serial(SerialProtocol),
    Ble(BleKind),
}

impl DeviceKind {
    pub fn name(self) -> &'static str {
        match self {
            DeviceKind::Serial(protocol) => protocol.name(),
            DeviceKind::Ble(kind) => kind.name(),
        }
    }

    /// Every kind a kiosk can pair.
    pub fn all() -> impl Iterator<Item = DeviceKind> {
        SerialProtocol::ALL.into_iter().map(DeviceKind::Serial).chain(BleKind::ALL.into_iter().map(DeviceKind::Ble))
    }

    pub fn parse(text: &str) -> Option<Self> {
        BleKind::parse(text).map(DeviceKind::Ble).or_else(|| SerialProtocol::parse(text).ok().map(DeviceKind::Serial))
    }
}

/// A device the kiosk remembers: what it is and where it is attached (a serial port path, a BLE address, or
/// a simulated address, see [`is_simulated`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedDevice {
    pub kind: DeviceKind,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    Connected { address: String, model: String },
    Disconnected { address: String, reason: String },
    Reading { address: String, reading: Reading },
}

/// What is attached to this machine or in range of it, for someone about to pair a device.
#[derive(Debug)]
pub struct Attached {
    pub serial_ports: Vec<String>,
    /// BLE health devices advertising during the scan; an error when there is no adapter or no Bluetooth
    /// service, which is a finding to show, not a failure of the look.
    pub bluetooth: Result<Vec<Advertised>, PeripheralError>,
}

/// Lists the serial ports and scans for BLE health devices for `scan`.
pub fn look_around(scan: Duration) -> Result<Attached, PeripheralError> {
    let ports = serialport::available_ports()
        .map_err(|e| PeripheralError::Io { port: "serial ports".into(), reason: e.to_string() })?;
    Ok(Attached { serial_ports: ports.into_iter().map(|p| p.port_name).collect(), bluetooth: bluez::scan(scan) })
}

/// Paired devices and their connections.
pub struct DeviceManager {
    pairings_file: PathBuf,
    paired: Vec<PairedDevice>,
    open: HashMap<String, Box<dyn Peripheral>>,
    retry_at: HashMap<String, Timestamp>,
}

impl std::fmt::Debug for DeviceManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceManager").field("paired", &self.paired).field("open", &self.open.len()).finish()
    }
}

fn pairings_error(path: &Path, reason: impl std::fmt::Display) -> PeripheralError {
    PeripheralError::Pairings { file: path.display().to_string(), reason: reason.to_string() }
}

impl DeviceManager {
    /// Loads the pairings from `pairings_file` (none if it does not exist yet). A file that does not parse is
    /// an error, never silently emptied.
    pub fn load(pairings_file: &Path) -> Result<Self, PeripheralError> {
        let paired = match std::fs::read_to_string(pairings_file) {
            Ok(text) => parse_pairings(pairings_file, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(pairings_error(pairings_file, e)),
        };
        Ok(Self { pairings_file: pairings_file.to_owned(), paired, open: HashMap::new(), retry_at: HashMap::new() })
    }

    pub fn paired(&self) -> &[PairedDevice] {
        &self.paired
    }

    /// Remembers a device (replacing one at the same address) and saves the pairings.
    pub fn pair(&mut self, device: PairedDevice) -> Result<(), PeripheralError> {
        if device.address.is_empty() || device.address.contains(['\t', '\n', '\r']) {
            return Err(pairings_error(&self.pairings_file, "a device address is one line without tabs"));
        }
        self.forget_in_memory(&device.address);
        self.paired.push(device);
        self.save()
    }

    /// Forgets the device at `address` and closes it; false if it was not paired.
    pub fn forget(&mut self, address: &str) -> Result<bool, PeripheralError> {
        let known = self.forget_in_memory(address);
        self.save()?;
        Ok(known)
    }

    fn forget_in_memory(&mut self, address: &str) -> bool {
        let before = self.paired.len();
        self.paired.retain(|d| d.address != address);
        self.open.remove(address);
        self.retry_at.remove(address);
        self.paired.len() != before
    }

    fn save(&self) -> Result<(), PeripheralError> {
        let text: String = self.paired.iter().map(|d| format!("{}\t{}\n", d.kind.name(), d.address)).collect();
        // Written beside and renamed over, so a crash leaves the old list or the new one.
        let staging = self.pairings_file.with_extension("staging");
        std::fs::write(&staging, text)
            .and_then(|()| std::fs::rename(&staging, &self.pairings_file))
            .map_err(|e| pairings_error(&self.pairings_file, e))
    }

    /// Opens paired devices that are due, reads every open one (sharing `wait` between them), and reports
    /// what happened.
    pub fn poll(&mut self, now: Timestamp, wait: Duration) -> Vec<DeviceEvent> {
        let mut events = Vec::new();
        for device in &self.paired {
            let due = self.retry_at.get(&device.address).is_none_or(|at| *at <= now);
            if self.open.contains_key(&device.address) || !due {
                continue;
            }
            match open(device) {
                Ok(peripheral) => {
                    let model = peripheral.info().model;
                    events.push(DeviceEvent::Connected { address: device.address.clone(), model });
                    self.open.insert(device.address.clone(), peripheral);
                    self.retry_at.remove(&device.address);
                }
                Err(_) => {
                    self.retry_at.insert(device.address.clone(), now.saturating_add_ms(RETRY_MS));
                }
            }
        }
        let share = wait / u32::try_from(self.open.len().max(1)).unwrap_or(u32::MAX);
        let mut gone = Vec::new();
        for (address, peripheral) in &mut self.open {
            match peripheral.read(now, share) {
                Ok(readings) => events.extend(
                    readings.into_iter().map(|reading| DeviceEvent::Reading { address: address.clone(), reading }),
                ),
                Err(error) => gone.push((address.clone(), error.to_string())),
            }
        }
        for (address, reason) in gone {
            self.open.remove(&address);
            self.retry_at.insert(address.clone(), now.saturating_add_ms(RETRY_MS));
            events.push(DeviceEvent::Disconnected { address, reason });
        }
        events
    }
}

fn parse_pairings(path: &Path, text: &str) -> Result<Vec<PairedDevice>, PeripheralError> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(index, line)| {
            let bad = |what: &str| pairings_error(path, format!("line {}: {what}", index + 1));
            let (kind, address) = line.split_once('\t').ok_or_else(|| bad("expected KIND<tab>ADDRESS"))?;
            let kind = DeviceKind::parse(kind).ok_or_else(|| bad("unknown device kind"))?;
            if address.is_empty() {
                return Err(bad("empty address"));
            }
            Ok(PairedDevice { kind, address: address.to_owned() })
        })
        .collect()
}

fn open(device: &PairedDevice) -> Result<Box<dyn Peripheral>, PeripheralError> {
    let simulated = is_simulated(&device.address);
    Ok(match device.kind {
        DeviceKind::Serial(protocol) if simulated => Box::new(SimulatedOximeter::new(protocol)),
        DeviceKind::Serial(protocol) => Box::new(SerialOximeter::open(&device.address, protocol)?),
        DeviceKind::Ble(kind) if simulated => Box::new(BleHealthDevice::new(SimulatedGattDevice::new(kind))),
        DeviceKind::Ble(_) => Box::new(BleHealthDevice::new(BluezDevice::connect(&device.address)?)),
    })
}
