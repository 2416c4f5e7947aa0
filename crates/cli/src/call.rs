//! `eclinic call`: a whole call without the UI. Negotiation goes over stdio (one JSON line each way, so any
//! WebRTC peer can be the other end) or through the signalling server (the kiosk queues, the doctor takes the
//! patient and offers); then `eclinic-call-session` runs the call and the statistics are reported.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use std::sync::Arc;
use std::time::Duration;

use eclinic_app::consult::description_message;
use eclinic_call::channel::{LiveVital, Message};
use eclinic_call_session::{
    Call, CallCommand, CallHooks, CallReport, Description as SessionDescription, IceServer, Media, NetworkSetup,
    SessionError, Unobserved,
};
use eclinic_connect::{ConnectError, ServerClient, Signal, trust_certificate};
use eclinic_media::audio::{AudioSource, SyntheticVoice, WavSource};
use eclinic_media::video::{SyntheticVideo, VideoFormat, VideoSource, Y4mSource, system_clock};
use eclinic_signal::{ClientMessage as C, ErrorCode, Priority, ServerMessage as S};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::args::{CallArgs, CallRole};
use crate::commands::Failure;
use crate::input::secret;
use crate::output::{CallOut, Report};

/// The LOINC code of SpO2, the live vital a headless kiosk reports (a steady, made-up 97 %).
const SPO2_LOINC: &str = "59408-5";
const SIMULATED_SPO2_EVERY: Duration = Duration::from_secs(1);

/// The synthetic camera's picture: the ladder's 320x240 rung at its full rate.
const SYNTHETIC_FORMAT: VideoFormat = VideoFormat { width: 320, height: 240, fps: 15 };

/// One session description on stdio, as browsers' `RTCSessionDescriptionInit` serialises.
#[derive(Debug, Serialize, Deserialize)]
struct Description {
    #[serde(rename = "type")]
    kind: String,
    sdp: String,
}

const OFFER: &str = "offer";
const ANSWER: &str = "answer";

impl From<SessionDescription> for Description {
    fn from(description: SessionDescription) -> Self {
        let (kind, sdp) = match description {
            SessionDescription::Offer(sdp) => (OFFER, sdp),
            SessionDescription::Answer(sdp) => (ANSWER, sdp),
        };
        Self { kind: kind.to_owned(), sdp }
    }
}

impl TryFrom<Description> for SessionDescription {
    /// The line's type, neither an offer nor an answer (a browser's `pranswer` or `rollback`).
    type Error = String;

    fn try_from(line: Description) -> Result<Self, String> {
        match line.kind.as_str() {
            OFFER => Ok(Self::Offer(line.sdp)),
            ANSWER => Ok(Self::Answer(line.sdp)),
            _ => Err(line.kind),
        }
    }
}

fn session_failure(e: SessionError) -> Failure {
    Failure { code: e.code(), message: e.to_string() }
}

fn signal_failure(message: impl std::fmt::Display) -> Failure {
    Failure { code: "signalling", message: message.to_string() }
}

fn media(args: &CallArgs) -> Result<Media, Failure> {
    let video: Box<dyn VideoSource> = match args.video.as_str() {
        "synthetic" => Box::new(SyntheticVideo::new(SYNTHETIC_FORMAT, system_clock())?),
        file => Box::new(Y4mSource::open(Path::new(file), true, system_clock())?),
    };
    let audio: Box<dyn AudioSource> = match args.audio.as_str() {
        "synthetic" => Box::new(SyntheticVoice::new()),
        file => Box::new(WavSource::open(Path::new(file), true)?),
    };
    Ok(Media {
        video,
        audio,
        record_dir: args.record_dir.clone(),
        camera_for_far_end: args.role == CallRole::Kiosk,
        other_cameras: None,
    })
}

/// The call engine's own log on stderr, beside the per-second lines: this end's notices, anyone's warnings.
fn log_to_stderr() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("eclinic", tracing::Level::INFO)
        .with_default(tracing::Level::WARN);
    let log = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    // Only this command sets a subscriber; a second one (never) would be refused harmlessly.
    let _ = tracing_subscriber::registry().with(log).with(filter).try_init();
}

pub async fn run(args: &CallArgs) -> Result<Report, Failure> {
    log_to_stderr();
    if let Some(dir) = &args.record_dir {
        std::fs::create_dir_all(dir).map_err(|e| Failure::usage(format!("--record-dir {}: {e}", dir.display())))?;
    }
    let network =
        NetworkSetup { bind: vec![args.bind.clone()], relay_only: args.relay_only, ..NetworkSetup::loopback() };
    let report = match (args.signal.as_deref(), &args.server) {
        (Some("stdio"), None) => over_stdio(args, network).await?,
        (None, Some(server)) => through_server(args, server, network).await?,
        (Some(other), _) => return Err(Failure::usage(format!("--signal {other}: only `stdio` is known"))),
        (None, None) => return Err(Failure::usage("give --signal stdio or --server URL".to_owned())),
    };
    let out = CallOut::from(&report);
    if let Some(path) = &args.stats_json {
        let text = serde_json::to_string_pretty(&out).map_err(|e| Failure { code: "io", message: e.to_string() })?;
        std::fs::write(path, text).map_err(|e| Failure { code: "io", message: format!("{}: {e}", path.display()) })?;
    }
    Ok(Report::Call(out))
}

fn print_description(description: SessionDescription) -> Result<(), Failure> {
    let line = serde_json::to_string(&Description::from(description)).map_err(signal_failure)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").and_then(|()| stdout.flush()).map_err(signal_failure)
}

/// The next description line on stdin; `None` at its end.
fn read_line() -> Result<Option<Description>, Failure> {
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).map_err(signal_failure)? == 0 {
        return Ok(None);
    }
    serde_json::from_str(line.trim())
        .map(Some)
        .map_err(|e| signal_failure(format!("stdin is not a session description line: {e}")))
}

/// The first description on stdin, which must be of the kind `expected` names; its SDP.
fn read_description(expected: &str) -> Result<String, Failure> {
    let line = read_line()?.ok_or_else(|| signal_failure(format!("stdin ended before the {expected}")))?;
    if line.kind != expected {
        return Err(signal_failure(format!("expected an {expected} on stdin, got an {}", line.kind)));
    }
    Ok(line.sdp)
}

/// The descriptions on stdin after the first, read on a thread of their own (stdin blocks) until it ends
/// or a line is not a description.
fn stdin_descriptions() -> mpsc::UnboundedReceiver<SessionDescription> {
    let (sender, descriptions) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        loop {
            let description = match read_line() {
                Ok(Some(line)) => match SessionDescription::try_from(line) {
                    Ok(description) => description,
                    Err(kind) => {
                        eprintln!("ignored a line on stdin that is neither an offer nor an answer: {kind}");
                        continue;
                    }
                },
                Ok(None) => break,
                Err(e) => {
                    eprintln!("stopped reading stdin: {}", e.message);
                    break;
                }
            };
            if sender.send(description).is_err() {
                break;
            }
        }
    });
    descriptions
}

/// How the call's descriptions travel once it runs (ICE restarts), as the first ones did.
enum Signalling<'a> {
    Stdio(mpsc::UnboundedReceiver<SessionDescription>),
    Server { signal: &'a mut Signal, consult_id: String },
}

impl Signalling<'_> {
    async fn send(&mut self, description: SessionDescription) -> Result<(), Failure> {
        match self {
            Self::Stdio(_) => print_description(description),
            Self::Server { signal, consult_id } => {
                signal.send(&description_message(consult_id.clone(), description)).await.map_err(signal_failure)
            }
        }
    }

    /// The far end's next description; never, once the way in is closed.
    async fn recv(&mut self) -> SessionDescription {
        loop {
            let received = match self {
                Self::Stdio(descriptions) => descriptions.recv().await,
                Self::Server { signal, .. } => match signal.recv().await {
                    Ok(Some(S::Offer { sdp, .. })) => Some(SessionDescription::Offer(sdp)),
                    Ok(Some(S::Answer { sdp, .. })) => Some(SessionDescription::Answer(sdp)),
                    Ok(Some(_)) => continue,
                    Ok(None) => None,
                    Err(e) => {
                        eprintln!("the signalling connection failed during the call: {e}");
                        None
                    }
                },
            };
            match received {
                Some(description) => return description,
                None => std::future::pending::<()>().await,
            }
        }
    }
}

/// The kiosk offers, the doctor answers; the descriptions travel as JSON lines over stdout and stdin.
async fn over_stdio(args: &CallArgs, network: NetworkSetup) -> Result<CallReport, Failure> {
    let mut call = Call::new(&network, media(args)?).await.map_err(session_failure)?;
    match args.role {
        CallRole::Kiosk => {
            print_description(SessionDescription::Offer(call.offer().await.map_err(session_failure)?))?;
            let answer = tokio::task::spawn_blocking(|| read_description(ANSWER)).await.map_err(signal_failure)??;
            call.accept_answer(&answer).await.map_err(session_failure)?;
        }
        CallRole::Doctor => {
            let offer = tokio::task::spawn_blocking(|| read_description(OFFER)).await.map_err(signal_failure)??;
            print_description(SessionDescription::Answer(call.answer(&offer).await.map_err(session_failure)?))?;
        }
    }
    run_call(call, args, Signalling::Stdio(stdin_descriptions())).await
}

/// Runs the call, carrying its ICE restarts through `signalling`; a headless kiosk reports a simulated SpO2
/// every second, as a kiosk's oximeter would.
async fn run_call(call: Call, args: &CallArgs, mut signalling: Signalling<'_>) -> Result<CallReport, Failure> {
    let length = Duration::from_secs(args.seconds);
    let (hooks, commands, mut outgoing) = CallHooks::with_signalling(Arc::new(Unobserved));
    let restarts = commands.clone();
    let vitals = (args.role == CallRole::Kiosk).then(|| {
        tokio::spawn(async move {
            let started = tokio::time::Instant::now();
            let mut tick = tokio::time::interval(SIMULATED_SPO2_EVERY);
            loop {
                tick.tick().await;
                let at_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
                let vital = LiveVital { loinc: SPO2_LOINC.into(), mantissa: 97, exponent: 0, unit: "%".into(), at_ms };
                if commands.send(CallCommand::Send(Message::Vital(vital))).is_err() {
                    break;
                }
            }
        })
    });
    let run = call.run(length, hooks, |second| {
        eprintln!(
            "{:>3} s  send {:>6.1} kb/s  receive {:>6.1} kb/s  estimate {:>6.1} kb/s  {:>2} fps {}x{}  freeze {} ms",
            second.second,
            second.send_kbps,
            second.receive_kbps,
            second.estimate_kbps,
            second.pictures,
            second.width,
            second.height,
            second.freeze_ms
        );
    });
    tokio::pin!(run);
    let report = loop {
        tokio::select! {
            report = &mut run => break report,
            Some(description) = outgoing.recv() => {
                if let Err(e) = signalling.send(description).await {
                    eprintln!("an ICE restart's description did not go out: {}", e.message);
                }
            }
            description = signalling.recv() => {
                let _ = restarts.send(CallCommand::RemoteDescription(description));
            }
        }
    };
    if let Some(vitals) = vitals {
        vitals.abort();
    }
    report.map_err(session_failure)
}

async fn next(signal: &mut Signal) -> Result<S, Failure> {
    match signal.recv().await.map_err(signal_failure)? {
        Some(S::Error { code, message, .. }) => Err(signal_failure(format!("server error {code:?}: {message}"))),
        Some(message) => Ok(message),
        None => Err(signal_failure("the server closed the connection")),
    }
}

/// Over the signalling server: the kiosk queues a patient and answers; the doctor takes the next patient,
/// offers, and ends the consult after the call. TURN credentials come from the server.
async fn through_server(args: &CallArgs, server: &str, mut network: NetworkSetup) -> Result<CallReport, Failure> {
    let tls = match &args.ca {
        Some(ca) => trust_certificate(ca).map_err(signal_failure)?,
        None => return Err(Failure::usage("--ca: the server's certificate is needed to trust it".to_owned())),
    };
    let client = ServerClient::new(server, tls).map_err(signal_failure)?;
    let account = args.account.as_deref().ok_or_else(|| Failure::usage("--account is needed with --server".into()))?;
    let password = secret("ECLINIC_SECRET", "the password or device secret")?;
    let tokens = match args.role {
        CallRole::Kiosk => client.device_login(account, &password).await,
        CallRole::Doctor => client.login(account, &password).await,
    }
    .map_err(signal_failure)?;
    match client.turn(&tokens.access_token).await {
        Ok(turn) => {
            network.ice_servers =
                vec![IceServer { urls: turn.urls, username: turn.username, credential: turn.credential }];
        }
        // A server without TURN: host candidates only (a LAN, or loopback).
        Err(ConnectError::Refused { code, .. }) if code == "turn_disabled" && !args.relay_only => {}
        Err(e) => return Err(signal_failure(e)),
    }
    let mut signal = client.signal(&tokens.access_token).await.map_err(signal_failure)?;
    let mut call = Call::new(&network, media(args)?).await.map_err(session_failure)?;
    let report = match args.role {
        CallRole::Kiosk => {
            let ticket = C::QueuePatient {
                ticket: "headless".into(),
                label: "eclinic call".into(),
                priority: Priority::Routine,
            };
            signal.send(&ticket).await.map_err(signal_failure)?;
            let (consult_id, offer) = loop {
                if let S::Offer { consult_id, sdp } = next(&mut signal).await? {
                    break (consult_id, sdp);
                }
            };
            let answer = call.answer(&offer).await.map_err(session_failure)?;
            signal.send(&C::Answer { consult_id: consult_id.clone(), sdp: answer }).await.map_err(signal_failure)?;
            run_call(call, args, Signalling::Server { signal: &mut signal, consult_id }).await?
        }
        CallRole::Doctor => {
            let consult_id = 'taking: loop {
                signal.send(&C::TakeNext).await.map_err(signal_failure)?;
                loop {
                    match signal.recv().await.map_err(signal_failure)? {
                        Some(S::ConsultStarted { consult_id, .. }) => break 'taking consult_id,
                        Some(S::Error { code: ErrorCode::QueueEmpty, .. }) => {
                            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                            continue 'taking;
                        }
                        Some(S::Error { code, message, .. }) => {
                            return Err(signal_failure(format!("server error {code:?}: {message}")));
                        }
                        Some(_) => {}
                        None => return Err(signal_failure("the server closed the connection")),
                    }
                }
            };
            let offer = call.offer().await.map_err(session_failure)?;
            signal.send(&C::Offer { consult_id: consult_id.clone(), sdp: offer }).await.map_err(signal_failure)?;
            let answer = loop {
                if let S::Answer { sdp, .. } = next(&mut signal).await? {
                    break sdp;
                }
            };
            call.accept_answer(&answer).await.map_err(session_failure)?;
            let report =
                run_call(call, args, Signalling::Server { signal: &mut signal, consult_id: consult_id.clone() })
                    .await?;
            signal.send(&C::End { consult_id }).await.map_err(signal_failure)?;
            report
        }
    };
    signal.close().await;
    Ok(report)
}
