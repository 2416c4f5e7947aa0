//! Runs the real `eclinic` binary against a store in a temporary directory, with the OS keyring that
//! `cargo xtask test` provides (gnome-keyring under dbus-run-session).
#![allow(dead_code, clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const ADMIN_PASSWORD: &str = "admin password 1";

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", self.stdout))
    }
}

pub fn eclinic(data: &Path, args: &[&str], stdin: &str) -> Run {
    eclinic_with(data, args, stdin, |_| {})
}

pub fn eclinic_with(data: &Path, args: &[&str], stdin: &str, env: impl FnOnce(&mut Command)) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eclinic"));
    cmd.arg("--data").arg(data).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for var in [
        "ECLINIC_SECRET",
        "ECLINIC_NEW_SECRET",
        "ECLINIC_USER",
        "ECLINIC_DATA",
        "ECLINIC_BACKUP_KEY",
        "ECLINIC_RECOVERY_KEY",
    ] {
        cmd.env_remove(var);
    }
    env(&mut cmd);
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
    let run = Run {
        status: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "eclinic {args:?} panicked: {}", run.stderr);
    run
}

/// A fresh store with an admin; returns its temporary directory and data path.
pub fn initialised() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("kiosk");
    let run = eclinic(&data, &["init", "--admin", "admin"], &format!("{ADMIN_PASSWORD}\n"));
    assert_eq!(run.status, 0, "init: {}", run.stderr);
    (dir, data)
}

pub fn as_admin(data: &Path, args: &[&str]) -> Run {
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    eclinic(data, &full, &format!("{ADMIN_PASSWORD}\n"))
}
