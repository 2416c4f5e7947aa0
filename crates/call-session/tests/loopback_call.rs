#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A whole call between two peers in this process over loopback: real webrtc-rs connections, real H.264
//! and Opus both ways, the data channel, statistics, and a recording of what the doctor received.

use std::time::Duration;

use eclinic_call::channel::Message;
use eclinic_call_session::{Call, CallReport, Media, NetworkSetup, Side};
use eclinic_media::audio::SyntheticVoice;
use eclinic_media::video::{SyntheticVideo, VideoFormat, system_clock};

fn synthetic(record_dir: Option<std::path::PathBuf>) -> Media {
    let format = VideoFormat { width: 320, height: 240, fps: 15 };
    Media {
        video: Box::new(SyntheticVideo::new(format, system_clock()).unwrap()),
        audio: Box::new(SyntheticVoice::new()),
        record_dir,
    }
}

async fn call(length: Duration, doctor_records: Option<std::path::PathBuf>) -> (CallReport, CallReport) {
    let mut kiosk = Call::new(Side::Kiosk, &NetworkSetup::loopback(), synthetic(None)).await.unwrap();
    let mut doctor = Call::new(Side::Doctor, &NetworkSetup::loopback(), synthetic(doctor_records)).await.unwrap();
    let offer = kiosk.offer().await.unwrap();
    let answer = doctor.answer(&offer).await.unwrap();
    kiosk.accept_answer(&answer).await.unwrap();
    let kiosk = tokio::spawn(kiosk.run(length, |_| {}));
    let doctor = tokio::spawn(doctor.run(length, |_| {}));
    (kiosk.await.unwrap().unwrap(), doctor.await.unwrap().unwrap())
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
    let (kiosk, doctor) = call(Duration::from_secs(8), Some(dir.path().to_path_buf())).await;
    check_received("kiosk", &kiosk);
    check_received("doctor", &doctor);
    assert!(doctor.vitals_received >= 5, "the kiosk's live SpO2 reached the doctor: {}", doctor.vitals_received);
    assert_eq!(kiosk.vitals_received, 0, "the doctor sends no vitals");

    let video = std::fs::read(dir.path().join("received.y4m")).unwrap();
    let frames = video.windows(6).filter(|w| w == b"FRAME\n").count();
    assert!(frames >= 60, "the doctor's recording holds the kiosk's pictures: {frames}");
    let audio = std::fs::read(dir.path().join("received.wav")).unwrap();
    assert!(audio.len() > 44 + 48_000 * 2 * 5, "and five seconds of its speech: {} bytes", audio.len());
}
