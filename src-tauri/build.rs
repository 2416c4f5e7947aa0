fn main() {
    // The app manifest lists the app's own commands, so that each window's capability file grants only the
    // commands its face needs (src-tauri/capabilities).
    let commands = &[
        "startup",
        "sign_in",
        "sign_out",
        "lock",
        "set_language",
        "prescription_sheet",
        "visit_summary",
        "print_page",
        "admin_overview",
        "add_user",
        "set_auto_lock",
        "verify_audit",
        "create_backup",
        "enrol_kiosk",
        "search_patients",
        "register_patient",
        "start_visit",
        "end_visit",
        "record_vital",
        "patient_vitals",
        "watch_devices",
        "save_device_vitals",
        "join_queue",
        "leave_consult",
        "hang_up",
        "doctor_sign_in",
        "take_patient",
        "send_chat",
        "take_photo",
        "visit_documents",
        "request_photo",
        "zoom_kiosk_camera",
        "switch_kiosk_camera",
        "send_notes",
        "send_prescription",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .unwrap_or_else(|e| panic!("tauri build script failed: {e}"));
}
