//! The kiosk's devices as an admin pairs them: what is paired, what is attached or in range, pair and forget.
//! The pairings file is the one the vitals feed reads at the next visit.

use crate::{AppError, Clinic, DEVICES_FILE};
use eclinic_peripherals::manager::{DeviceKind, DeviceManager, PairedDevice, look_around};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long the console listens for BLE devices advertising.
const SCAN: Duration = Duration::from_secs(3);

/// The devices section of the console.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DevicesView {
    pub paired: Vec<DeviceView>,
    /// Serial ports on this machine (oximeters on USB-serial cables).
    pub serial_ports: Vec<String>,
    /// BLE health devices that advertised during the scan.
    pub in_range: Vec<DeviceView>,
    /// Why Bluetooth could not be scanned (no adapter, no service), if so.
    pub bluetooth_problem: Option<String>,
    /// Every kind that can be paired, by name.
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DeviceView {
    pub kind: String,
    pub address: String,
    pub name: Option<String>,
}

/// A device to pair: its kind and where it is (a serial port, a BLE address, or `simulated`).
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct PairForm {
    pub kind: String,
    pub address: String,
}

impl Clinic {
    fn device_manager(&self) -> Result<DeviceManager, AppError> {
        Ok(DeviceManager::load(&self.data_dir.join(DEVICES_FILE))?)
    }

    /// What is paired, and what is attached or in range (scanning Bluetooth for a few seconds); admins only.
    pub async fn devices_overview(&self) -> Result<DevicesView, AppError> {
        self.require_admin()?;
        let paired = self.device_manager()?.paired().iter().map(paired_view).collect();
        let attached = tokio::task::spawn_blocking(|| look_around(SCAN)).await.map_err(|_| {
            AppError::Devices(eclinic_peripherals::PeripheralError::Bluetooth("the scan stopped".into()))
        })??;
        let (in_range, bluetooth_problem) = match attached.bluetooth {
            Ok(found) => (
                found
                    .into_iter()
                    .map(|d| DeviceView { kind: d.kind.name().to_owned(), address: d.address, name: d.name })
                    .collect(),
                None,
            ),
            Err(problem) => (Vec::new(), Some(problem.to_string())),
        };
        Ok(DevicesView {
            paired,
            serial_ports: attached.serial_ports,
            in_range,
            bluetooth_problem,
            kinds: DeviceKind::all().map(|k| k.name().to_owned()).collect(),
        })
    }

    /// Pairs a device (replacing one at the same address); admins only. Returns what is paired now.
    pub fn pair_device(&self, form: &PairForm) -> Result<Vec<DeviceView>, AppError> {
        self.require_admin()?;
        let kind = DeviceKind::parse(form.kind.trim()).ok_or(AppError::UnknownChoice { what: "device kind" })?;
        let mut manager = self.device_manager()?;
        manager.pair(PairedDevice { kind, address: form.address.trim().to_owned() })?;
        Ok(manager.paired().iter().map(paired_view).collect())
    }

    /// Forgets the device at `address`; admins only. Returns what is paired now.
    pub fn forget_device(&self, address: &str) -> Result<Vec<DeviceView>, AppError> {
        self.require_admin()?;
        let mut manager = self.device_manager()?;
        if !manager.forget(address)? {
            return Err(AppError::UnknownChoice { what: "device" });
        }
        Ok(manager.paired().iter().map(paired_view).collect())
    }
}

fn paired_view(device: &PairedDevice) -> DeviceView {
    DeviceView { kind: device.kind.name().to_owned(), address: device.address.clone(), name: None }
}
