//! The e-clinic desktop app's shell: one window per process (the kiosk's or the doctor's face), the app
//! state, and the typed commands. The commands and types are exported to `ui/src/bindings.ts` by
//! [`ipc_builder`]; a test fails when the checked-in file differs.

mod commands;
mod consult_sink;
mod face;
mod print;
mod state;

use face::Launch;
use state::AppState;
use tauri::{Manager, RunEvent, WebviewUrl, WebviewWindowBuilder};

/// The commands and their types, for the invoke handler and the TypeScript export alike.
pub fn ipc_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::startup,
            commands::sign_in,
            commands::sign_out,
            commands::lock,
            commands::set_language,
            commands::prescription_sheet,
            commands::visit_summary,
            commands::print_page,
            commands::admin_overview,
            commands::add_user,
            commands::set_auto_lock,
            commands::verify_audit,
            commands::create_backup,
            commands::restore_backup,
            commands::devices_overview,
            commands::pair_device,
            commands::forget_device,
            commands::set_up_kiosk,
            commands::enrol_kiosk,
            commands::move_server,
            commands::search_patients,
            commands::register_patient,
            commands::start_visit,
            commands::end_visit,
            commands::record_vital,
            commands::patient_vitals,
            commands::watch_devices,
            commands::save_device_vitals,
            commands::join_queue,
            commands::leave_consult,
            commands::hang_up,
            commands::doctor_sign_in,
            commands::take_patient,
            commands::send_chat,
            commands::take_photo,
            commands::visit_documents,
            commands::request_photo,
            commands::zoom_kiosk_camera,
            commands::switch_kiosk_camera,
            commands::send_notes,
            commands::send_prescription,
        ])
        // Millisecond timestamps (i64) are far inside a JavaScript number's exact range.
        .dangerously_cast_bigints_to_number()
        // Each type only goes one way (views out, forms in), so one TypeScript type per Rust type.
        .disable_serde_phases()
}

/// The TypeScript bindings as the UI should have them.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    ipc_builder().export(specta_typescript::Typescript::default(), path).map_err(|e| e.to_string())
}

pub fn run() -> Result<(), String> {
    let launch = Launch::from_env()?;
    let ipc = ipc_builder();
    let app = tauri::Builder::default()
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            let state = tauri::async_runtime::block_on(AppState::open(&launch));
            app.manage(state);
            let label = launch.face.window_label();
            WebviewWindowBuilder::new(app, label, WebviewUrl::default())
                .title("e-clinic")
                .inner_size(1100.0, 760.0)
                .min_inner_size(800.0, 600.0)
                .build()?;
            Ok(())
        })
        .build(tauri::generate_context!())
        .map_err(|e| e.to_string())?;
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            let state = handle.state::<AppState>();
            if let Err(e) = tauri::async_runtime::block_on(state.close()) {
                eprintln!("e-clinic: the records did not close cleanly: {e}");
            }
        }
    });
    Ok(())
}
