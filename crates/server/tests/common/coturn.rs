//! coturn started by a test: shared by the server's relay test and the headless-call relay test
//! (`#[path]`-included, as the two live in different packages).
#![allow(dead_code, clippy::unwrap_used)]

use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// coturn on a free loopback port, killed when dropped.
pub struct Coturn {
    child: Child,
    port: u16,
    secret: String,
    _dir: tempfile::TempDir,
}

impl Coturn {
    pub fn start(secret: &str) -> Self {
        Self::start_on(secret, free_udp_port())
    }

    fn start_on(secret: &str, port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(dir.path().join("turn.log")).unwrap();
        let child = Command::new("turnserver")
            .args(["-n", "--no-cli", "--no-tls", "--no-dtls", "--use-auth-secret", "--realm=eclinic"])
            .arg(format!("--static-auth-secret={secret}"))
            .args(["--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--allow-loopback-peers"])
            .arg(format!("--listening-port={port}"))
            .arg(format!("--pidfile={}", dir.path().join("turn.pid").display()))
            .arg(format!("--db={}", dir.path().join("turndb").display()))
            .args(["--log-file=stdout", "--simple-log"])
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()
            .expect("coturn's turnserver is installed by `cargo xtask test`");
        let coturn = Self { child, port, secret: secret.to_owned(), _dir: dir };
        coturn.wait_until_listening();
        coturn
    }

    /// Kills coturn and starts it again on the same port: every allocation it held is gone, as after a
    /// relay's crash or a failover.
    pub fn restart(&mut self) {
        self.stop();
        *self = Self::start_on(&self.secret.clone(), self.port);
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends STUN Binding requests until coturn answers one.
    fn wait_until_listening(&self) {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        let mut binding_request = vec![0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42];
        binding_request.extend_from_slice(b"eclinic-test");
        for _ in 0..100 {
            socket.send_to(&binding_request, ("127.0.0.1", self.port)).unwrap();
            if socket.recv_from(&mut [0; 512]).is_ok() {
                return;
            }
        }
        panic!("coturn did not answer STUN on port {} within 10 s", self.port);
    }

    pub fn url(&self) -> String {
        format!("turn:127.0.0.1:{}?transport=udp", self.port)
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
