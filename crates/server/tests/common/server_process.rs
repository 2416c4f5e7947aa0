//! A real `eclinic-server` process for tests in other crates (`#[path]`-included): the CLI's calls, the
//! desktop app's consults, the end-to-end test.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A real `eclinic-server` on a loopback port with a development certificate and a fresh embedded store;
/// killed when dropped.
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
    pub fn start(binary: &Path, dir: &Path, turn: Option<&[String]>) -> Self {
        let data = dir.join("server");
        let data_arg = data.to_str().unwrap();
        let mut create = Command::new(binary)
            .args(["create-admin", "--data", data_arg, "--username", "admin", "--name", "Admin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} runs (built by the workspace test run): {e}", binary.display()));
        create.stdin.take().unwrap().write_all(SERVER_ADMIN_PASSWORD.as_bytes()).unwrap();
        assert!(create.wait().unwrap().success());
        let mut child = Command::new(binary)
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

    /// Kills the server now (a lost connection, as clients see it).
    pub fn kill(&self) {
        let status = Command::new("kill").args(["-KILL", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "the server was running");
    }

    /// A one-time code for a kiosk to enrol itself with.
    pub fn enrolment_code(&self, kiosk_name: &str) -> String {
        let admin = self.admin_token.clone();
        self.block_on(|client| async move { client.create_enrolment(&admin, kiosk_name).await.unwrap().code })
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
