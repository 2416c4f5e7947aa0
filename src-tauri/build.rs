fn main() {
    // The app manifest lists the app's own commands so that capability files can grant them per window;
    // there are none yet.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[])))
        .unwrap_or_else(|e| panic!("tauri build script failed: {e}"));
}
