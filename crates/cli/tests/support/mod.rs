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

/// A real `eclinic-server` (built beside `eclinic` by the workspace test run) on a loopback port with a
/// development certificate and a fresh embedded store; killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
    pub certificate: PathBuf,
    admin_token: String,
    runtime: tokio::runtime::Runtime,
}

const SERVER_ADMIN_PASSWORD: &str = "server admin password";

impl ServerProcess {
    /// `turn`: extra `serve` arguments enabling TURN, if any.
    pub fn start(dir: &Path, turn: Option<&[String]>) -> Self {
        let binary = Path::new(env!("CARGO_BIN_EXE_eclinic")).with_file_name("eclinic-server");
        let data = dir.join("server");
        let data_arg = data.to_str().unwrap();
        let mut create = Command::new(&binary)
            .args(["create-admin", "--data", data_arg, "--username", "admin", "--name", "Admin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} runs (built by the workspace test run): {e}", binary.display()));
        create.stdin.take().unwrap().write_all(SERVER_ADMIN_PASSWORD.as_bytes()).unwrap();
        assert!(create.wait().unwrap().success());
        let mut child = Command::new(&binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--data", data_arg])
            .args(turn.unwrap_or_default())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
        let base =
            line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("server said {line:?}")).to_owned();
        let certificate = data.join("tls").join("dev-cert.pem");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mut server = Self { child, base, certificate, admin_token: String::new(), runtime };
        server.admin_token = server
            .block_on(|client| async move { client.login("admin", SERVER_ADMIN_PASSWORD).await.unwrap().access_token });
        server
    }

    fn block_on<F, T>(&self, job: impl FnOnce(eclinic_connect::ServerClient) -> F) -> T
    where
        F: std::future::Future<Output = T>,
    {
        let tls = eclinic_connect::trust_certificate(&self.certificate).unwrap();
        let client = eclinic_connect::ServerClient::new(&self.base, tls).unwrap();
        self.runtime.block_on(job(client))
    }

    /// A kiosk enrolled with a one-time code: its id and device secret.
    pub fn enrol_kiosk(&self, name: &str) -> (String, String) {
        let admin = self.admin_token.clone();
        self.block_on(|client| async move {
            let code = client.create_enrolment(&admin, name).await.unwrap().code;
            let credential = client.enrol(&code).await.unwrap();
            (credential.kiosk_id, credential.secret)
        })
    }

    pub fn create_doctor(&self, username: &str, password: &str) {
        let admin = self.admin_token.clone();
        self.block_on(|client| async move {
            let user = eclinic_signal::api::NewUserRequest {
                role: eclinic_signal::api::AccountRole::Doctor,
                username: username.to_owned(),
                password: password.to_owned(),
                display_name: "Dr Call".to_owned(),
                pmdc: Some("12345-P".to_owned()),
            };
            client.create_user(&admin, &user).await.unwrap();
        });
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
