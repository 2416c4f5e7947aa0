#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The DTLS certificate must match the fingerprint the authenticated signalling delivered. A description
//! whose fingerprint was altered on the way (a man in the middle) never becomes a call: the side holding it
//! refuses the handshake, and no media reaches either side:
//! 100 runs, altering the offer's fingerprint in half and the answer's in the other half, each time a
//! different digit. Runs go ten at a time; each waits out a short connect limit.

use std::sync::Arc;
use std::time::Duration;

use eclinic_call_session::{Call, CallHooks, Media, NetworkSetup, SessionError, Unobserved};
use eclinic_media::audio::SyntheticVoice;
use eclinic_media::video::{SyntheticVideo, VideoFormat, system_clock};

const RUNS: usize = 100;
const AT_ONCE: usize = 10;
/// On loopback a genuine call connects in well under a second.
const CONNECT_LIMIT: Duration = Duration::from_secs(4);

fn synthetic() -> Media {
    let format = VideoFormat { width: 160, height: 120, fps: 10 };
    Media {
        video: Box::new(SyntheticVideo::new(format, system_clock()).unwrap()),
        audio: Box::new(SyntheticVoice::new()),
        record_dir: None,
        camera_for_far_end: false,
        other_cameras: None,
    }
}

/// Changes hex digit number `run` (modulo their count) of the SHA-256 fingerprint, keeping the line
/// well-formed so that only the certificate check can catch it.
fn tamper(sdp: &str, run: usize) -> String {
    let start = sdp.find("a=fingerprint:sha-256 ").expect("the description carries a SHA-256 fingerprint") + 22;
    let line = &sdp[start..sdp[start..].find(['\r', '\n']).map_or(sdp.len(), |end| start + end)];
    let digits: Vec<usize> =
        line.char_indices().filter(|(_, c)| c.is_ascii_hexdigit()).map(|(i, _)| start + i).collect();
    let at = digits[run % digits.len()];
    let replacement = if sdp.as_bytes()[at] == b'0' { "1" } else { "0" };
    let mut tampered = sdp.to_owned();
    tampered.replace_range(at..=at, replacement);
    tampered
}

struct Outcome {
    run: usize,
    kiosk: Result<u64, SessionError>,
    doctor: Result<u64, SessionError>,
}

fn unobserved() -> CallHooks {
    CallHooks::new(Arc::new(Unobserved)).0
}

async fn attempt(run: usize, tampered: bool) -> Outcome {
    let network = NetworkSetup { connect_limit: CONNECT_LIMIT, ..NetworkSetup::loopback() };
    let mut kiosk = Call::new(&network, synthetic()).await.unwrap();
    let mut doctor = Call::new(&network, synthetic()).await.unwrap();
    let alter_offer = tampered && run.is_multiple_of(2);
    let alter_answer = tampered && !run.is_multiple_of(2);
    let offer = kiosk.offer().await.unwrap();
    let offer = if alter_offer { tamper(&offer, run) } else { offer };
    let answer = doctor.answer(&offer).await.unwrap();
    let answer = if alter_answer { tamper(&answer, run / 2) } else { answer };
    kiosk.accept_answer(&answer).await.unwrap();
    let length = Duration::from_secs(2);
    let kiosk = tokio::spawn(kiosk.run(length, unobserved(), |_| {}));
    let doctor = tokio::spawn(doctor.run(length, unobserved(), |_| {}));
    let received = |r: eclinic_call_session::CallReport| (r.summary.mean_receive_kbps * 1_000.0) as u64;
    Outcome { run, kiosk: kiosk.await.unwrap().map(received), doctor: doctor.await.unwrap().map(received) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_setup_connects_when_nothing_is_altered() {
    let outcome = attempt(0, false).await;
    assert!(outcome.kiosk.as_ref().is_ok_and(|bps| *bps > 0), "{:?}", outcome.kiosk);
    assert!(outcome.doctor.as_ref().is_ok_and(|bps| *bps > 0), "{:?}", outcome.doctor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_altered_fingerprint_means_no_call() {
    for batch in (0..RUNS).step_by(AT_ONCE) {
        let attempts: Vec<_> = (batch..batch + AT_ONCE).map(|run| tokio::spawn(attempt(run, true))).collect();
        for attempt in attempts {
            let Outcome { run, kiosk, doctor } = attempt.await.unwrap();
            // The side that received the altered description checks the certificate against it.
            let (verifier, other) = if run.is_multiple_of(2) { (&doctor, &kiosk) } else { (&kiosk, &doctor) };
            assert!(
                matches!(verifier, Err(SessionError::ConnectionFailed | SessionError::Timeout(_))),
                "run {run}: the side holding the altered fingerprint refused the call: {verifier:?}"
            );
            // The other side's handshake may complete from its own point of view, but nothing reaches it.
            assert!(
                matches!(other, Err(SessionError::ConnectionFailed | SessionError::Timeout(_)) | Ok(0)),
                "run {run}: the other side received no media: {other:?}"
            );
        }
    }
}
