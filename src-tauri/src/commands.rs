//! The IPC commands. Each makes one call into `eclinic-app` and returns; errors cross as `{code, message}`.

use crate::consult_sink::{ChannelSink, PicturePacket};
use crate::state::AppState;
use eclinic_app::admin::{AdminView, AuditView, EnrolmentForm, NewUserForm, RestoreStep, ServerAddressForm};
use eclinic_app::consult::events::ConsultEvent;
use eclinic_app::documents::{NotesForm, PrescriptionForm};
use eclinic_app::forms::{PatientForm, VisitForm, VitalEntry};
use eclinic_app::pairing::{DeviceView, DevicesView, PairForm};
use eclinic_app::printing::Paper;
use eclinic_app::views::{
    AccountView, DoctorView, ObservationView, PatientView, PrescriptionSheetView, Registration, UserView,
    VisitDocumentsView, VisitSummaryView, VisitView,
};
use eclinic_app::{ApiError, DeviceUpdate};
use std::sync::Arc;
use tauri::State;
use tauri::ipc::Channel;

type Reply<T> = Result<T, ApiError>;

#[tauri::command]
#[specta::specta]
pub fn startup(state: State<'_, AppState>) -> crate::state::Startup {
    state.startup()
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(state: State<'_, AppState>, username: String, secret: String) -> Reply<UserView> {
    Ok(state.clinic().sign_in(&username, &secret).await?)
}

#[tauri::command]
#[specta::specta]
pub fn sign_out(state: State<'_, AppState>) -> Reply<()> {
    state.clinic().sign_out();
    Ok(())
}

/// Kiosk: one of the open visit's prescriptions, laid out for printing.
#[tauri::command]
#[specta::specta]
pub async fn prescription_sheet(state: State<'_, AppState>, prescription_id: String) -> Reply<PrescriptionSheetView> {
    Ok(state.clinic().prescription_sheet(&prescription_id).await?)
}

/// Kiosk: the open visit, laid out for printing.
#[tauri::command]
#[specta::specta]
pub async fn visit_summary(state: State<'_, AppState>) -> Reply<VisitSummaryView> {
    Ok(state.clinic().visit_summary().await?)
}

/// Prints the window (its print sheet) through the OS dialog, or saves it as a PDF named `save_as`.
#[tauri::command]
#[specta::specta]
pub async fn print_page(window: tauri::WebviewWindow, save_as: Option<String>, paper: Paper) -> Reply<Option<String>> {
    crate::print::print_page(&window, save_as.as_deref(), paper).await
}

/// Admin console: accounts, the auto-lock period, storage use and the server enrolled with.
#[tauri::command]
#[specta::specta]
pub async fn admin_overview(window: tauri::WebviewWindow, state: State<'_, AppState>) -> Reply<AdminView> {
    Ok(state.clinic().admin_overview(&crate::print::downloads(&window)?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_user(state: State<'_, AppState>, form: NewUserForm) -> Reply<AccountView> {
    Ok(state.clinic().add_user(&form).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_auto_lock(state: State<'_, AppState>, seconds: u32) -> Reply<()> {
    Ok(state.clinic().set_auto_lock(seconds).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn verify_audit(state: State<'_, AppState>) -> Reply<AuditView> {
    Ok(state.clinic().verify_audit().await?)
}

/// Writes an encrypted backup into the user's downloads (`e-clinic/backups`); returns the file.
#[tauri::command]
#[specta::specta]
pub async fn create_backup(window: tauri::WebviewWindow, state: State<'_, AppState>) -> Reply<String> {
    Ok(state.clinic().create_backup(&crate::print::downloads(&window)?).await?.display().to_string())
}

/// Restores a backup, telling `progress` each step; everyone is signed out afterwards.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(state: State<'_, AppState>, file: String, progress: Channel<RestoreStep>) -> Reply<()> {
    let tell = |step| {
        let _ = progress.send(step); // a closed window no longer watches; the restore goes on
    };
    Ok(state.clinic().restore_backup(std::path::Path::new(&file), tell).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn devices_overview(state: State<'_, AppState>) -> Reply<DevicesView> {
    Ok(state.clinic().devices_overview().await?)
}

#[tauri::command]
#[specta::specta]
pub fn pair_device(state: State<'_, AppState>, form: PairForm) -> Reply<Vec<DeviceView>> {
    Ok(state.clinic().pair_device(&form)?)
}

#[tauri::command]
#[specta::specta]
pub fn forget_device(state: State<'_, AppState>, address: String) -> Reply<Vec<DeviceView>> {
    Ok(state.clinic().forget_device(&address)?)
}

/// The first run of a fresh kiosk: its store and first admin, signed in.
#[tauri::command]
#[specta::specta]
pub async fn set_up_kiosk(state: State<'_, AppState>, language: String, admin: NewUserForm) -> Reply<UserView> {
    Ok(state.clinic().set_up(&language, &admin).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn enrol_kiosk(state: State<'_, AppState>, form: EnrolmentForm) -> Reply<String> {
    Ok(state.clinic().enrol(&form).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn move_server(state: State<'_, AppState>, form: ServerAddressForm) -> Reply<()> {
    Ok(state.clinic().move_server(&form).await?)
}

/// Locks the window after inactivity: the store closes until the next sign-in.
#[tauri::command]
#[specta::specta]
pub async fn lock(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.clinic().lock().await?)
}

/// Remembers the language picked, for the user signed in and for the next sign-in screen.
#[tauri::command]
#[specta::specta]
pub fn set_language(state: State<'_, AppState>, language: String) -> Reply<()> {
    Ok(state.clinic().set_language(&language)?)
}

#[tauri::command]
#[specta::specta]
pub async fn search_patients(state: State<'_, AppState>, text: String) -> Reply<Vec<PatientView>> {
    Ok(state.clinic().search_patients(&text).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn register_patient(state: State<'_, AppState>, form: PatientForm, anyway: bool) -> Reply<Registration> {
    Ok(state.clinic().register_patient(&form, anyway).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn start_visit(state: State<'_, AppState>, form: VisitForm) -> Reply<VisitView> {
    Ok(state.clinic().start_visit(&form).await?)
}

#[tauri::command]
#[specta::specta]
pub fn end_visit(state: State<'_, AppState>) -> Reply<()> {
    state.clinic().end_visit();
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn record_vital(state: State<'_, AppState>, entry: VitalEntry) -> Reply<ObservationView> {
    Ok(state.clinic().record_vital(&entry).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn patient_vitals(state: State<'_, AppState>, patient_id: String) -> Reply<Vec<ObservationView>> {
    Ok(state.clinic().patient_vitals(&patient_id).await?)
}

#[tauri::command]
#[specta::specta]
pub fn watch_devices(state: State<'_, AppState>, updates: Channel<DeviceUpdate>) -> Reply<()> {
    // A closed channel (the page went away) only means nobody is looking; the feed ends with the visit.
    Ok(state.clinic().watch_devices(move |update| drop(updates.send(update)))?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_device_vitals(state: State<'_, AppState>) -> Reply<Vec<ObservationView>> {
    Ok(state.clinic().save_device_vitals().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn join_queue(
    state: State<'_, AppState>,
    priority: String,
    events: Channel<ConsultEvent>,
    pictures: Channel<PicturePacket>,
) -> Reply<()> {
    Ok(state.clinic().join_queue(&priority, Arc::new(ChannelSink { events, pictures })).await?)
}

#[tauri::command]
#[specta::specta]
pub fn leave_consult(state: State<'_, AppState>) -> Reply<()> {
    state.clinic().leave_consult();
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn hang_up(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.clinic().hang_up()?)
}

#[tauri::command]
#[specta::specta]
pub async fn doctor_sign_in(
    state: State<'_, AppState>,
    username: String,
    password: String,
    events: Channel<ConsultEvent>,
    pictures: Channel<PicturePacket>,
) -> Reply<DoctorView> {
    Ok(state.clinic().doctor_sign_in(&username, &password, Arc::new(ChannelSink { events, pictures })).await?)
}

#[tauri::command]
#[specta::specta]
pub fn take_patient(state: State<'_, AppState>, consult_id: String) -> Reply<()> {
    Ok(state.clinic().take_patient(&consult_id)?)
}

#[tauri::command]
#[specta::specta]
pub async fn send_chat(state: State<'_, AppState>, text: String) -> Reply<()> {
    Ok(state.clinic().send_chat(&text).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn take_photo(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.clinic().take_photo().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn visit_documents(state: State<'_, AppState>) -> Reply<VisitDocumentsView> {
    Ok(state.clinic().visit_documents().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn request_photo(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.clinic().request_photo().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn zoom_kiosk_camera(state: State<'_, AppState>, percent: u16) -> Reply<()> {
    Ok(state.clinic().zoom_kiosk_camera(percent).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn switch_kiosk_camera(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.clinic().switch_kiosk_camera().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn send_notes(state: State<'_, AppState>, form: NotesForm) -> Reply<String> {
    Ok(state.clinic().send_notes(&form).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn send_prescription(state: State<'_, AppState>, form: PrescriptionForm) -> Reply<String> {
    Ok(state.clinic().send_prescription(&form).await?)
}
