//! BLE health devices through the OS Bluetooth stack (BlueZ over D-Bus on Linux) with btleplug. A worker
//! thread owns the async radio work and hands each characteristic value to [`BluezDevice::next_value`];
//! everything else (decoding, readings) is the same code the simulated devices go through.
//!
//! Subscribing goes through BlueZ's StartNotify, which writes the CCCD itself: `0x0002` (indicate) for the
//! characteristics the profiles indicate, `0x0001` for those they notify.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use btleplug::api::bleuuid::{BleUuid, uuid_from_u16};
use btleplug::api::{Central, Manager as _, Peripheral as _, ScanFilter, WriteType};
use btleplug::platform::{Adapter, Manager, Peripheral};
use eclinic_devices::gatt::Characteristic;
use eclinic_devices::gatt::racp::RACP_UUID16;
use eclinic_domain::Timestamp;
use futures_util::StreamExt;

use super::{BleKind, GattSource, GattValue};
use crate::{DeviceInfo, PeripheralError};

/// A device seen in a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advertised {
    pub address: String,
    pub name: Option<String>,
    pub kind: BleKind,
}

fn bluetooth(error: impl std::fmt::Display) -> PeripheralError {
    PeripheralError::Bluetooth(error.to_string())
}

fn runtime() -> Result<tokio::runtime::Runtime, PeripheralError> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(bluetooth)
}

async fn first_adapter() -> Result<Adapter, PeripheralError> {
    let manager = Manager::new().await.map_err(bluetooth)?;
    manager.adapters().await.map_err(bluetooth)?.into_iter().next().ok_or_else(|| bluetooth("no Bluetooth adapter"))
}

fn health_services() -> Vec<uuid::Uuid> {
    BleKind::ALL.into_iter().map(|kind| uuid_from_u16(kind.service_uuid16())).collect()
}

/// Scans for `duration` for devices advertising a health service. The radio work runs on its own thread and
/// runtime, so this may be called from anywhere, an async context included.
pub fn scan(duration: Duration) -> Result<Vec<Advertised>, PeripheralError> {
    std::thread::spawn(move || runtime()?.block_on(scan_on_this_thread(duration)))
        .join()
        .map_err(|_| bluetooth("the scan stopped unexpectedly"))?
}

async fn scan_on_this_thread(duration: Duration) -> Result<Vec<Advertised>, PeripheralError> {
    let adapter = first_adapter().await?;
    adapter.start_scan(ScanFilter { services: health_services() }).await.map_err(bluetooth)?;
    tokio::time::sleep(duration).await;
    let mut found = Vec::new();
    for peripheral in adapter.peripherals().await.map_err(bluetooth)? {
        let Some(properties) = peripheral.properties().await.map_err(bluetooth)? else { continue };
        let services: Vec<u16> = properties.services.iter().filter_map(BleUuid::to_ble_u16).collect();
        if let Some(kind) = BleKind::from_services(&services) {
            found.push(Advertised { address: properties.address.to_string(), name: properties.local_name, kind });
        }
    }
    let _ = adapter.stop_scan().await;
    Ok(found)
}

type Value = Result<GattValue, PeripheralError>;

/// A write for the worker: the characteristic, the bytes, and where to say how it went.
type WriteRequest = (u16, Vec<u8>, Sender<Result<(), PeripheralError>>);

/// A connected BLE health device.
#[derive(Debug)]
pub struct BluezDevice {
    address: String,
    values: Receiver<Value>,
    writes: tokio::sync::mpsc::UnboundedSender<WriteRequest>,
}

impl BluezDevice {
    /// Connects to the device at `address` (`AA:BB:CC:DD:EE:FF`), subscribes to every health
    /// characteristic it has, and starts delivering values.
    pub fn connect(address: &str) -> Result<Self, PeripheralError> {
        let (values, received) = channel();
        let (ready, connected) = channel();
        let (writes, write_requests) = tokio::sync::mpsc::unbounded_channel();
        let target = address.to_owned();
        std::thread::Builder::new()
            .name(format!("ble-{address}"))
            .spawn(move || match runtime() {
                Ok(runtime) => runtime.block_on(run(&target, &ready, &values, write_requests)),
                Err(error) => {
                    let _ = ready.send(Err(error));
                }
            })
            .map_err(bluetooth)?;
        connected.recv().map_err(|_| PeripheralError::Disconnected)??;
        Ok(Self { address: address.to_owned(), values: received, writes })
    }
}

async fn run(
    address: &str,
    ready: &Sender<Result<(), PeripheralError>>,
    values: &Sender<Value>,
    writes: tokio::sync::mpsc::UnboundedReceiver<WriteRequest>,
) {
    match connect_and_subscribe(address).await {
        Ok(peripheral) => {
            let _ = ready.send(Ok(()));
            forward(&peripheral, values, writes).await;
            let _ = peripheral.disconnect().await;
        }
        Err(error) => {
            let _ = ready.send(Err(error));
        }
    }
}

async fn connect_and_subscribe(address: &str) -> Result<Peripheral, PeripheralError> {
    let adapter = first_adapter().await?;
    adapter.start_scan(ScanFilter { services: health_services() }).await.map_err(bluetooth)?;
    let mut found = None;
    for _ in 0..20 {
        for peripheral in adapter.peripherals().await.map_err(bluetooth)? {
            if peripheral.address().to_string().eq_ignore_ascii_case(address) {
                found = Some(peripheral);
            }
        }
        if found.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let _ = adapter.stop_scan().await;
    let peripheral = found.ok_or_else(|| bluetooth(format!("{address} is not in range")))?;
    peripheral.connect().await.map_err(bluetooth)?;
    peripheral.discover_services().await.map_err(bluetooth)?;
    let mut measurements = 0;
    for characteristic in peripheral.characteristics() {
        let Some(short) = short_uuid(&characteristic.uuid) else { continue };
        let measurement = Characteristic::from_uuid16(short).is_some();
        // A glucose meter answers record requests by indication on its control point.
        if measurement || short == RACP_UUID16 {
            peripheral.subscribe(&characteristic).await.map_err(bluetooth)?;
            measurements += usize::from(measurement);
        }
    }
    if measurements == 0 {
        return Err(bluetooth(format!("{address} has no health characteristic e-clinic reads")));
    }
    Ok(peripheral)
}

fn short_uuid(uuid: &uuid::Uuid) -> Option<u16> {
    uuid.to_ble_u16()
}

async fn write(peripheral: &Peripheral, uuid16: u16, value: &[u8]) -> Result<(), PeripheralError> {
    let characteristic = peripheral
        .characteristics()
        .into_iter()
        .find(|c| short_uuid(&c.uuid) == Some(uuid16))
        .ok_or_else(|| bluetooth(format!("the device has no characteristic {uuid16:04x}")))?;
    peripheral.write(&characteristic, value, WriteType::WithResponse).await.map_err(bluetooth)
}

/// Forwards every notification or indication, and carries out writes, until the device goes away or the
/// `BluezDevice` is dropped.
async fn forward(
    peripheral: &Peripheral,
    values: &Sender<Value>,
    mut writes: tokio::sync::mpsc::UnboundedReceiver<WriteRequest>,
) {
    let mut notifications = match peripheral.notifications().await {
        Ok(stream) => stream,
        Err(error) => {
            let _ = values.send(Err(bluetooth(error)));
            return;
        }
    };
    loop {
        tokio::select! {
            notification = notifications.next() => {
                let Some(notification) = notification else { break };
                let Some(uuid16) = short_uuid(&notification.uuid) else { continue };
                if values.send(Ok(GattValue { uuid16, value: notification.value })).is_err() {
                    return;
                }
            }
            request = writes.recv() => {
                let Some((uuid16, value, done)) = request else { return };
                let _ = done.send(write(peripheral, uuid16, &value).await);
            }
        }
    }
    let _ = values.send(Err(PeripheralError::Disconnected));
}

impl GattSource for BluezDevice {
    fn info(&self) -> DeviceInfo {
        DeviceInfo { model: "Bluetooth LE health device".into(), address: self.address.clone() }
    }

    fn next_value(&mut self, _now: Timestamp, wait: Duration) -> Result<Option<GattValue>, PeripheralError> {
        match self.values.recv_timeout(wait) {
            Ok(value) => value.map(Some),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(PeripheralError::Disconnected),
        }
    }

    fn write(&mut self, uuid16: u16, value: &[u8]) -> Result<(), PeripheralError> {
        let (done, result) = channel();
        self.writes.send((uuid16, value.to_vec(), done)).map_err(|_| PeripheralError::Disconnected)?;
        result.recv().map_err(|_| PeripheralError::Disconnected)?
    }
}
