//! `eclinic bench link`: two `eclinic call` processes (kiosk and doctor) through an emulated rural link.
//!
//! The link is `eclinic-linklab` in a UDP relay on loopback, not `tc netem`: this project's machines run a
//! kernel without netem. The relay stands between the two ends the way a router would: each end's ICE host
//! candidate is rewritten, in the descriptions relayed over stdio (the first ones and every ICE restart's), to
//! a relay port, so every packet crosses the emulated uplink (kiosk to doctor) or downlink. The signalling server is not on the media path and is
//! left out.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use eclinic_linklab::{Link, Loss, Shape};
use tokio::net::UdpSocket;
use tokio::sync::watch;

use crate::args::LinkBenchArgs;
use crate::commands::Failure;
use crate::output::{LinkBenchOut, LinkRunOut, Report};
use crate::process_usage;

fn failure(message: impl std::fmt::Display) -> Failure {
    Failure { code: "bench", message: message.to_string() }
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

fn seconds(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// One run's link: both directions, and the capacity the uplink has when steady (for utilisation).
struct LinkSetup {
    name: String,
    uplink: Shape,
    downlink: Shape,
}

/// A steady link per ../shared/reference/links.md: rates in kb/s, round trip split evenly, per-direction
/// jitter, loss and queue.
fn steady(
    name: &str,
    up_kbps: u64,
    down_kbps: u64,
    rtt_ms: u64,
    jitter_ms: u64,
    loss: Loss,
    queue_ms: u64,
) -> LinkSetup {
    let shape = |kbps: u64| Shape {
        capacity: vec![(Duration::ZERO, kbps * 1_000)],
        delay: ms(rtt_ms / 2),
        jitter: ms(jitter_ms),
        loss,
        queue: ms(queue_ms),
        outages: Vec::new(),
    };
    LinkSetup { name: name.to_owned(), uplink: shape(up_kbps), downlink: shape(down_kbps) }
}

/// Gilbert-Elliott with about 2 % loss in bursts of about four packets.
const EDGE_LOSS: Loss = Loss::Bursty { enter_bad: 0.005, leave_bad: 0.25 };

fn setups(profile: &str) -> Result<Vec<LinkSetup>, Failure> {
    Ok(match profile {
        "edge" => vec![steady("edge", 150, 200, 500, 40, EDGE_LOSS, 1_000)],
        "3g-poor" => vec![steady("3g-poor", 384, 500, 250, 20, Loss::Random(0.01), 300)],
        "3g-ok" => vec![steady("3g-ok", 1_000, 2_000, 120, 10, Loss::Random(0.005), 300)],
        "steps" => {
            // RFC 8867 5.1 with C = 300 kb/s on the uplink: 1.0 C, 2.5 C at 40 s, 0.6 C at 60 s, 1.0 C at 80 s.
            let mut setup = steady("steps", 300, 2_000, 100, 5, Loss::None, 300);
            setup.uplink.capacity =
                vec![(Duration::ZERO, 300_000), (seconds(40), 750_000), (seconds(60), 180_000), (seconds(80), 300_000)];
            vec![setup]
        }
        "outage" => {
            let mut setup = steady("outage", 384, 500, 250, 20, Loss::Random(0.01), 300);
            for shape in [&mut setup.uplink, &mut setup.downlink] {
                shape.outages.push((seconds(15), seconds(25)));
            }
            vec![setup]
        }
        "loss-sweep" => [0.0, 0.02, 0.05, 0.10, 0.20]
            .into_iter()
            .map(|p| steady(&format!("loss {:.0} %", p * 100.0), 500, 1_000, 100, 5, Loss::Random(p), 300))
            .collect(),
        other => {
            return Err(Failure::usage(format!(
                "--profile {other}: edge, 3g-poor, 3g-ok, steps, outage or loss-sweep"
            )));
        }
    })
}

/// The relay: `as_doctor` is where the kiosk sends (the doctor's address as the kiosk sees it), `as_kiosk`
/// where the doctor sends.
struct Relay {
    as_doctor: Arc<UdpSocket>,
    as_kiosk: Arc<UdpSocket>,
}

impl Relay {
    async fn bind() -> Result<Self, Failure> {
        let bind = || async { UdpSocket::bind("127.0.0.1:0").await.map(Arc::new).map_err(failure) };
        Ok(Self { as_doctor: bind().await?, as_kiosk: bind().await? })
    }

    fn address(socket: &UdpSocket) -> Result<SocketAddr, Failure> {
        socket.local_addr().map_err(failure)
    }

    /// Carries packets from `from` through `link` to `to` (the end's address, which moves when an ICE
    /// restart binds new sockets), sent from `out`, until `stop` changes; then hands back the link with
    /// what crossed it.
    fn direction(
        from: Arc<UdpSocket>,
        out: Arc<UdpSocket>,
        to: watch::Receiver<SocketAddr>,
        mut link: Link<Vec<u8>>,
        mut stop: watch::Receiver<()>,
    ) -> tokio::task::JoinHandle<Link<Vec<u8>>> {
        tokio::spawn(async move {
            let epoch = tokio::time::Instant::now();
            let mut buffer = vec![0u8; 2_048];
            loop {
                let now = epoch.elapsed();
                while let Some(packet) = link.poll_delivery(now) {
                    let to = *to.borrow();
                    let _ = out.send_to(&packet, to).await;
                }
                let wake = link.poll_timeout().map_or(ms(50), |at| at.saturating_sub(now)).min(ms(50));
                tokio::select! {
                    received = from.recv_from(&mut buffer) => {
                        if let Ok((len, _)) = received {
                            link.handle_packet(epoch.elapsed(), len + 28, buffer[..len].to_vec());
                        }
                    }
                    _ = tokio::time::sleep(wake) => {}
                    _ = stop.changed() => return link,
                }
            }
        })
    }
}

/// The end's host address in a description, and the description with every UDP candidate replaced by
/// `relay`. The address is the last candidate's: an ICE restart lists its fresh socket after the ones it
/// closed.
fn through_relay(sdp: &str, relay: SocketAddr) -> Result<(SocketAddr, String), Failure> {
    let mut original = None;
    let lines: Vec<String> = sdp
        .split("\r\n")
        .map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            let is_udp_candidate =
                line.starts_with("a=candidate:") && fields.len() > 7 && fields[2].eq_ignore_ascii_case("udp");
            let address = format!("{}:{}", fields.get(4).unwrap_or(&""), fields.get(5).unwrap_or(&""));
            if let (true, Ok(address)) = (is_udp_candidate, address.parse::<SocketAddr>()) {
                original = Some(address);
                let mut fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
                fields[4] = relay.ip().to_string();
                fields[5] = relay.port().to_string();
                return fields.join(" ");
            }
            line.to_owned()
        })
        .collect();
    let original = original.ok_or_else(|| failure("a description without a UDP host candidate"))?;
    Ok((original, lines.join("\r\n")))
}

fn rewrite_line(line: &str, relay: SocketAddr) -> Result<(SocketAddr, String), Failure> {
    let mut description: serde_json::Value = serde_json::from_str(line.trim()).map_err(failure)?;
    let sdp = description["sdp"].as_str().ok_or_else(|| failure("a description without sdp"))?;
    let (original, sdp) = through_relay(sdp, relay)?;
    description["sdp"] = serde_json::Value::String(sdp);
    Ok((original, format!("{description}\n")))
}

/// One end of the call; its log (the engine's notices and warnings) goes beside its stats, as `.log`.
fn call_process(role: &str, seconds: u64, stats: &Path) -> Result<Child, Failure> {
    let me = std::env::current_exe().map_err(failure)?;
    let log = std::fs::File::create(stats.with_extension("log")).map_err(failure)?;
    Command::new(me)
        .args(["call", "--role", role, "--signal", "stdio", "--bind", "127.0.0.1:0", "--seconds"])
        .arg(seconds.to_string())
        .arg("--stats-json")
        .arg(stats)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .map_err(failure)
}

/// The description lines one end writes.
fn lines_of(child: &mut Child) -> Result<BufReader<ChildStdout>, Failure> {
    child.stdout.take().map(BufReader::new).ok_or_else(|| failure("no stdout"))
}

fn next_line(lines: &mut BufReader<ChildStdout>) -> Result<String, Failure> {
    let mut line = String::new();
    lines.read_line(&mut line).map_err(failure)?;
    Ok(line)
}

/// Carries the descriptions one end writes after the first (its ICE restarts) to the other end, through the
/// relay like the first, on a thread of its own (pipes block) until either end closes. The relay then sends
/// to the end's new address.
fn forward_lines(
    mut from: BufReader<ChildStdout>,
    to: Option<ChildStdin>,
    relay: SocketAddr,
    end_address: watch::Sender<SocketAddr>,
) {
    let Some(mut to) = to else { return };
    std::thread::spawn(move || {
        while let Ok(line) = next_line(&mut from) {
            if line.is_empty() {
                break;
            }
            // A line that is not a description is the end's to explain on its stderr; it is not passed on.
            let Ok((address, rewritten)) = rewrite_line(&line, relay) else { continue };
            end_address.send_replace(address);
            if to.write_all(rewritten.as_bytes()).and_then(|()| to.flush()).is_err() {
                break;
            }
        }
    });
}

/// What crossed the uplink's bottleneck over the last 30 % of the call (the window the estimate is judged
/// over), as a fraction of its capacity: the call ends when the kiosk stops sending.
fn wire_utilisation(uplink: &Link<Vec<u8>>, shape: &Shape, seconds: u64) -> Option<f64> {
    let end = uplink.throughput().last_sent()?;
    uplink.throughput().utilisation(shape, end.saturating_sub(Duration::from_secs(seconds) * 3 / 10), end)
}

/// CPU seconds and peak resident memory of a running process.
fn usage(pid: u32) -> Option<(f64, u64)> {
    Some((process_usage::cpu_seconds(pid)?, process_usage::status_kib(pid, "VmHWM")?))
}

async fn run_one(setup: LinkSetup, seconds: u64, dir: &Path, index: usize) -> Result<LinkRunOut, Failure> {
    let relay = Relay::bind().await?;
    let (kiosk_stats, doctor_stats) =
        (dir.join(format!("run-{index}-kiosk.json")), dir.join(format!("run-{index}-doctor.json")));
    let (as_kiosk, as_doctor) = (Relay::address(&relay.as_kiosk)?, Relay::address(&relay.as_doctor)?);
    let mut kiosk = call_process("kiosk", seconds, &kiosk_stats)?;
    let mut kiosk_lines = lines_of(&mut kiosk)?;
    let (kiosk_address, offer) = rewrite_line(&next_line(&mut kiosk_lines)?, as_kiosk)?;
    let mut doctor = call_process("doctor", seconds, &doctor_stats)?;
    let mut doctor_lines = lines_of(&mut doctor)?;
    doctor.stdin.as_mut().ok_or_else(|| failure("no stdin"))?.write_all(offer.as_bytes()).map_err(failure)?;
    let (doctor_address, answer) = rewrite_line(&next_line(&mut doctor_lines)?, as_doctor)?;
    let (doctor_address, to_doctor) = watch::channel(doctor_address);
    let (kiosk_address, to_kiosk) = watch::channel(kiosk_address);
    let (stop, stopped) = watch::channel(());
    let up = Relay::direction(
        Arc::clone(&relay.as_doctor),
        Arc::clone(&relay.as_kiosk),
        to_doctor,
        Link::new(setup.uplink.clone(), 1),
        stopped.clone(),
    );
    let down = Relay::direction(
        Arc::clone(&relay.as_kiosk),
        Arc::clone(&relay.as_doctor),
        to_kiosk,
        Link::new(setup.downlink.clone(), 2),
        stopped,
    );
    kiosk.stdin.as_mut().ok_or_else(|| failure("no stdin"))?.write_all(answer.as_bytes()).map_err(failure)?;
    forward_lines(kiosk_lines, doctor.stdin.take(), as_kiosk, kiosk_address);
    forward_lines(doctor_lines, kiosk.stdin.take(), as_doctor, doctor_address);

    let started = Instant::now();
    let mut last = [None, None];
    let (kiosk_pid, doctor_pid) = (kiosk.id(), doctor.id());
    while kiosk.try_wait().map_err(failure)?.is_none() || doctor.try_wait().map_err(failure)?.is_none() {
        for (slot, pid) in last.iter_mut().zip([kiosk_pid, doctor_pid]) {
            if let Some(sample) = usage(pid) {
                *slot = Some((sample, started.elapsed()));
            }
        }
        tokio::time::sleep(ms(250)).await;
    }
    stop.send_replace(());
    let uplink = up.await.map_err(failure)?;
    down.abort();
    let read = |path: &Path| -> Result<serde_json::Value, Failure> {
        let text = std::fs::read_to_string(path).map_err(|_| failure("the call did not complete"))?;
        serde_json::from_str(&text).map_err(failure)
    };
    Ok(crate::bench_link_figures::figures(
        &setup.name,
        &setup.uplink,
        &read(&kiosk_stats)?,
        &read(&doctor_stats)?,
        last,
        wire_utilisation(&uplink, &setup.uplink, seconds),
    ))
}

pub async fn run(args: &LinkBenchArgs) -> Result<Report, Failure> {
    let scratch = tempfile::tempdir().map_err(failure)?;
    let dir = match &args.stats_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(failure)?;
            dir.as_path()
        }
        None => scratch.path(),
    };
    let mut runs = Vec::new();
    let mut failed = Vec::new();
    for (index, setup) in setups(&args.profile)?.into_iter().enumerate() {
        let name = setup.name.clone();
        // A call that does not survive a link is a result, not the end of the bench.
        match run_one(setup, args.seconds, dir, index).await {
            Ok(run) => runs.push(run),
            Err(e) => failed.push(format!("{name}: {}", e.message)),
        }
    }
    Ok(Report::LinkBench(LinkBenchOut { profile: args.profile.clone(), seconds: args.seconds, runs, failed }))
}
