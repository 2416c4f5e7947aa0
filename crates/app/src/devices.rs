//! The vitals panel's live feed: a thread polls the paired devices (real or simulated, through the same
//! manager), turns each reading into Observations of the open visit, shows them, and keeps the latest of each
//! vital so the health worker can save them with one press.

use crate::views::ObservationView;
use eclinic_devices::observe::{self, Context};
use eclinic_domain::{EncounterId, Observation, PatientId, RequiredText, Timestamp, VitalKind};
use eclinic_peripherals::Reading;
use eclinic_peripherals::manager::{DeviceEvent, DeviceManager};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long one poll of the devices waits for readings.
const POLL: Duration = Duration::from_millis(250);
/// The feed looks at its devices at most this often.
const SHORTEST_CYCLE: Duration = Duration::from_millis(50);

/// What the vitals panel is told about a device.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DeviceUpdate {
    Connected {
        address: String,
        model: String,
    },
    Disconnected {
        address: String,
        reason: String,
    },
    /// Values read from a device, not yet saved.
    Reading {
        address: String,
        vitals: Vec<ObservationView>,
    },
    /// The device sent something that records nothing (probe off, no valid measurement).
    NoMeasurement {
        address: String,
        reason: String,
    },
}

/// The latest device value of each vital, for the open visit.
type Latest = Arc<Mutex<HashMap<VitalKind, Observation>>>;

#[derive(Debug)]
pub(crate) struct DeviceWatch {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    latest: Latest,
}

impl DeviceWatch {
    pub(crate) fn start(
        manager: DeviceManager,
        patient: PatientId,
        encounter: EncounterId,
        clock: fn() -> Timestamp,
        mut sink: impl FnMut(DeviceUpdate, &[Observation]) + Send + 'static,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let latest = Latest::default();
        let thread = std::thread::spawn({
            let (stop, latest) = (stop.clone(), latest.clone());
            move || {
                let mut feed = Feed { manager, patient, encounter, models: HashMap::new(), latest };
                while !stop.load(Ordering::Relaxed) {
                    let cycle = std::time::Instant::now();
                    for event in feed.manager.poll(clock(), POLL) {
                        if let Some((update, observations)) = feed.update(event, clock()) {
                            sink(update, &observations);
                        }
                    }
                    // A real port waits for its bytes; simulated devices answer at once (their pace follows
                    // the clock given), and without this the feed would spin a core.
                    std::thread::sleep(SHORTEST_CYCLE.saturating_sub(cycle.elapsed()));
                }
            }
        });
        Self { stop, thread: Some(thread), latest }
    }

    /// The latest unsaved value of each vital, taken out (so one press saves each reading once).
    pub(crate) fn take_latest(&self) -> Vec<Observation> {
        let mut latest = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        let mut taken: Vec<Observation> = latest.drain().map(|(_, o)| o).collect();
        taken.sort_by_key(|o| o.code.as_str().to_owned());
        taken
    }
}

impl Drop for DeviceWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // A panicked feed thread has nothing left to clean up.
            let _ = thread.join();
        }
    }
}

struct Feed {
    manager: DeviceManager,
    patient: PatientId,
    encounter: EncounterId,
    models: HashMap<String, String>,
    latest: Latest,
}

impl Feed {
    /// What to show for `event` and the Observations it made; nothing for a reading that is no measurement
    /// and no fault (a cuff's pressure while it inflates).
    fn update(&mut self, event: DeviceEvent, now: Timestamp) -> Option<(DeviceUpdate, Vec<Observation>)> {
        match event {
            DeviceEvent::Connected { address, model } => {
                self.models.insert(address.clone(), model.clone());
                Some((DeviceUpdate::Connected { address, model }, Vec::new()))
            }
            DeviceEvent::Disconnected { address, reason } => {
                Some((DeviceUpdate::Disconnected { address, reason }, Vec::new()))
            }
            DeviceEvent::Reading { address, reading } => self.reading(address, &reading, now),
        }
    }

    fn reading(
        &mut self,
        address: String,
        reading: &Reading,
        now: Timestamp,
    ) -> Option<(DeviceUpdate, Vec<Observation>)> {
        let model = self.models.get(&address).map_or("device", String::as_str);
        let Ok(model) = RequiredText::parse("device", model, 200) else {
            let reason = "the device has no usable name".into();
            return Some((DeviceUpdate::NoMeasurement { address, reason }, Vec::new()));
        };
        let cx = Context { patient: self.patient, encounter: Some(self.encounter), model, serial: None, at: now };
        let recorded = match reading {
            Reading::Oximeter(r) => observe::from_oximeter(r.spo2, r.pulse_rate, r.conditions, &cx),
            Reading::Measurement { measurement, .. } => observe::from_measurement(measurement, &cx),
        };
        let (kept, refused): (Vec<_>, Vec<_>) = recorded.into_iter().partition(Result::is_ok);
        let kept: Vec<Observation> = kept.into_iter().filter_map(Result::ok).collect();
        if kept.is_empty() {
            let reason = refused.into_iter().find_map(Result::err)?.to_string();
            return Some((DeviceUpdate::NoMeasurement { address, reason }, Vec::new()));
        }
        let mut latest = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        for o in &kept {
            if let Some(kind) = VitalKind::from_loinc(&o.code) {
                latest.insert(kind, o.clone());
            }
        }
        drop(latest);
        let vitals = kept.iter().map(ObservationView::from).collect();
        Some((DeviceUpdate::Reading { address, vitals }, kept))
    }
}
