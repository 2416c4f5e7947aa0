//! What the consult tests share: a real `eclinic-server` process, an enrolled kiosk with an open visit, a
//! doctor watching the queue, and screens that record what they were shown.
#![allow(dead_code, clippy::unwrap_used)]

#[path = "../../../server/tests/common/server_process.rs"]
mod server_process;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eclinic_app::consult::ConsultSink;
use eclinic_app::consult::events::ConsultEvent;
use eclinic_app::forms::{PatientForm, VisitForm};
use eclinic_app::server::ServerSettings;
use eclinic_app::views::Registration;
pub use server_process::ServerProcess;

use crate::support;

pub const DOCTOR_PASSWORD: &str = "doctor app password";
/// A picture packet's header: version, view, width and height.
pub const PICTURE_HEADER: usize = 6;

/// Whether `packet` holds exactly the I420 picture its header announces.
pub fn well_formed(packet: &[u8]) -> bool {
    let [1, 0 | 1, w0, w1, h0, h1, ..] = *packet else { return false };
    let (width, height) = (usize::from(u16::from_le_bytes([w0, w1])), usize::from(u16::from_le_bytes([h0, h1])));
    packet.len() == PICTURE_HEADER + width * height * 3 / 2
}

/// `eclinic-server`, built beside this test by the workspace test run (`target/<profile>/`).
pub fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let binary = exe.parent().and_then(Path::parent).unwrap().join("eclinic-server");
    assert!(binary.exists(), "{} is built by the workspace test run (cargo build -p eclinic-server)", binary.display());
    binary
}

#[derive(Default)]
pub struct Screen {
    pub events: Mutex<Vec<ConsultEvent>>,
    pub self_pictures: AtomicU32,
    pub far_pictures: AtomicU32,
    pub bad_pictures: AtomicU32,
    /// Still photos from the far end (JPEG).
    pub photos: Mutex<Vec<Vec<u8>>>,
}

impl ConsultSink for Screen {
    fn event(&self, event: ConsultEvent) {
        self.events.lock().unwrap().push(event);
    }
    fn picture(&self, packet: Vec<u8>) {
        if let [1, 2, jpeg @ ..] = packet.as_slice() {
            self.photos.lock().unwrap().push(jpeg.to_vec());
            return;
        }
        let counter = match packet.get(1) {
            Some(0) => &self.self_pictures,
            Some(1) => &self.far_pictures,
            _ => &self.bad_pictures,
        };
        if !well_formed(&packet) {
            self.bad_pictures.fetch_add(1, Ordering::Relaxed);
        }
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl Screen {
    pub fn find<T>(&self, pick: impl Fn(&ConsultEvent) -> Option<T>) -> Option<T> {
        self.events.lock().unwrap().iter().rev().find_map(pick)
    }

    /// How the consult ended, once it has.
    pub async fn outcome(&self, what: &str) -> String {
        self.wait_for(what, |e| match e {
            ConsultEvent::Ended { outcome } => Some(outcome.clone()),
            _ => None,
        })
        .await
    }

    pub fn count(&self, pick: impl Fn(&ConsultEvent) -> bool) -> usize {
        self.events.lock().unwrap().iter().filter(|e| pick(e)).count()
    }

    /// Waits until `done` holds for what this screen was shown.
    pub async fn wait_until(&self, what: &str, done: impl Fn(&Self) -> bool) {
        for _ in 0..200 {
            if done(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{what} within 20 s");
    }

    pub async fn wait_for<T>(&self, what: &str, pick: impl Fn(&ConsultEvent) -> Option<T>) -> T {
        for _ in 0..200 {
            if let Some(found) = self.find(&pick) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let events = self.events.lock().unwrap();
        let last: Vec<_> = events.iter().rev().take(12).collect();
        panic!("{what} within 20 s; {} events, the last: {last:?}", events.len());
    }
}

pub fn settings(server: &ServerProcess) -> ServerSettings {
    ServerSettings {
        url: server.base.clone(),
        ca_pem: server.certificate.clone(),
        media_bind: vec!["127.0.0.1:0".into()],
        kiosk_name: None,
    }
}

/// A kiosk with a signed-in health worker and an open visit for a registered patient.
pub async fn kiosk_with_visit(reason: &str) -> support::Kiosk {
    let k = support::kiosk().await;
    k.clinic.sign_in("nurse", support::NURSE_PIN).await.unwrap();
    let form =
        PatientForm { name: "Rukhsana Bibi".into(), sex: "female".into(), age: Some(44), ..PatientForm::default() };
    let Registration::Registered { patient } = k.clinic.register_patient(&form, false).await.unwrap() else {
        panic!("a new patient")
    };
    let visit =
        VisitForm { patient_id: patient.id, reason: reason.into(), guardian: None, consent_language: "ur".into() };
    k.clinic.start_visit(&visit).await.unwrap();
    k
}

pub async fn doctor_desk(server: &ServerProcess, screen: &Arc<Screen>) -> support::Kiosk {
    let d = support::kiosk().await;
    settings(server).save(d.dir.path()).unwrap();
    let doctor = d.clinic.doctor_sign_in("drcall", DOCTOR_PASSWORD, screen.clone()).await.unwrap();
    assert_eq!(doctor.name, "Dr Call");
    d
}

pub async fn enrol(kiosk: &support::Kiosk, server: &ServerProcess, (name, code): &(&str, String)) {
    assert_eq!(settings(server).enrol_kiosk(kiosk.dir.path(), code).await.unwrap(), *name);
}

/// An enrolled kiosk with an open visit for `reason`, a doctor watching the queue, and their screens.
pub struct Desks {
    pub kiosk: support::Kiosk,
    pub doctor: support::Kiosk,
    pub at_kiosk: Arc<Screen>,
    pub at_doctor: Arc<Screen>,
}

pub async fn desks(server: &ServerProcess, code: &(&str, String), reason: &str) -> Desks {
    let kiosk = kiosk_with_visit(reason).await;
    enrol(&kiosk, server, code).await;
    let (at_kiosk, at_doctor) = (Arc::new(Screen::default()), Arc::new(Screen::default()));
    let doctor = doctor_desk(server, &at_doctor).await;
    Desks { kiosk, doctor, at_kiosk, at_doctor }
}

impl Desks {
    pub async fn close(self) {
        self.kiosk.clinic.close().await.unwrap();
        self.doctor.clinic.close().await.unwrap();
    }
}

/// The server runs outside the test's runtime (its helper blocks on one of its own).
pub fn with_server(test: impl AsyncFnOnce(&ServerProcess, Vec<(&'static str, String)>), kiosks: &[&'static str]) {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&server_binary(), dir.path(), None);
    server.create_doctor("drcall", DOCTOR_PASSWORD);
    let codes = kiosks.iter().map(|name| (*name, server.enrolment_code(name))).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(test(&server, codes));
}
