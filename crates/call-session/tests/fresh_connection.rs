#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A connection that cannot be set up is started over: here the first answer is lost on the way, so the
//! kiosk's first attempt runs out of time; the kiosk then offers a fresh connection through the signalling
//! the call already has for ICE restarts, the doctor answers it, and the call goes on over real sockets on
//! loopback. Without signalling there is no second attempt.

use std::sync::Arc;
use std::time::Duration;

use eclinic_call_session::{
    Call, CallCommand, CallHooks, CallReport, Description, Media, NetworkSetup, SessionError, Unobserved,
};
use eclinic_media::audio::SyntheticVoice;
use eclinic_media::video::{SyntheticVideo, VideoFormat, system_clock};
use tokio::sync::mpsc;

/// One attempt's limit: on loopback a genuine attempt connects in well under a second.
const CONNECT_LIMIT: Duration = Duration::from_secs(3);
const LENGTH: Duration = Duration::from_secs(4);

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

fn network() -> NetworkSetup {
    NetworkSetup { connect_limit: CONNECT_LIMIT, ..NetworkSetup::loopback() }
}

/// Carries each description one end's call sends to the other end's call, until either stops.
fn ferry(
    mut from: mpsc::UnboundedReceiver<Description>,
    to: mpsc::UnboundedSender<CallCommand>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(description) = from.recv().await {
            if to.send(CallCommand::RemoteDescription(description)).is_err() {
                break;
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_recovered_with_a_fresh_connection() {
    let mut kiosk = Call::new(&network(), synthetic()).await.unwrap();
    let doctor = Call::new(&network(), synthetic()).await.unwrap();
    // The first offer goes out and its answer never comes back.
    let _lost = kiosk.offer().await.unwrap();
    let (kiosk_hooks, to_kiosk, from_kiosk) = CallHooks::with_signalling(Arc::new(Unobserved));
    let (doctor_hooks, to_doctor, from_doctor) = CallHooks::with_signalling(Arc::new(Unobserved));
    let ferries = [ferry(from_kiosk, to_doctor), ferry(from_doctor, to_kiosk)];
    let kiosk = tokio::spawn(kiosk.run(LENGTH, kiosk_hooks, |_| {}));
    let doctor = tokio::spawn(doctor.run(LENGTH, doctor_hooks, |_| {}));
    let (kiosk, doctor): (CallReport, CallReport) = (kiosk.await.unwrap().unwrap(), doctor.await.unwrap().unwrap());
    for ferry in ferries {
        ferry.abort();
    }
    assert!(kiosk.connect_ms >= CONNECT_LIMIT.as_millis() as u64, "the first attempt ran out: {} ms", kiosk.connect_ms);
    assert!(kiosk.connect_ms < 2 * CONNECT_LIMIT.as_millis() as u64, "the second connected: {} ms", kiosk.connect_ms);
    for (side, report) in [("kiosk", &kiosk), ("doctor", &doctor)] {
        assert!(report.summary.mean_fps >= 5.0, "{side}: pictures over the fresh connection: {:?}", report.summary);
        assert_eq!(report.ice_restarts, 0, "{side}: a fresh connection, not an ICE restart");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_signalling_a_lost_answer_ends_the_call_after_one_attempt() {
    let mut kiosk = Call::new(&network(), synthetic()).await.unwrap();
    let _lost = kiosk.offer().await.unwrap();
    let started = tokio::time::Instant::now();
    let outcome = kiosk.run(LENGTH, CallHooks::new(Arc::new(Unobserved)).0, |_| {}).await;
    assert!(matches!(outcome, Err(SessionError::Timeout(_))), "{outcome:?}");
    assert!(started.elapsed() < 2 * CONNECT_LIMIT, "one attempt only: {:?}", started.elapsed());
}
