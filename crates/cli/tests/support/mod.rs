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

#[path = "../../../server/tests/common/server_process.rs"]
mod server_process;

/// A real `eclinic-server`, built beside `eclinic` by the workspace test run.
pub struct ServerProcess;

/// The server [`ServerProcess::start`] started, stopped when dropped.
pub type RunningServer = server_process::ServerProcess;

impl ServerProcess {
    pub fn start(dir: &Path, turn: Option<&[String]>) -> server_process::ServerProcess {
        let binary = Path::new(env!("CARGO_BIN_EXE_eclinic")).with_file_name("eclinic-server");
        server_process::ServerProcess::start(&binary, dir, turn)
    }
}

/// What `eclinic call --stats-json` wrote.
pub struct CallStats {
    pub who: String,
    pub json: serde_json::Value,
    pub vitals_received: u64,
}

pub fn call_stats(who: &str, path: &Path) -> CallStats {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{who}: stats written: {e}"));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let vitals_received = json["vitals_received"].as_u64().unwrap();
    CallStats { who: who.to_owned(), json, vitals_received }
}

impl CallStats {
    /// Pictures, speech and stamps came through, and the far end's summary arrived.
    pub fn assert_media_flowed(&self) {
        let (who, summary) = (&self.who, &self.json["summary"]);
        assert!(summary["seconds"].as_u64().unwrap() >= 5, "{who}: {summary}");
        assert!(summary["mean_fps"].as_f64().unwrap() >= 8.0, "{who}: {summary}");
        assert!(summary["mean_receive_kbps"].as_f64().unwrap() > 30.0, "{who}: {summary}");
        assert!(summary["audio_concealed_fraction"].as_f64().unwrap() < 0.05, "{who}: {summary}");
        assert!(summary["glass_to_glass_p50_ms"].as_u64().is_some(), "{who}: {summary}");
        assert!(self.json["remote_summary"].is_object(), "{who}: {}", self.json);
    }
}
