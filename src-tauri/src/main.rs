//! The e-clinic desktop app. A shell: window setup, state and commands that each make one call into a plain
//! Rust API crate. No business logic lives here.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = eclinic_desktop::run() {
        eprintln!("e-clinic could not start: {e}");
        std::process::exit(1);
    }
}
