#![allow(dead_code)] // each test binary uses its own part of the harness
//! Real servers for the tests: the embedded SQLite store in a temporary directory, or a throwaway PostgreSQL
//! cluster (initdb + pg_ctl on a private port, removed at the end), both behind real TLS on loopback.

use std::path::{Path, PathBuf};
use std::process::Command;

use eclinic_connect::{ServerClient, trust_certificate};
use eclinic_server::accounts::{Accounts, NewUser};
use eclinic_server::storage::AccountKind;
use eclinic_server::turn::TurnConfig;
use eclinic_server::{Config, Running, open_store, start};

pub const ADMIN_PASSWORD: &str = "admin password 1";

/// The status and error code of a request the server refused.
pub fn refused(result: Result<impl std::fmt::Debug, eclinic_connect::ConnectError>) -> (u16, String) {
    match result {
        Err(eclinic_connect::ConnectError::Refused { status, code, .. }) => (status, code),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A PostgreSQL cluster owned by this test process.
pub struct Cluster {
    dir: tempfile::TempDir,
    pub url: String,
}

fn as_postgres_user(program: &str) -> Command {
    let bin = Path::new("/usr/lib/postgresql/15/bin").join(program);
    let program = if bin.exists() { bin } else { PathBuf::from(program) };
    // PostgreSQL refuses to run as root; tests running as root run it as the `postgres` user.
    if nix_is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn nix_is_root() -> bool {
    std::env::var("USER").is_ok_and(|u| u == "root")
        || Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Cluster {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("pg");
        if nix_is_root() {
            assert!(
                Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().unwrap().success()
            );
        }
        let initdb = as_postgres_user("initdb")
            .args(["-A", "trust", "-U", "eclinic", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .unwrap();
        assert!(initdb.status.success(), "initdb: {}", String::from_utf8_lossy(&initdb.stderr));
        let port = free_port();
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", dir.path().display());
        let log = dir.path().join("pg.log");
        let started = as_postgres_user("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-o", &options, "start"])
            .output()
            .unwrap();
        assert!(started.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&started.stderr));
        Self { dir, url: format!("postgres://eclinic@127.0.0.1:{port}/postgres") }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres_user("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("pg"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// A running server with an admin account, and an HTTPS client that trusts its certificate.
pub struct TestServer {
    pub running: Option<Running>,
    pub client: ServerClient,
    pub base: String,
    pub data: tempfile::TempDir,
    pub cluster: Option<Cluster>,
    pub backend: Backend,
}

pub async fn server(backend: Backend, turn: Option<TurnConfig>) -> TestServer {
    let data = tempfile::tempdir().unwrap();
    let cluster = (backend == Backend::Postgres).then(Cluster::start);
    let config = || Config {
        data_dir: data.path().to_path_buf(),
        database_url: cluster.as_ref().map(|c| c.url.clone()),
        tls_cert_and_key: None,
        turn: turn.clone(),
    };
    let store = open_store(&config()).await.unwrap();
    let admin = NewUser {
        kind: AccountKind::Admin,
        username: "admin",
        password: ADMIN_PASSWORD,
        display_name: "Admin",
        pmdc: None,
    };
    Accounts::new(store.clone()).unwrap().create_user(&admin, 0).await.unwrap();
    store.close().await;
    let running = start(config(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("https://127.0.0.1:{}", running.addr.port());
    let tls = trust_certificate(&eclinic_server::tls::dev_cert_path(data.path())).unwrap();
    let client = ServerClient::new(&base, tls).unwrap();
    TestServer { running: Some(running), client, base, data, cluster, backend }
}

impl TestServer {
    pub async fn admin_token(&self) -> String {
        self.client.login("admin", ADMIN_PASSWORD).await.unwrap().access_token
    }

    /// Enrols a kiosk and signs it in: (kiosk id, access token).
    pub async fn kiosk(&self, name: &str) -> (String, String) {
        let code = self.client.create_enrolment(&self.admin_token().await, name).await.unwrap().code;
        let credential = self.client.enrol(&code).await.unwrap();
        let tokens = self.client.device_login(&credential.kiosk_id, &credential.secret).await.unwrap();
        (credential.kiosk_id, tokens.access_token)
    }

    /// Creates a doctor and signs in: (account id, access token).
    pub async fn doctor(&self, username: &str, pmdc: &str) -> (String, String) {
        let user = eclinic_signal::api::NewUserRequest {
            role: eclinic_signal::api::AccountRole::Doctor,
            username: username.into(),
            password: "doctor password".into(),
            display_name: format!("Dr {username}"),
            pmdc: Some(pmdc.into()),
        };
        let id = self.client.create_user(&self.admin_token().await, &user).await.unwrap().account_id;
        (id, self.client.login(username, "doctor password").await.unwrap().access_token)
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
    }
}

/// Runs a test body against both backends, as two tests.
#[macro_export]
macro_rules! on_both_backends {
    ($body:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn on_sqlite() {
            $body(common::Backend::Sqlite).await;
        }
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn on_postgres() {
            $body(common::Backend::Postgres).await;
        }
    };
}
