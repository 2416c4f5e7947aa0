#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Two `eclinic call` processes call each other: over stdio (the descriptions relayed line by line, as a
//! browser harness would), and through a real eclinic-server. Each writes its statistics; the doctor
//! records what it received.

#[path = "../../server/tests/common/coturn.rs"]
mod coturn;
mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use support::{ServerProcess, call_stats};

/// How long the calls last, unless a test needs a longer one.
const CALL_SECONDS: u64 = 6;

/// `eclinic call` for `role`; `secret` is the account's password or device secret.
fn call_process(role: &str, extra: &[&str], stats: &Path, secret: Option<&str>) -> Child {
    call_process_for(CALL_SECONDS, role, extra, stats, secret)
}

fn call_process_for(seconds: u64, role: &str, extra: &[&str], stats: &Path, secret: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eclinic"));
    command.args(["call", "--role", role, "--seconds"]).arg(seconds.to_string()).arg("--stats-json").arg(stats);
    command.args(extra);
    command.env_remove("ECLINIC_SECRET");
    if let Some(secret) = secret {
        command.env("ECLINIC_SECRET", secret);
    }
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

fn first_line(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    line
}

/// Waits for an end to exit well; its stderr (the per-second lines and the log).
fn finish(child: Child, who: &str) -> String {
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{who}: {stderr}");
    assert!(!stderr.contains("panicked"), "{who}: {stderr}");
    stderr
}

#[test]
fn two_processes_call_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let (kiosk_stats, doctor_stats) = (dir.path().join("kiosk.json"), dir.path().join("doctor.json"));
    let record_dir = dir.path().join("received");
    let mut kiosk = call_process("kiosk", &["--signal", "stdio"], &kiosk_stats, None);
    let offer = first_line(&mut kiosk);
    let offer_json: serde_json::Value = serde_json::from_str(&offer).unwrap();
    assert_eq!(offer_json["type"], "offer", "{offer}");
    assert!(offer_json["sdp"].as_str().unwrap().contains("H264"), "{offer}");

    let record = record_dir.to_str().unwrap();
    let mut doctor = call_process("doctor", &["--signal", "stdio", "--record-dir", record], &doctor_stats, None);
    doctor.stdin.as_mut().unwrap().write_all(offer.as_bytes()).unwrap();
    let answer = first_line(&mut doctor);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&answer).unwrap()["type"], "answer", "{answer}");
    kiosk.stdin.as_mut().unwrap().write_all(answer.as_bytes()).unwrap();
    finish(kiosk, "kiosk");
    finish(doctor, "doctor");

    for (who, stats) in [("kiosk", &kiosk_stats), ("doctor", &doctor_stats)] {
        call_stats(who, stats).assert_media_flowed();
    }
    assert!(call_stats("doctor", &doctor_stats).vitals_received >= 3);
    assert!(std::fs::metadata(record_dir.join("received.y4m")).unwrap().len() > 100_000);
    assert!(std::fs::metadata(record_dir.join("received.wav")).unwrap().len() > 100_000);
}

#[test]
fn two_processes_call_through_a_real_server() {
    call_through_server(false);
}

/// Both ends may only use relay candidates: the media goes through coturn, with the credentials the
/// server mints for each account.
#[test]
fn two_processes_call_through_a_real_coturn_relay() {
    call_through_server(true);
}

fn call_through_server(relay_only: bool) {
    const TURN_SECRET: &str = "coturn secret for the headless call";
    let dir = tempfile::tempdir().unwrap();
    let coturn = relay_only.then(|| coturn::Coturn::start(TURN_SECRET));
    let call = ServerCall::start(dir.path(), coturn.as_ref().map(|coturn| (coturn, TURN_SECRET)), CALL_SECONDS);
    for (who, stats, _) in call.finish() {
        stats.assert_media_flowed();
        assert_eq!(stats.json["ice_restarts"], 0, "{who}: a steady call needs no restart");
    }
}

/// coturn restarts in the middle of a relay-only call: every allocation, and with it the only path between
/// the two ends, is gone for good. Only an ICE restart through the server (new allocations, new candidates)
/// brings the call back; ICE consent alone never would.
#[test]
fn a_relayed_call_comes_back_after_the_relay_restarts() {
    const TURN_SECRET: &str = "coturn secret for the restarted relay";
    let dir = tempfile::tempdir().unwrap();
    let mut coturn = coturn::Coturn::start(TURN_SECRET);
    let call = ServerCall::start(dir.path(), Some((&coturn, TURN_SECRET)), 30);
    std::thread::sleep(std::time::Duration::from_secs(8));
    coturn.restart();
    let ends = call.finish();
    let (doctor, doctor_log) = (&ends[1].1.json, &ends[1].2);
    assert!(doctor["ice_restarts"].as_u64().unwrap() >= 1, "the offering end restarted ICE: {doctor_log}");
    for (who, stats, log) in &ends {
        let seconds = stats.json["seconds"].as_array().unwrap();
        assert!(stats.json["reconnections"].as_u64().unwrap() >= 1, "{who} reconnected: {log}\ndoctor: {doctor_log}");
        let last = &seconds[seconds.len().saturating_sub(5)..];
        assert!(
            last.iter().all(|second| second["fps"].as_u64().unwrap() > 0),
            "{who}: pictures in each of the last seconds after the relay came back: {last:?}\n{log}"
        );
    }
}

/// A kiosk and a doctor calling each other through a real server, and through coturn alone when one is given
/// (with its secret).
struct ServerCall {
    _server: support::RunningServer,
    kiosk: (Child, PathBuf),
    doctor: (Child, PathBuf),
}

impl ServerCall {
    fn start(dir: &Path, coturn: Option<(&coturn::Coturn, &str)>, seconds: u64) -> Self {
        let turn_args = coturn.map(|(coturn, secret)| {
            let secret_file = dir.join("turn-secret");
            std::fs::write(&secret_file, secret).unwrap();
            vec![
                "--turn-secret-file".to_owned(),
                secret_file.display().to_string(),
                "--turn-url".to_owned(),
                coturn.url(),
            ]
        });
        let server = ServerProcess::start(dir, turn_args.as_deref());
        let (kiosk_id, kiosk_secret) = server.enrol_kiosk("Kiosk Thatta");
        server.create_doctor("drcall", "doctor call password");
        let (kiosk_stats, doctor_stats) = (dir.join("kiosk.json"), dir.join("doctor.json"));
        let mut common = vec!["--server", &server.base, "--ca", server.certificate.to_str().unwrap()];
        if coturn.is_some() {
            common.push("--relay-only");
        }
        let mut kiosk_args = common.clone();
        kiosk_args.extend(["--account", &kiosk_id]);
        let kiosk = call_process_for(seconds, "kiosk", &kiosk_args, &kiosk_stats, Some(&kiosk_secret));
        let mut doctor_args = common;
        doctor_args.extend(["--account", "drcall"]);
        let doctor = call_process_for(seconds, "doctor", &doctor_args, &doctor_stats, Some("doctor call password"));
        Self { _server: server, kiosk: (kiosk, kiosk_stats), doctor: (doctor, doctor_stats) }
    }

    /// Waits for both ends; their statistics and stderr, the kiosk's first.
    fn finish(self) -> [(&'static str, support::CallStats, String); 2] {
        let kiosk_log = finish(self.kiosk.0, "kiosk");
        let doctor_log = finish(self.doctor.0, "doctor");
        [
            ("kiosk", call_stats("kiosk", &self.kiosk.1), kiosk_log),
            ("doctor", call_stats("doctor", &self.doctor.1), doctor_log),
        ]
    }
}
