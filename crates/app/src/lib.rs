//! The desktop app's API, without Tauri: what the kiosk's and the doctor's screens can do, over the encrypted
//! store, the devices and (to come) the server and the call. `src-tauri` makes one call here per command;
//! the tests drive the same API.
//!
//! A `Clinic` is one installation's data directory: its store, who is signed in, the open visit and its
//! device feed. Every operation on records goes through the store with the signed-in session, so the
//! store's role checks apply whatever the UI shows.

pub mod admin;
pub mod consult;
mod devices;
pub mod documents;
pub mod duplicates;
mod error;
pub mod forms;
mod pace;
pub mod pairing;
pub mod preferences;
pub mod printing;
mod records;
pub mod server;
pub mod setup;
pub mod views;

pub use devices::DeviceUpdate;
pub use error::{ApiError, AppError};

use consult::{ConsultSink, Credentials, Desk, DeskCommand, Filing};
use devices::DeviceWatch;
use documents::{NotesForm, PrescriptionForm};
use eclinic_call::channel::CameraCommand;
use eclinic_call::channel::Message;
use eclinic_call_session::CallCommand;
use eclinic_domain::{Encounter, NoteId, Observation, PrescriptionId, Timestamp};
use eclinic_peripherals::manager::DeviceManager;
use eclinic_signal::ClientMessage;
use eclinic_store::{KeyStore, PatientQuery, Session, Store};
use forms::{PatientForm, VisitForm, VitalEntry};
use pace::Pace;
use preferences::Preferences;
use records::{Records, lock};
use server::ServerSettings;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use views::{
    DoctorView, ObservationView, PatientView, PrescriptionSheetView, Registration, UserView, VisitDocumentsView,
    VisitSummaryView, VisitView,
};

/// The wall clock, in the store's terms. Only this crate's IO layer reads it; the domain never does.
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Timestamp::from_unix_ms(ms)
}

/// How many patients one search shows.
const SEARCH_LIMIT: u32 = 50;

/// The file in the data directory that lists paired devices.
pub const DEVICES_FILE: &str = "devices.tsv";

pub struct Clinic {
    data_dir: PathBuf,
    keys: Arc<dyn KeyStore>,
    records: Arc<Records>,
    visit: Mutex<Option<Encounter>>,
    devices: Mutex<Option<DeviceWatch>>,
    /// The connection to the server for the consult, while queued, in a call, or (doctor) watching the queue.
    /// Shared with the device feed, which sends live readings to the doctor during a call.
    desk: Arc<Mutex<Option<Desk>>>,
    /// The doctor signed in at the server, by user name (the doctor's face has no store session).
    doctor: Mutex<Option<String>>,
    preferences: Preferences,
}

impl std::fmt::Debug for Clinic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clinic").field("data_dir", &self.data_dir).finish_non_exhaustive()
    }
}

impl Clinic {
    /// Opens the installation in `data_dir`, its store's key from `keys`.
    pub async fn open(data_dir: &Path, keys: Arc<dyn KeyStore>) -> Result<Self, AppError> {
        match Self::start(data_dir, keys).await {
            (clinic, None) => Ok(clinic),
            (_, Some(problem)) => Err(problem),
        }
    }

    /// The installation in `data_dir` as the app finds it when it starts: its store open, or closed with the
    /// reason it would not open (a fresh kiosk not set up yet, a locked keyring). A closed store is opened
    /// again at sign-in, or created by the setup.
    pub async fn start(data_dir: &Path, keys: Arc<dyn KeyStore>) -> (Self, Option<AppError>) {
        let (store, problem) = match Store::open(data_dir, keys.clone()).await {
            Ok(store) => (Some(store), None),
            Err(problem) => (None, Some(problem.into())),
        };
        let clinic = Self {
            data_dir: data_dir.to_owned(),
            keys,
            records: Arc::new(Records::new(store)),
            visit: Mutex::new(None),
            devices: Mutex::new(None),
            desk: Arc::default(),
            doctor: Mutex::new(None),
            preferences: Preferences::new(data_dir),
        };
        (clinic, problem)
    }

    /// The language to show before anyone signs in: the last one chosen here.
    pub fn last_language(&self) -> String {
        self.preferences.last_language()
    }

    /// Signs out, stops the devices and closes the store. Every later call fails with `closed` until the
    /// next sign-in.
    pub async fn close(&self) -> Result<(), AppError> {
        self.sign_out();
        self.records.close().await
    }

    fn session(&self) -> Result<Session, AppError> {
        self.records.session()
    }

    /// For what an admin does outside the store (which checks its own calls): enrolment, devices.
    fn require_admin(&self) -> Result<(), AppError> {
        Ok(self.session()?.require(eclinic_domain::Role::Admin).map_err(eclinic_store::StoreError::from)?)
    }

    fn open_visit(&self) -> Result<Encounter, AppError> {
        lock(&self.visit).clone().ok_or(AppError::NoVisit)
    }

    /// Runs `work` on the open store with the signed-in session.
    async fn with_store<T>(
        &self,
        work: impl AsyncFnOnce(&Store, &Session) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        self.records.with_store(work).await
    }

    /// Locks the kiosk when it is left untouched: the visit and any consult end, nobody is signed in, and
    /// the store is closed, so neither its key nor patient data stay in this process. The next sign-in
    /// opens it again.
    pub async fn lock(&self) -> Result<(), AppError> {
        self.close().await
    }

    /// Signs in with a PIN (kiosk), opening the store again if the kiosk was locked; a failed attempt at a
    /// locked kiosk leaves it closed.
    pub async fn sign_in(&self, username: &str, secret: &str) -> Result<UserView, AppError> {
        let (username, role, auto_lock_seconds) = self
            .records
            .sign_in(
                async || Ok(Store::open(&self.data_dir, self.keys.clone()).await?),
                async |store| {
                    let session = store.sign_in(username.trim(), secret, now()).await?;
                    let auto_lock_seconds = store.auto_lock_seconds().await?;
                    let signed_in = (session.username().as_str().to_owned(), session.role(), auto_lock_seconds);
                    Ok((session, signed_in))
                },
            )
            .await?;
        let language = self.preferences.language_of(&username);
        Ok(UserView::new(&username, role, language, auto_lock_seconds))
    }

    /// Remembers the language picked in the UI, for whoever is signed in and for the next sign-in screen.
    pub fn set_language(&self, language: &str) -> Result<(), AppError> {
        let kiosk_user = self.session().ok().map(|s| s.username().as_str().to_owned());
        let username = kiosk_user.or_else(|| lock(&self.doctor).clone());
        self.preferences.set_language(username.as_deref(), language)
    }

    /// Ends the session and any open visit; the device feed stops, and any consult ends.
    pub fn sign_out(&self) {
        self.end_visit();
        self.records.set_session(None);
    }

    /// Patients whose name, CNIC or phone matches `text`.
    pub async fn search_patients(&self, text: &str) -> Result<Vec<PatientView>, AppError> {
        let query = PatientQuery::parse(text);
        let found = self
            .with_store(async |store, session| Ok(store.search_patients(session, &query, SEARCH_LIMIT, now()).await?))
            .await?;
        Ok(found.iter().map(PatientView::from).collect())
    }

    /// Registers a patient, unless someone already in the store is likely the same person and
    /// `register_anyway` is false: then those patients are returned and nothing is written.
    pub async fn register_patient(&self, form: &PatientForm, register_anyway: bool) -> Result<Registration, AppError> {
        let at = now();
        let new = form.validate(at.date())?;
        self.with_store(async |store, session| {
            if !register_anyway {
                let mut candidates = Vec::new();
                for query in duplicates::candidate_queries(&new) {
                    for p in store.search_patients(session, &query, SEARCH_LIMIT, at).await? {
                        if duplicates::likely_same_person(&new, &p, at.date()) && !candidates.contains(&p) {
                            candidates.push(p);
                        }
                    }
                }
                if !candidates.is_empty() {
                    return Ok(Registration::PossibleDuplicates {
                        candidates: candidates.iter().map(PatientView::from).collect(),
                    });
                }
            }
            let patient = store.add_patient(session, new, at).await?;
            Ok(Registration::Registered { patient: PatientView::from(&patient) })
        })
        .await
    }

    /// Starts a visit with the patient's consent; it stays open (for vitals and the consult) until
    /// [`Clinic::end_visit`]. A visit already open is ended first.
    pub async fn start_visit(&self, form: &VisitForm) -> Result<VisitView, AppError> {
        let new = form.validate()?;
        let encounter =
            self.with_store(async |store, session| Ok(store.start_encounter(session, new, now()).await?)).await?;
        self.end_visit();
        let view = VisitView::from(&encounter);
        *lock(&self.visit) = Some(encounter);
        Ok(view)
    }

    /// Ends the open visit: its device feed stops, and its consult ends (a queued patient leaves the queue).
    pub fn end_visit(&self) {
        self.leave_consult();
        *lock(&self.devices) = None;
        *lock(&self.visit) = None;
    }

    /// Records a vital typed by hand for the open visit; impossible values are kept, flagged `implausible`.
    pub async fn record_vital(&self, entry: &VitalEntry) -> Result<ObservationView, AppError> {
        let visit = self.open_visit()?;
        let at = now();
        self.with_store(async |store, session| {
            let observation = entry.observation(visit.patient, Some(visit.id), session.user(), at)?;
            Ok(ObservationView::from(&store.add_observation(session, observation, at).await?))
        })
        .await
    }

    /// A patient's vitals, oldest first.
    pub async fn patient_vitals(&self, patient_id: &str) -> Result<Vec<ObservationView>, AppError> {
        let patient = forms::parse_id(patient_id, "the patient id")?;
        let found =
            self.with_store(async |store, session| Ok(store.observations_for(session, patient, now()).await?)).await?;
        Ok(found.iter().map(ObservationView::from).collect())
    }

    /// Starts reading the paired devices for the open visit; each update goes to `sink` (from another
    /// thread), and during a call each reading also goes to the doctor. Replaces an earlier feed.
    pub fn watch_devices(&self, sink: impl Fn(DeviceUpdate) + Send + 'static) -> Result<(), AppError> {
        let visit = self.open_visit()?;
        self.session()?;
        let manager = DeviceManager::load(&self.data_dir.join(DEVICES_FILE))?;
        // The old feed is stopped (its thread joined) first: a serial port is opened by one feed at a time.
        *lock(&self.devices) = None;
        let desk = Arc::clone(&self.desk);
        let (origin, mut shown) = (std::time::Instant::now(), Pace::new(pace::DEVICE_UPDATE_EVERY));
        let feed = move |update: DeviceUpdate, observations: &[Observation]| {
            if let Some(desk) = lock(&desk).as_ref() {
                for vital in observations.iter().filter_map(consult::live_vital) {
                    // Outside a call the desk drops it: live readings are for the doctor watching.
                    let _ = desk.send(DeskCommand::Vital(vital));
                }
            }
            // A stream of the same readings is thinned; a new kind of reading (a cuff's result) always shows.
            let show = match &update {
                DeviceUpdate::Reading { address, vitals } => {
                    let kinds: Vec<&str> = vitals.iter().map(|v| v.loinc.as_str()).collect();
                    shown.admit(&format!("{address} {}", kinds.join(" ")), origin.elapsed())
                }
                _ => true,
            };
            if show {
                sink(update);
            }
        };
        *lock(&self.devices) = Some(DeviceWatch::start(manager, visit.patient, visit.id, now, feed));
        Ok(())
    }

    /// Saves the latest device value of each vital to the open visit.
    pub async fn save_device_vitals(&self) -> Result<Vec<ObservationView>, AppError> {
        let latest = lock(&self.devices).as_ref().map(DeviceWatch::take_latest).unwrap_or_default();
        if latest.is_empty() {
            return Err(AppError::NoDeviceReading);
        }
        self.with_store(async |store, session| {
            let mut saved = Vec::new();
            for observation in latest {
                saved.push(ObservationView::from(&store.add_observation(session, observation, now()).await?));
            }
            Ok(saved)
        })
        .await
    }

    /// Kiosk: puts the open visit's patient in the doctors' queue, with `priority` (`routine`, `urgent`,
    /// `emergency`). The queue, the doctor taking the patient and the call go to `sink`.
    pub async fn join_queue(&self, priority: &str, sink: Arc<dyn ConsultSink>) -> Result<(), AppError> {
        let visit = self.open_visit()?;
        self.session()?;
        let ticket = ClientMessage::QueuePatient {
            ticket: visit.id.to_string(),
            label: forms::queue_label(visit.reason.as_str()),
            priority: forms::parse_priority(priority)?,
        };
        let settings = ServerSettings::load(&self.data_dir)?;
        self.leave_consult();
        let filing = Filing::new(Arc::clone(&self.records), visit.clone());
        let (desk, _) = Desk::open(&settings, Credentials::Kiosk, Some(ticket), sink, Some(filing)).await?;
        // The visit may have ended (or the worker signed out) while the desk connected: then the patient
        // leaves the queue at once (dropping the desk) rather than waiting there with no screen.
        if lock(&self.visit).as_ref().map(|v| v.id) != Some(visit.id) {
            return Err(AppError::NoVisit);
        }
        *lock(&self.desk) = Some(desk);
        Ok(())
    }

    /// Doctor: signs in to the server and watches the queue; the queue and the consults go to `sink`.
    pub async fn doctor_sign_in(
        &self,
        username: &str,
        password: &str,
        sink: Arc<dyn ConsultSink>,
    ) -> Result<DoctorView, AppError> {
        let settings = ServerSettings::load(&self.data_dir)?;
        self.leave_consult();
        let username = username.trim();
        let credentials = Credentials::Doctor { username, password };
        let (desk, tokens) = Desk::open(&settings, credentials, None, sink, None).await?;
        *lock(&self.desk) = Some(desk);
        *lock(&self.doctor) = Some(username.to_owned());
        Ok(DoctorView { name: tokens.display_name, language: self.preferences.language_of(username) })
    }

    /// Doctor: takes this waiting patient; the call starts when the kiosk answers.
    pub fn take_patient(&self, consult_id: &str) -> Result<(), AppError> {
        self.desk_command(DeskCommand::Take(consult_id.to_owned()))
    }

    /// Ends the consult in progress for both ends; the doctor stays on the queue.
    pub fn hang_up(&self) -> Result<(), AppError> {
        self.desk_command(DeskCommand::HangUp)
    }

    /// Sends a chat line to the far end of the call in progress.
    pub async fn send_chat(&self, text: &str) -> Result<(), AppError> {
        let line = text.trim().to_owned();
        if line.is_empty() {
            return Err(AppError::EmptyMessage);
        }
        let chat = Message::Chat { text: line };
        chat.validate()?;
        self.to_call(CallCommand::Send(chat)).await
    }

    /// Kiosk: takes a full-resolution photo with the camera in the call; it is kept in the visit's record
    /// and sent to the doctor.
    pub async fn take_photo(&self) -> Result<(), AppError> {
        self.to_call(CallCommand::TakePhoto).await
    }

    /// Doctor: asks the kiosk's camera for a full-resolution photo.
    pub async fn request_photo(&self) -> Result<(), AppError> {
        self.to_call(CallCommand::Send(Message::Camera(CameraCommand::TakePhoto))).await
    }

    /// Doctor: zooms the kiosk's camera, in percent (100 is the whole picture).
    pub async fn zoom_kiosk_camera(&self, percent: u16) -> Result<(), AppError> {
        let zoom = Message::Camera(CameraCommand::Zoom(percent));
        zoom.validate()?;
        self.to_call(CallCommand::Send(zoom)).await
    }

    /// Doctor: switches the kiosk to its next camera (the room's, a handheld one…).
    pub async fn switch_kiosk_camera(&self) -> Result<(), AppError> {
        self.to_call(CallCommand::Send(Message::Camera(CameraCommand::Switch))).await
    }

    /// Doctor: sends the SOAP note to the kiosk, whose receipt comes as an event; returns the note's id.
    pub async fn send_notes(&self, form: &NotesForm) -> Result<String, AppError> {
        let id = NoteId::new(now());
        self.to_call(CallCommand::Send(Message::Notes(form.to_push(id)?))).await?;
        Ok(id.to_string())
    }

    /// Doctor: sends the prescription to the kiosk, whose receipt comes as an event; returns its id.
    pub async fn send_prescription(&self, form: &PrescriptionForm) -> Result<String, AppError> {
        let id = PrescriptionId::new(now());
        self.to_call(CallCommand::Send(Message::Prescription(form.to_push(id)?))).await?;
        Ok(id.to_string())
    }

    /// Kiosk: what the open visit's consult left in the record (notes, prescriptions, photos).
    pub async fn visit_documents(&self) -> Result<VisitDocumentsView, AppError> {
        let visit = self.open_visit()?;
        let documents = self
            .with_store(async |store, session| Ok(store.encounter_documents(session, visit.id, now()).await?))
            .await?;
        Ok(VisitDocumentsView::from(&documents))
    }

    /// Kiosk: the open visit as printed for the patient to take home: the clinic, the patient, the visit
    /// with its consent, the vitals taken in it, and what the doctor left in the record.
    pub async fn visit_summary(&self) -> Result<VisitSummaryView, AppError> {
        let visit = self.open_visit()?;
        let (patient, observations, documents) = self
            .with_store(async |store, session| {
                let at = now();
                let patient = store.patient(session, visit.patient, at).await?;
                let observations = store.observations_for(session, visit.patient, at).await?;
                Ok((patient, observations, store.encounter_documents(session, visit.id, at).await?))
            })
            .await?;
        Ok(VisitSummaryView {
            clinic: ServerSettings::clinic_name(&self.data_dir),
            patient: PatientView::from(&patient),
            visit: VisitView::from(&visit),
            vitals: observations.iter().filter(|o| o.encounter == Some(visit.id)).map(ObservationView::from).collect(),
            documents: VisitDocumentsView::from(&documents),
        })
    }

    /// Kiosk: one of the open visit's prescriptions as it is printed, with the patient and the clinic.
    pub async fn prescription_sheet(&self, prescription_id: &str) -> Result<PrescriptionSheetView, AppError> {
        let summary = self.visit_summary().await?;
        let prescription = summary
            .documents
            .prescriptions
            .into_iter()
            .find(|p| p.id == prescription_id)
            .ok_or(AppError::Store(eclinic_store::StoreError::NotFound { what: "prescription" }))?;
        Ok(PrescriptionSheetView { clinic: summary.clinic, patient: summary.patient, prescription })
    }

    /// Hands `command` to the call in progress; `no_consult` when there is none.
    async fn to_call(&self, command: CallCommand) -> Result<(), AppError> {
        let (taken, answer) = tokio::sync::oneshot::channel();
        self.desk_command(DeskCommand::Call(command, taken))?;
        match answer.await {
            Ok(true) => Ok(()),
            _ => Err(AppError::NoConsult),
        }
    }

    /// Leaves the server: a queued patient leaves the queue, a consult in progress ends.
    pub fn leave_consult(&self) {
        *lock(&self.desk) = None;
        *lock(&self.doctor) = None;
    }

    fn desk_command(&self, command: DeskCommand) -> Result<(), AppError> {
        lock(&self.desk).as_ref().ok_or(AppError::NoConsult)?.send(command)
    }
}
