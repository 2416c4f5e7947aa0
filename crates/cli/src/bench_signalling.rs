//! `eclinic bench signalling`: a load generator running full consult exchanges against a real
//! `eclinic-server` process on loopback (over TLS), measuring relay latency, consults per second, errors and
//! the server's memory per connection.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use eclinic_connect::{ServerClient, Signal, trust_certificate};
use eclinic_signal::api::{AccountRole, NewUserRequest};
use eclinic_signal::{ClientMessage as C, ErrorCode, Priority, RATE_PER_SECOND, ServerMessage as S};
use tokio::sync::Mutex;

use crate::args::SignallingBenchArgs;
use crate::commands::Failure;
use crate::output::{Report, SignallingBenchOut};

const ADMIN_PASSWORD: &str = "bench admin password";
const DOCTOR_PASSWORD: &str = "bench doctor password";
/// Candidates each side trickles per consult.
const CANDIDATES: usize = 2;
/// How long a consult may take before the bench counts it as an error.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

fn failure(code: &'static str) -> impl FnOnce(String) -> Failure {
    move |message| Failure { code, message }
}

fn bench_error<E: std::fmt::Display>(context: &'static str) -> impl FnOnce(E) -> Failure {
    move |e| Failure { code: "bench", message: format!("{context}: {e}") }
}

/// The server process; killed when dropped.
struct ServerProcess {
    child: Child,
    base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_binary() -> Result<PathBuf, Failure> {
    let me = std::env::current_exe().map_err(bench_error("locating eclinic"))?;
    let binary = me.with_file_name("eclinic-server");
    if binary.exists() {
        Ok(binary)
    } else {
        Err(failure("bench")(format!("{} not found: build eclinic-server", binary.display())))
    }
}

fn store_args(data: &Path, database_url: Option<&str>) -> Vec<String> {
    let mut args = vec!["--data".to_owned(), data.display().to_string()];
    if let Some(url) = database_url {
        args.extend(["--database-url".to_owned(), url.to_owned()]);
    }
    args
}

fn start_server(data: &Path, database_url: Option<&str>) -> Result<ServerProcess, Failure> {
    let binary = server_binary()?;
    let mut create = Command::new(&binary)
        .arg("create-admin")
        .args(store_args(data, database_url))
        .args(["--username", "benchadmin", "--name", "Bench admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(bench_error("starting eclinic-server create-admin"))?;
    if let Some(mut stdin) = create.stdin.take() {
        stdin.write_all(ADMIN_PASSWORD.as_bytes()).map_err(bench_error("writing the admin password"))?;
    }
    let status = create.wait().map_err(bench_error("eclinic-server create-admin"))?;
    if !status.success() {
        return Err(failure("bench")("eclinic-server create-admin failed".into()));
    }
    let mut child = Command::new(&binary)
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(store_args(data, database_url))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(bench_error("starting eclinic-server"))?;
    let stdout = child.stdout.take().ok_or_else(|| failure("bench")("no server stdout".into()))?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).map_err(bench_error("reading the server's address"))?;
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| failure("bench")(format!("unexpected server output {line:?}")))?
        .to_owned();
    Ok(ServerProcess { child, base })
}

/// The server's resident memory in KiB.
fn rss_kib(pid: u32) -> Result<u64, Failure> {
    crate::process_usage::status_kib(pid, "VmRSS").ok_or_else(|| failure("bench")("no VmRSS for the server".into()))
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: Vec<String>,
    consults: u64,
}

type Shared = Arc<Mutex<Tally>>;

/// A payload carrying its send time, so the receiver can measure the relay.
fn stamped(epoch: Instant, what: &str) -> String {
    format!("{what} t={}", epoch.elapsed().as_micros())
}

async fn note_latency(tally: &Shared, epoch: Instant, payload: &str) {
    let sent = payload.rsplit_once(" t=").and_then(|(_, t)| t.parse::<u128>().ok());
    let mut tally = tally.lock().await;
    match sent {
        Some(sent) => {
            tally.latencies_us.push(u64::try_from(epoch.elapsed().as_micros().saturating_sub(sent)).unwrap_or(u64::MAX))
        }
        None => tally.errors.push("a relayed payload lost its stamp".into()),
    }
}

async fn recv(signal: &mut Signal) -> Result<S, String> {
    match tokio::time::timeout(STEP_TIMEOUT, signal.recv()).await {
        Err(_) => Err("timed out waiting for the server".into()),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok(None)) => Err("the server closed the connection".into()),
        Ok(Ok(Some(S::Error { code, message, .. }))) => Err(format!("server error {code:?}: {message}")),
        Ok(Ok(Some(message))) => Ok(message),
    }
}

/// A kiosk: queues one patient, answers the offer, trickles candidates, waits for the end.
/// Both sides' ICE candidates, each stamped so the other side can measure the relay.
async fn send_candidates(signal: &mut Signal, consult_id: &str, epoch: Instant) -> Result<(), String> {
    for n in 0..CANDIDATES {
        let candidate = C::Candidate {
            consult_id: consult_id.to_owned(),
            candidate: stamped(epoch, &format!("candidate:{n}")),
            sdp_mid: Some("0".into()),
            sdp_mline_index: Some(0),
        };
        signal.send(&candidate).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

async fn kiosk(mut signal: Signal, index: usize, epoch: Instant, tally: Shared) -> Result<(), String> {
    signal
        .send(&C::QueuePatient { ticket: format!("visit-{index}"), label: "bench".into(), priority: Priority::Routine })
        .await
        .map_err(|e| e.to_string())?;
    loop {
        match recv(&mut signal).await? {
            S::Offer { consult_id, sdp } => {
                note_latency(&tally, epoch, &sdp).await;
                signal
                    .send(&C::Answer { consult_id: consult_id.clone(), sdp: stamped(epoch, "answer") })
                    .await
                    .map_err(|e| e.to_string())?;
                send_candidates(&mut signal, &consult_id, epoch).await?;
            }
            S::Candidate { candidate, .. } => note_latency(&tally, epoch, &candidate).await,
            S::Ended { .. } => break,
            _ => {}
        }
    }
    signal.close().await;
    Ok(())
}

/// Keeps a doctor under the server's per-connection rate limit (a person does not send 20 messages a second;
/// a load generator must not either, or it measures the limiter). The doctor waits once per consult, before
/// taking the next patient, for as long as the consult's messages need: waiting between messages inside a
/// consult would leave the kiosk's relayed candidates unread in the socket and count that as relay latency.
struct Pace {
    last: Option<Instant>,
}

/// What a doctor sends per consult: take-next, offer, the candidates, end.
const DOCTOR_MESSAGES_PER_CONSULT: u64 = 3 + CANDIDATES as u64;

impl Pace {
    async fn wait(&mut self) {
        let gap = Duration::from_millis(1100 * DOCTOR_MESSAGES_PER_CONSULT / RATE_PER_SECOND);
        if let Some(last) = self.last {
            tokio::time::sleep_until((last + gap).into()).await;
        }
        self.last = Some(Instant::now());
    }
}

/// A doctor: takes the next patient until the queue is empty and every kiosk has been seen.
async fn doctor(mut signal: Signal, epoch: Instant, tally: Shared, total: u64) -> Result<(), String> {
    let mut pace = Pace { last: None };
    loop {
        if tally.lock().await.consults >= total {
            break;
        }
        pace.wait().await;
        signal.send(&C::TakeNext).await.map_err(|e| e.to_string())?;
        let consult_id = loop {
            match tokio::time::timeout(STEP_TIMEOUT, signal.recv()).await {
                Ok(Ok(Some(S::ConsultStarted { consult_id, .. }))) => break Some(consult_id),
                Ok(Ok(Some(S::Error { code: ErrorCode::QueueEmpty, .. }))) => break None,
                Ok(Ok(Some(S::Error { code, message, .. }))) => {
                    return Err(format!("server error {code:?}: {message}"));
                }
                Ok(Ok(Some(_))) => {}
                Ok(Ok(None)) => return Err("the server closed the connection".into()),
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => return Err("timed out waiting for a patient".into()),
            }
        };
        let Some(consult_id) = consult_id else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        signal
            .send(&C::Offer { consult_id: consult_id.clone(), sdp: stamped(epoch, "offer") })
            .await
            .map_err(|e| e.to_string())?;
        let mut heard = 0;
        let mut answered = false;
        while !(answered && heard == CANDIDATES) {
            match recv(&mut signal).await? {
                S::Answer { sdp, .. } => {
                    note_latency(&tally, epoch, &sdp).await;
                    answered = true;
                    send_candidates(&mut signal, &consult_id, epoch).await?;
                }
                S::Candidate { candidate, .. } => {
                    note_latency(&tally, epoch, &candidate).await;
                    heard += 1;
                }
                _ => {}
            }
        }
        signal.send(&C::End { consult_id }).await.map_err(|e| e.to_string())?;
        loop {
            if let S::Ended { .. } = recv(&mut signal).await? {
                break;
            }
        }
        tally.lock().await.consults += 1;
    }
    signal.close().await;
    Ok(())
}

/// Runs `jobs` with at most `width` at once, collecting the first error.
async fn bounded<T, F>(jobs: Vec<F>, width: usize) -> Result<Vec<T>, Failure>
where
    F: std::future::Future<Output = Result<T, Failure>>,
{
    use futures_util::StreamExt;
    let results: Vec<Result<T, Failure>> = futures_util::stream::iter(jobs).buffered(width).collect().await;
    results.into_iter().collect()
}

pub async fn run(args: &SignallingBenchArgs) -> Result<Report, Failure> {
    let data = tempfile::tempdir().map_err(bench_error("creating a scratch directory"))?;
    let server = start_server(data.path(), args.database_url.as_deref())?;
    let pid = server.child.id();
    let tls =
        trust_certificate(&data.path().join("tls").join("dev-cert.pem")).map_err(bench_error("trusting the server"))?;
    let client = ServerClient::new(&server.base, tls).map_err(bench_error("client"))?;
    let admin = client.login("benchadmin", ADMIN_PASSWORD).await.map_err(bench_error("admin sign-in"))?.access_token;

    let doctor_jobs = (0..args.doctors).map(|i| {
        let (client, admin) = (client.clone(), admin.clone());
        async move {
            let username = format!("doctor{i}");
            let user = NewUserRequest {
                role: AccountRole::Doctor,
                username: username.clone(),
                password: DOCTOR_PASSWORD.into(),
                display_name: format!("Dr {i}"),
                pmdc: Some(format!("{i}-P")),
            };
            client.create_user(&admin, &user).await.map_err(bench_error("creating a doctor"))?;
            Ok(client.login(&username, DOCTOR_PASSWORD).await.map_err(bench_error("doctor sign-in"))?.access_token)
        }
    });
    let doctor_tokens = bounded(doctor_jobs.collect(), 8).await?;
    let kiosk_jobs = (0..args.kiosks).map(|i| {
        let (client, admin) = (client.clone(), admin.clone());
        async move {
            let code = client
                .create_enrolment(&admin, &format!("Kiosk {i}"))
                .await
                .map_err(bench_error("enrolment code"))?
                .code;
            let credential = client.enrol(&code).await.map_err(bench_error("enrolling"))?;
            Ok(client
                .device_login(&credential.kiosk_id, &credential.secret)
                .await
                .map_err(bench_error("kiosk sign-in"))?
                .access_token)
        }
    });
    let kiosk_tokens = bounded(kiosk_jobs.collect(), 32).await?;
    let rss_idle = rss_kib(pid)?;

    let connect = |token: String| {
        let client = client.clone();
        async move { client.signal(&token).await.map_err(bench_error("connecting the signalling WebSocket")) }
    };
    let kiosks = bounded(kiosk_tokens.into_iter().map(connect).collect(), 32).await?;
    let doctors = bounded(doctor_tokens.into_iter().map(connect).collect(), 32).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_connected = rss_kib(pid)?;

    let tally: Shared = Arc::default();
    let epoch = Instant::now();
    let total = u64::try_from(args.kiosks).unwrap_or(u64::MAX);
    let mut tasks = tokio::task::JoinSet::new();
    for (index, signal) in kiosks.into_iter().enumerate() {
        tasks.spawn(kiosk(signal, index, epoch, tally.clone()));
    }
    for signal in doctors {
        tasks.spawn(doctor(signal, epoch, tally.clone(), total));
    }
    while let Some(done) = tasks.join_next().await {
        let outcome = done.map_err(|e| e.to_string()).and_then(|r| r);
        if let Err(error) = outcome {
            tally.lock().await.errors.push(error);
        }
    }
    let elapsed = epoch.elapsed().as_secs_f64();
    let mut tally = std::mem::take(&mut *tally.lock().await);
    tally.latencies_us.sort_unstable();
    let percentile = |p: f64| {
        let index = ((tally.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        tally.latencies_us.get(index).map_or(0.0, |us| *us as f64 / 1000.0)
    };
    let connections = (args.kiosks + args.doctors).max(1) as f64;
    Ok(Report::SignallingBench(SignallingBenchOut {
        backend: if args.database_url.is_some() { "postgres" } else { "sqlite" }.into(),
        kiosks: args.kiosks,
        doctors: args.doctors,
        consults: tally.consults,
        seconds: elapsed,
        consults_per_second: tally.consults as f64 / elapsed,
        relayed_messages: tally.latencies_us.len(),
        relay_p50_ms: percentile(0.50),
        relay_p99_ms: percentile(0.99),
        errors: tally.errors.len(),
        first_errors: tally.errors.into_iter().take(5).collect(),
        server_rss_idle_kib: rss_idle,
        server_rss_connected_kib: rss_connected,
        kib_per_connection: rss_connected.saturating_sub(rss_idle) as f64 / connections,
    }))
}
