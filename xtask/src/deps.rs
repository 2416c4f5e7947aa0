//! Installing what the build and the tests need, once.

use anyhow::{Context, bail};
use std::path::Path;
use std::process::Command;

/// Debian/Ubuntu packages the workspace builds against or its tests start.
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",            // SQLCipher's crypto (bundled-sqlcipher links the system libcrypto)
    "libwebkit2gtk-4.1-dev", // Tauri's webview
    "libasound2-dev",        // cpal
    "libudev-dev",           // serial ports and BLE
    "libdbus-1-dev",         // BLE through BlueZ (btleplug)
    "nasm",                  // openh264's assembly (3x faster encode)
    "cmake",                 // the bundled libopus build (opusic-sys)
    "ffmpeg",                // test clips from lavfi sources, the libx264 comparison, checking the bench's figures
    "xvfb",                  // the app under test in a virtual display
    "webkit2gtk-driver",     // WebDriver for end-to-end UI tests
    "gnome-keyring",         // a real Secret Service for the database keys
    "dbus-x11",
    "pulseaudio",    // a null sink and a sine source for audio tests
    "postgresql",    // the server's PostgreSQL backend tests
    "coturn",        // TURN relay tests
    "poppler-utils", // pdftotext and pdftoppm: reading back and rendering the printed prescriptions
    "xdotool",       // closing the native print dialog in the E2E tests
    "nodejs",
    "npm",
];

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

fn privileged(args: &[&str]) -> Command {
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut cmd = if is_root {
        Command::new(args[0])
    } else {
        let mut c = Command::new("sudo");
        c.arg(args[0]);
        c
    };
    cmd.args(&args[1..]).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

pub fn apt() -> anyhow::Result<()> {
    // A Node.js from elsewhere (nvm, NodeSource) is fine; Debian's would conflict with it.
    let node_present = which("node") && which("npm");
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| !(node_present && matches!(*p, "nodejs" | "npm")))
        .filter(|p| !installed(p))
        .collect();
    if missing.is_empty() { Ok(()) } else { install(&missing) }
}

fn install(missing: &[&str]) -> anyhow::Result<()> {
    eprintln!("xtask: installing {}", missing.join(" "));
    run(&mut privileged(&["apt-get", "update", "-qq"]))?;
    let mut args = vec!["apt-get", "install", "-y", "-qq", "--no-install-recommends"];
    args.extend_from_slice(missing);
    run(&mut privileged(&args))
}

pub fn which(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// rustfmt and clippy, which the test command runs; rustup installs them when the toolchain lacks them.
pub fn rust_components() -> anyhow::Result<()> {
    for (tool, component) in [("fmt", "rustfmt"), ("clippy", "clippy")] {
        let present = Command::new("cargo").args([tool, "--version"]).output().is_ok_and(|o| o.status.success());
        if !present {
            run(Command::new("rustup").args(["component", "add", component]))?;
        }
    }
    Ok(())
}

pub fn nextest() -> anyhow::Result<()> {
    let present = Command::new("cargo").args(["nextest", "--version"]).output().is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    eprintln!("xtask: installing cargo-nextest");
    run(Command::new("cargo").args(["install", "cargo-nextest", "--locked"]))
}

/// tauri-driver, the WebDriver server for the desktop app's end-to-end tests. 2.1.0 is the last stable
/// release (the next is a 3.0 alpha); `cargo install` builds it in under a minute.
pub fn tauri_driver() -> anyhow::Result<()> {
    let present = Command::new("tauri-driver").arg("--help").output().is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    eprintln!("xtask: installing tauri-driver");
    run(Command::new("cargo").args(["install", "tauri-driver", "--version", "2.1.0", "--locked"]))
}

/// Installs the locked npm packages when node_modules is missing or older than the lock file, then runs the
/// type check and the production build that the desktop shell embeds.
///
/// `npm install --no-save` rather than `npm ci`: the registry mirror this project builds against lacks some
/// of rollup's per-platform optional packages, so the lock file cannot list them all and `npm ci` refuses it;
/// `install --no-save` installs exactly the locked versions and leaves the lock file untouched.
pub fn ui(root: &Path) -> anyhow::Result<()> {
    let ui = root.join("ui");
    let lock = ui.join("package-lock.json");
    let marker = ui.join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&marker).is_none() || modified(&marker) < modified(&lock) {
        run(Command::new("npm")
            .args(["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&ui))?;
    }
    run(Command::new("npm").args(["run", "--silent", "check"]).current_dir(&ui))?;
    run(Command::new("npm").args(["run", "--silent", "build"]).current_dir(&ui))
}

/// The UI's unit tests (Vitest).
pub fn ui_tests(root: &Path) -> anyhow::Result<()> {
    run(Command::new("npm").args(["run", "--silent", "test"]).current_dir(root.join("ui")))
}

pub fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}
