//! What the CLI prints: a text line per item for people, or one JSON document with `--json`. Only these
//! boundary types derive `Serialize`; domain types stay plain.

use crate::commands::Failure;
use eclinic_app::views::{AccountView, ObservationView, PatientView};
use serde::Serialize;
use std::io::Write as _;

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Report {
    Initialised { data_dir: String, device_id: String, admin: String },
    User(AccountView),
    Users { users: Vec<AccountView> },
    Patient(PatientView),
    Patients { patients: Vec<PatientView> },
    Observation(ObservationView),
    Observations { observations: Vec<ObservationView> },
    AuditIntact { entries: u64 },
    AuditBroken { first_broken_seq: i64, reason: String },
    BackupCreated { file: String, new_key: Option<String> },
    Restored { file: String },
    RecoveryKey { recovery_key: String },
    RecoveryKeyImported,
    KeyRotated,
    AutoLockSet { seconds: u32 },
    MediaBench(MediaBenchOut),
    ClipWritten { file: String },
    SignallingBench(SignallingBenchOut),
    DeviceList { serial_ports: Vec<String>, bluetooth: Vec<BleDeviceOut>, bluetooth_error: Option<String> },
    OximeterReadings { port: String, model: String, readings: Vec<OximeterReadingOut> },
    SimulationEnded { device: String },
    Decoded { characteristic: String, value: DecodedOut },
    BleReadings { device: String, readings: Vec<DecodedOut> },
    StoredRecording { port: String, model: String, samples: Vec<StoredSampleOut> },
    Call(CallOut),
    ServerSet { url: String },
    KioskEnrolled { url: String, kiosk_name: String },
    LinkBench(LinkBenchOut),
}

/// `eclinic bench link --json`.
#[derive(Debug, Serialize)]
pub struct LinkBenchOut {
    pub profile: String,
    pub seconds: u64,
    pub runs: Vec<LinkRunOut>,
    /// Links a call did not survive.
    pub failed: Vec<String>,
}

/// One call through one emulated link: what the doctor saw and heard of the kiosk, and how the kiosk's
/// estimate followed the uplink.
#[derive(Debug, Serialize)]
pub struct LinkRunOut {
    pub link: String,
    pub uplink_one_way_ms: u64,
    pub connect_ms: Option<u64>,
    pub received_fps: Option<f64>,
    pub resolution: Option<String>,
    pub freeze_percent: Option<f64>,
    pub audio_concealed_percent: Option<f64>,
    pub glass_to_glass_p50_ms: Option<u64>,
    pub glass_to_glass_p95_ms: Option<u64>,
    /// Media payload the kiosk sent, mean over the call (RTP, SRTP and UDP headers not counted).
    pub kiosk_send_kbps: f64,
    /// The kiosk's estimate over the last 30 % of the call.
    pub estimate_tail_kbps: f64,
    /// Media payload over the last 30 % of the call, as a share of the uplink's capacity then.
    pub utilisation_percent: Option<f64>,
    /// Everything that crossed the uplink's bottleneck over the same window (headers, repair packets,
    /// retransmissions, feedback and the data channel too), as a share of its capacity: the link's utilisation
    /// as a router sees it.
    pub wire_utilisation_percent: Option<f64>,
    pub estimate_percent_of_capacity: Option<f64>,
    /// (second of the step, new capacity kb/s, seconds until the estimate converged).
    pub convergence: Vec<(u64, u64, Option<f64>)>,
    /// Seconds from the end of an outage to the first pictures.
    pub outage_recovery_s: Option<f64>,
    pub reconnections: u64,
    /// ICE restarts the offering end (the kiosk, over stdio) made.
    pub ice_restarts: u64,
    pub kiosk_cpu_percent: Option<f64>,
    pub doctor_cpu_percent: Option<f64>,
    pub kiosk_peak_rss_kib: Option<u64>,
    pub doctor_peak_rss_kib: Option<u64>,
}

/// `eclinic call --stats-json` and `--json`: each second, then the whole call.
#[derive(Debug, Serialize)]
pub struct CallOut {
    pub connect_ms: u64,
    pub seconds: Vec<CallSecondOut>,
    pub summary: CallSummaryOut,
    /// The far end's own summary of what it received, when it arrived.
    pub remote_summary: Option<CallSummaryOut>,
    pub vitals_received: u32,
    pub reconnections: u32,
    /// ICE restarts this end offered.
    pub ice_restarts: u32,
}

#[derive(Debug, Serialize)]
pub struct CallSecondOut {
    pub second: u32,
    pub send_kbps: f64,
    pub receive_kbps: f64,
    pub estimate_kbps: f64,
    pub fps: u32,
    pub width: u32,
    pub height: u32,
    pub freeze_ms: u32,
    pub audio_concealed_fraction: f64,
    pub rtt_ms: Option<u32>,
    pub loss_fraction: f64,
    pub glass_to_glass_ms: Option<u32>,
}

#[derive(Debug, Default, Serialize)]
pub struct CallSummaryOut {
    pub seconds: u32,
    pub mean_send_kbps: Option<f64>,
    pub mean_receive_kbps: f64,
    pub mean_fps: Option<f64>,
    pub freeze_ms: u64,
    pub audio_concealed_fraction: f64,
    pub glass_to_glass_p50_ms: Option<u32>,
    pub glass_to_glass_p95_ms: Option<u32>,
}

impl From<&eclinic_call_session::CallReport> for CallOut {
    fn from(report: &eclinic_call_session::CallReport) -> Self {
        let s = &report.summary;
        let remote_summary = match report.remote_summary {
            Some(eclinic_call::channel::Message::QualitySummary {
                seconds,
                mean_kbps,
                freeze_ms,
                audio_concealed_permille,
            }) => Some(CallSummaryOut {
                seconds,
                mean_receive_kbps: f64::from(mean_kbps),
                freeze_ms: u64::from(freeze_ms),
                audio_concealed_fraction: f64::from(audio_concealed_permille) / 1_000.0,
                ..CallSummaryOut::default()
            }),
            _ => None,
        };
        Self {
            connect_ms: report.connect_ms,
            seconds: report
                .seconds
                .iter()
                .map(|x| CallSecondOut {
                    second: x.second,
                    send_kbps: x.send_kbps,
                    receive_kbps: x.receive_kbps,
                    estimate_kbps: x.estimate_kbps,
                    fps: x.pictures,
                    width: x.width,
                    height: x.height,
                    freeze_ms: x.freeze_ms,
                    audio_concealed_fraction: x.audio_concealed_fraction,
                    rtt_ms: x.rtt_ms,
                    loss_fraction: x.loss_fraction,
                    glass_to_glass_ms: x.latency_ms,
                })
                .collect(),
            summary: CallSummaryOut {
                seconds: s.seconds,
                mean_send_kbps: Some(s.mean_send_kbps),
                mean_receive_kbps: s.mean_receive_kbps,
                mean_fps: Some(s.mean_fps),
                freeze_ms: s.freeze_ms,
                audio_concealed_fraction: s.audio_concealed_fraction,
                glass_to_glass_p50_ms: s.latency_p50_ms,
                glass_to_glass_p95_ms: s.latency_p95_ms,
            },
            remote_summary,
            vitals_received: report.vitals_received,
            reconnections: report.reconnections,
            ice_restarts: report.ice_restarts,
        }
    }
}

/// One second of an oximeter's stored recording.
#[derive(Debug, Serialize)]
pub struct StoredSampleOut {
    pub second: u32,
    pub spo2: Option<u8>,
    pub pulse_rate: Option<u16>,
}

/// A BLE device seen in a scan.
#[derive(Debug, Serialize)]
pub struct BleDeviceOut {
    pub address: String,
    pub name: Option<String>,
    pub kind: &'static str,
}

/// A decoded characteristic value and what the kiosk would record from it.
#[derive(Debug, Serialize)]
pub struct DecodedOut {
    pub decoded: String,
    pub observations: Vec<ObservationView>,
    pub not_recorded: Vec<String>,
}

/// One oximeter reading in `eclinic devices read --json`.
#[derive(Debug, Serialize)]
pub struct OximeterReadingOut {
    pub at_ms: i64,
    pub spo2: Option<u8>,
    pub pulse_rate: Option<u16>,
    pub pleth: Option<u8>,
    pub probe_off: bool,
    pub low_perfusion: bool,
    pub motion: bool,
}

/// `eclinic bench signalling --json`.
#[derive(Debug, Default, Serialize)]
pub struct SignallingBenchOut {
    pub backend: String,
    pub kiosks: usize,
    pub doctors: usize,
    pub consults: u64,
    pub seconds: f64,
    pub consults_per_second: f64,
    pub relayed_messages: usize,
    pub relay_p50_ms: f64,
    pub relay_p99_ms: f64,
    pub errors: usize,
    pub first_errors: Vec<String>,
    pub server_rss_idle_kib: u64,
    pub server_rss_connected_kib: u64,
    pub kib_per_connection: f64,
}

/// `eclinic bench media --json`: the figures issue 3 asks for, flat, plus the Opus loss table.
#[derive(Debug, Serialize)]
pub struct MediaBenchOut {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub frames: u64,
    pub skipped_frames: u64,
    pub target_kbps: u32,
    pub actual_kbps: f64,
    pub psnr_y_db: f64,
    pub ssim: f64,
    pub encode_ms_per_frame: f64,
    pub decode_ms_per_frame: f64,
    pub x264_kbps: Option<f64>,
    pub x264_psnr_y_db: Option<f64>,
    /// Ours minus x264 (negative: below x264).
    pub psnr_vs_x264_db: Option<f64>,
    pub opus: Vec<OpusRowOut>,
}

#[derive(Debug, Serialize)]
pub struct OpusRowOut {
    pub kbps: u32,
    pub loss_pct: u8,
    pub fec: bool,
    pub frames: u64,
    pub lost: u64,
    pub recovered: u64,
    pub concealed: u64,
    pub concealed_ratio: f64,
    pub fec_packet_ratio: f64,
    pub actual_kbps: f64,
}

fn patient_line(p: &PatientView) -> String {
    let born = p.date_of_birth.clone().or_else(|| p.stated_age.map(|a| format!("age {a}"))).unwrap_or_default();
    let cnic = p.cnic.as_deref().unwrap_or("-");
    let village = p.village.as_deref().unwrap_or("-");
    format!("{}  {}  {}  {}  CNIC {}  {}", p.id, p.name, p.sex, born, cnic, village)
}

fn observation_line(o: &ObservationView) -> String {
    let flags = if o.flags.is_empty() { String::new() } else { format!("  [{}]", o.flags.join(", ")) };
    format!("{}  {}  {} {}  ({}){}", o.id, o.kind.as_deref().unwrap_or(&o.loinc), o.value, o.unit, o.status, flags)
}

fn user_line(u: &AccountView) -> String {
    let pmdc = u.pmdc.as_deref().map(|p| format!("  PMDC {p}")).unwrap_or_default();
    format!("{}  {}  {}  {}{}", u.id, u.username, u.role, u.name, pmdc)
}

/// Writes the report on stdout. A reader that went away (`eclinic … | head`) ends the output quietly
/// instead of panicking as `println!` would.
pub fn print(report: &Report, json: bool) {
    let mut out = Text::default();
    if json {
        match serde_json::to_string_pretty(report) {
            Ok(text) => writeln!(out, "{text}"),
            Err(e) => eprintln!("error: cannot encode the output: {e}"),
        }
    } else {
        render(report, &mut out);
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(out.0.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => eprintln!("error: cannot write the output: {e}"),
        _ => {}
    }
}

/// Text gathered for stdout. Its own `write_fmt` (what `write!` calls) cannot fail, so the many `writeln!`
/// below need no result handling.
#[derive(Default)]
struct Text(String);

impl Text {
    fn write_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        use std::fmt::Write as _;
        // Writing into a String fails only when a Display implementation does, which ours never do.
        let _ = self.0.write_fmt(args);
    }
}

fn render(report: &Report, out: &mut Text) {
    match report {
        Report::Initialised { data_dir, device_id, admin } => {
            writeln!(out, "store created in {data_dir}\ndevice {device_id}\nadmin user: {admin}");
            writeln!(out, "the key is in the OS keyring; run `eclinic key export-recovery` and keep it offline");
        }
        Report::User(u) => writeln!(out, "{}", user_line(u)),
        Report::LinkBench(bench) => {
            for failed in &bench.failed {
                writeln!(out, "{failed}");
            }
            for run in &bench.runs {
                let opt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
                writeln!(
                    out,
                    "{}: {} fps {} | freeze {} % | audio concealed {} % | glass-to-glass p95 {} ms (one-way {} ms) | estimate {:.0} kb/s = {} % of capacity | utilisation {} % media, {} % wire | CPU kiosk {} % doctor {} % | convergence {:?} | outage recovery {} s",
                    run.link,
                    opt(run.received_fps),
                    run.resolution.as_deref().unwrap_or("-"),
                    opt(run.freeze_percent),
                    opt(run.audio_concealed_percent),
                    run.glass_to_glass_p95_ms.map_or("-".to_owned(), |v| v.to_string()),
                    run.uplink_one_way_ms,
                    run.estimate_tail_kbps,
                    opt(run.estimate_percent_of_capacity),
                    opt(run.utilisation_percent),
                    opt(run.wire_utilisation_percent),
                    opt(run.kiosk_cpu_percent),
                    opt(run.doctor_cpu_percent),
                    run.convergence,
                    opt(run.outage_recovery_s),
                );
            }
        }
        Report::Call(call) => {
            let s = &call.summary;
            writeln!(
                out,
                "call: connected in {} ms; {} s; received {:.1} kb/s, {:.1} fps, freezes {} ms, audio concealed {:.1} %, glass-to-glass p50 {} ms",
                call.connect_ms,
                s.seconds,
                s.mean_receive_kbps,
                s.mean_fps.unwrap_or(0.0),
                s.freeze_ms,
                s.audio_concealed_fraction * 100.0,
                s.glass_to_glass_p50_ms.map_or("-".to_owned(), |ms| ms.to_string()),
            );
        }
        Report::ServerSet { url } => writeln!(out, "this installation uses the server {url}"),
        Report::KioskEnrolled { url, kiosk_name } => {
            writeln!(out, "enrolled as {kiosk_name:?} with {url}; its credential is in the OS keyring");
        }
        Report::Users { users } => users.iter().for_each(|u| writeln!(out, "{}", user_line(u))),
        Report::Patient(p) => writeln!(out, "{}", patient_line(p)),
        Report::Patients { patients } => {
            patients.iter().for_each(|p| writeln!(out, "{}", patient_line(p)));
            writeln!(out, "{} patient(s)", patients.len());
        }
        Report::Observation(o) => writeln!(out, "{}", observation_line(o)),
        Report::Observations { observations } => {
            observations.iter().for_each(|o| writeln!(out, "{}", observation_line(o)))
        }
        Report::AuditIntact { entries } => writeln!(out, "audit chain intact: {entries} entries"),
        Report::AuditBroken { first_broken_seq, reason } => {
            writeln!(out, "audit chain BROKEN at entry {first_broken_seq}: {reason}");
        }
        Report::BackupCreated { file, new_key } => {
            writeln!(out, "backup written to {file}");
            if let Some(key) = new_key {
                writeln!(out, "backup key (keep it apart from the backup): {key}");
            }
        }
        Report::Restored { file } => writeln!(out, "restored from {file}"),
        Report::RecoveryKey { recovery_key } => writeln!(out, "{recovery_key}"),
        Report::RecoveryKeyImported => writeln!(out, "recovery key imported into the OS keyring"),
        Report::KeyRotated => writeln!(out, "store re-encrypted with a new key"),
        Report::AutoLockSet { seconds } => writeln!(out, "the kiosk locks after {seconds} s untouched"),
        Report::MediaBench(b) => {
            writeln!(
                out,
                "H.264 {}x{}@{} target {} kb/s over {} frames ({} skipped)",
                b.width, b.height, b.fps, b.target_kbps, b.frames, b.skipped_frames
            );
            writeln!(out, "  actual {:.1} kb/s, PSNR-Y {:.2} dB, SSIM {:.4}", b.actual_kbps, b.psnr_y_db, b.ssim);
            writeln!(
                out,
                "  encode {:.2} ms/frame, decode {:.2} ms/frame",
                b.encode_ms_per_frame, b.decode_ms_per_frame
            );
            if let (Some(kbps), Some(psnr), Some(diff)) = (b.x264_kbps, b.x264_psnr_y_db, b.psnr_vs_x264_db) {
                writeln!(out, "  libx264: {kbps:.1} kb/s, PSNR-Y {psnr:.2} dB (ours {diff:+.2} dB)");
            }
            for row in &b.opus {
                writeln!(
                    out,
                    "Opus {} kb/s, {} % loss, FEC {}: {} lost, {} recovered, {} concealed ({:.1} %), FEC in {:.0} % of packets",
                    row.kbps,
                    row.loss_pct,
                    if row.fec { "on" } else { "off" },
                    row.lost,
                    row.recovered,
                    row.concealed,
                    row.concealed_ratio * 100.0,
                    row.fec_packet_ratio * 100.0
                );
            }
        }
        Report::ClipWritten { file } => writeln!(out, "clip written to {file}"),
        Report::DeviceList { serial_ports, bluetooth, bluetooth_error } => {
            writeln!(out, "{} serial port(s)", serial_ports.len());
            serial_ports.iter().for_each(|p| writeln!(out, "  {p}"));
            match bluetooth_error {
                Some(error) => writeln!(out, "Bluetooth unavailable: {error}"),
                None => {
                    writeln!(out, "{} Bluetooth health device(s)", bluetooth.len());
                    for d in bluetooth {
                        writeln!(out, "  {}  {}  {}", d.address, d.kind, d.name.as_deref().unwrap_or("-"));
                    }
                }
            }
        }
        Report::OximeterReadings { port, model, readings } => {
            writeln!(out, "{model} on {port}: {} reading(s)", readings.len());
            let show = |v: Option<u16>| v.map_or_else(|| "--".to_owned(), |v| v.to_string());
            for r in readings.iter().step_by(readings.len().div_ceil(20).max(1)) {
                let flags = [(r.probe_off, " probe off"), (r.low_perfusion, " low perfusion"), (r.motion, " motion")];
                let flags: String = flags.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect();
                writeln!(out, "  SpO2 {} %  pulse {} /min{flags}", show(r.spo2.map(u16::from)), show(r.pulse_rate));
            }
        }
        Report::SimulationEnded { device } => writeln!(out, "simulated {device} switched off"),
        Report::Decoded { characteristic, value } => {
            write!(out, "{characteristic}: ");
            print_decoded(out, value);
        }
        Report::StoredRecording { port, model, samples } => {
            writeln!(out, "{model} on {port}: {} second(s) recorded", samples.len());
            let show = |v: Option<u16>| v.map_or_else(|| "--".to_owned(), |v| v.to_string());
            for s in samples {
                writeln!(
                    out,
                    "  {:>5} s  SpO2 {} %  pulse {} /min",
                    s.second,
                    show(s.spo2.map(u16::from)),
                    show(s.pulse_rate)
                );
            }
        }
        Report::BleReadings { device, readings } => {
            writeln!(out, "{device}: {} value(s)", readings.len());
            readings.iter().for_each(|value| print_decoded(out, value));
        }
        Report::SignallingBench(b) => {
            writeln!(
                out,
                "{} kiosks, {} doctors on {}: {} consults in {:.1} s ({:.1}/s)",
                b.kiosks, b.doctors, b.backend, b.consults, b.seconds, b.consults_per_second
            );
            writeln!(
                out,
                "  relay latency p50 {:.2} ms, p99 {:.2} ms over {} messages; {} errors",
                b.relay_p50_ms, b.relay_p99_ms, b.relayed_messages, b.errors
            );
            for error in &b.first_errors {
                writeln!(out, "  error: {error}");
            }
            writeln!(
                out,
                "  server memory {} KiB idle, {} KiB connected: {:.1} KiB per connection",
                b.server_rss_idle_kib, b.server_rss_connected_kib, b.kib_per_connection
            );
        }
    }
}

#[derive(Debug, Serialize)]
struct ErrorOut<'a> {
    error: ErrorBody<'a>,
}

#[derive(Debug, Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
}

fn print_decoded(out: &mut Text, value: &DecodedOut) {
    writeln!(out, "{}", value.decoded);
    value.observations.iter().for_each(|o| writeln!(out, "  records {}", observation_line(o)));
    value.not_recorded.iter().for_each(|reason| writeln!(out, "  records nothing: {reason}"));
}

pub fn print_error(failure: &Failure, json: bool) {
    if json {
        let out = ErrorOut { error: ErrorBody { code: failure.code, message: &failure.message } };
        match serde_json::to_string(&out) {
            Ok(text) => eprintln!("{text}"),
            Err(_) => eprintln!("error: {}", failure.message),
        }
    } else {
        eprintln!("error: {}", failure.message);
    }
}
