#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A whole call between two peers in this process over loopback: real webrtc-rs connections, real H.264
//! and Opus both ways, the data channel, statistics, and a recording of what the doctor received.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use eclinic_call::channel::{LiveVital, Message};
use eclinic_call_session::{Call, CallCommand, CallHooks, CallObserver, CallReport, Media, NetworkSetup};
use eclinic_media::MediaError;
use eclinic_media::audio::SyntheticVoice;
use eclinic_media::video::{I420Frame, StillPhoto, SyntheticVideo, VideoFormat, VideoSource, system_clock};

fn synthetic(record_dir: Option<std::path::PathBuf>) -> Media {
    let format = VideoFormat { width: 320, height: 240, fps: 15 };
    Media {
        video: Box::new(SyntheticVideo::new(format, system_clock()).unwrap()),
        audio: Box::new(SyntheticVoice::new()),
        record_dir,
        camera_for_far_end: false,
        other_cameras: None,
    }
}

/// Counts what an application would draw and show.
#[derive(Default)]
struct Watcher {
    sent: AtomicU32,
    received: AtomicU32,
    vitals: AtomicU32,
}

impl CallObserver for Watcher {
    fn picture_sent(&self, _frame: &I420Frame) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }
    fn picture_received(&self, _frame: &I420Frame) {
        self.received.fetch_add(1, Ordering::Relaxed);
    }
    fn message(&self, message: &Message) {
        if matches!(message, Message::Vital(_)) {
            self.vitals.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn spo2(at_ms: u32) -> Message {
    Message::Vital(LiveVital { loinc: "59408-5".into(), mantissa: 97, exponent: 0, unit: "%".into(), at_ms })
}

struct Ends {
    kiosk: CallReport,
    doctor: CallReport,
    kiosk_watch: Arc<Watcher>,
    doctor_watch: Arc<Watcher>,
}

/// A call of `length`; the kiosk's application sends a live SpO2 every 500 ms, and both applications hang
/// up after `hang_up_after` when given (as each does when the server says the consult ended).
async fn call(
    kiosk_media: Media,
    length: Duration,
    doctor_records: Option<std::path::PathBuf>,
    hang_up_after: Option<Duration>,
) -> Ends {
    let mut kiosk = Call::new(&NetworkSetup::loopback(), kiosk_media).await.unwrap();
    let mut doctor = Call::new(&NetworkSetup::loopback(), synthetic(doctor_records)).await.unwrap();
    let offer = kiosk.offer().await.unwrap();
    let answer = doctor.answer(&offer).await.unwrap();
    kiosk.accept_answer(&answer).await.unwrap();
    let (kiosk_watch, doctor_watch) = (Arc::new(Watcher::default()), Arc::new(Watcher::default()));
    let (kiosk_hooks, kiosk_commands) = CallHooks::new(kiosk_watch.clone());
    let (doctor_hooks, doctor_commands) = CallHooks::new(doctor_watch.clone());
    let kiosk = tokio::spawn(kiosk.run(length, kiosk_hooks, |_| {}));
    let doctor = tokio::spawn(doctor.run(length, doctor_hooks, |_| {}));
    let started = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    while !kiosk.is_finished() {
        tick.tick().await;
        let at = started.elapsed();
        if hang_up_after.is_some_and(|after| at >= after) {
            let _ = kiosk_commands.send(CallCommand::HangUp);
            let _ = doctor_commands.send(CallCommand::HangUp);
        }
        let _ = kiosk_commands.send(CallCommand::Send(spo2(at.as_millis() as u32)));
    }
    Ends { kiosk: kiosk.await.unwrap().unwrap(), doctor: doctor.await.unwrap().unwrap(), kiosk_watch, doctor_watch }
}

fn check_received(side: &str, report: &CallReport) {
    let summary = &report.summary;
    assert!(report.connect_ms < 5_000, "{side}: connected in {} ms", report.connect_ms);
    assert!(summary.mean_fps >= 8.0, "{side}: pictures arrived: {summary:?}");
    assert!(summary.mean_receive_kbps > 30.0, "{side}: media arrived: {summary:?}");
    assert!(summary.audio_concealed_fraction < 0.05, "{side}: loopback loses nothing: {summary:?}");
    let latency = summary.latency_p50_ms.unwrap_or_else(|| panic!("{side}: the stamps were read: {summary:?}"));
    assert!(latency < 400, "{side}: glass-to-glass on loopback: {latency} ms");
    assert!(report.seconds.iter().any(|s| s.width == 320 && s.height == 240), "{side}: {:?}", report.seconds);
    assert!(
        matches!(report.remote_summary, Some(Message::QualitySummary { seconds, .. }) if seconds >= 5),
        "{side}: the far end's summary arrived: {:?}",
        report.remote_summary
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_carries_pictures_speech_and_vitals_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let Ends { kiosk, doctor, kiosk_watch, doctor_watch } =
        call(synthetic(None), Duration::from_secs(8), Some(dir.path().to_path_buf()), None).await;
    check_received("kiosk", &kiosk);
    check_received("doctor", &doctor);
    assert!(doctor.vitals_received >= 5, "the kiosk's live SpO2 reached the doctor: {}", doctor.vitals_received);
    assert!(doctor_watch.vitals.load(Ordering::Relaxed) >= doctor.vitals_received, "the observer saw each");
    assert_eq!(kiosk.vitals_received, 0, "the doctor sends no vitals");
    for (side, watch) in [("kiosk", &kiosk_watch), ("doctor", &doctor_watch)] {
        let (sent, received) = (watch.sent.load(Ordering::Relaxed), watch.received.load(Ordering::Relaxed));
        // Capture follows the rung: 10 fps at the start, 15 once the estimate has grown.
        assert!(sent >= 80, "{side}: the self-view saw each captured picture: {sent}");
        assert!(received >= 60, "{side}: the far view saw the decoded pictures: {received}");
    }

    let video = std::fs::read(dir.path().join("received.y4m")).unwrap();
    let frames = video.windows(6).filter(|w| w == b"FRAME\n").count();
    assert!(frames >= 60, "the doctor's recording holds the kiosk's pictures: {frames}");
    let audio = std::fs::read(dir.path().join("received.wav")).unwrap();
    assert!(audio.len() > 44 + 48_000 * 2 * 5, "and five seconds of its speech: {} bytes", audio.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_up_ends_the_call_at_once_with_both_summaries() {
    let Ends { kiosk, doctor, .. } =
        call(synthetic(None), Duration::from_secs(120), None, Some(Duration::from_secs(4))).await;
    for (side, report) in [("kiosk", &kiosk), ("doctor", &doctor)] {
        let seconds = report.summary.seconds;
        assert!((2..=6).contains(&seconds), "{side}: the call ended when hung up, after {seconds} s");
        assert!(report.summary.mean_fps >= 8.0, "{side}: media flowed until then: {:?}", report.summary);
        assert!(report.remote_summary.is_some(), "{side}: the far end's summary still arrived");
    }
}

/// A camera on a shaky cable: its pictures fail for a stretch, then come again.
struct GlitchingCamera {
    camera: SyntheticVideo,
    pictures: u32,
    failing: std::ops::Range<u32>,
}

impl VideoSource for GlitchingCamera {
    fn format(&self) -> VideoFormat {
        self.camera.format()
    }
    fn next_frame(&mut self) -> Result<Option<I420Frame>, MediaError> {
        self.pictures += 1;
        let picture = self.camera.next_frame();
        if self.failing.contains(&self.pictures) {
            Err(MediaError::Camera("the cable came loose".into()))
        } else {
            picture
        }
    }
    fn capture_still(&mut self) -> Result<StillPhoto, MediaError> {
        self.camera.capture_still()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pictures_come_again_after_the_camera_fails_for_a_moment() {
    let mut media = synthetic(None);
    let camera = SyntheticVideo::new(media.video.format(), system_clock()).unwrap();
    // At 15 frames a second: fine for 2 s, failing for 1 s, then fine again.
    media.video = Box::new(GlitchingCamera { camera, pictures: 0, failing: 30..45 });
    let Ends { doctor, .. } = call(media, Duration::from_secs(8), None, None).await;
    let after_the_glitch: Vec<u32> = doctor.seconds.iter().skip(5).map(|s| s.pictures).collect();
    assert!(after_the_glitch.len() >= 2, "{:?}", doctor.seconds);
    assert!(
        after_the_glitch.iter().all(|&pictures| pictures >= 8),
        "the doctor sees the kiosk again: {:?}",
        doctor.seconds
    );
}
