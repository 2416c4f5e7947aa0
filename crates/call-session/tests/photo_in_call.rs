#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Photos and camera control during a real loopback call: the doctor asks for a photo and the kiosk's
//! camera takes a full-resolution still that arrives whole, with progress on both ends; the kiosk takes
//! one itself; the doctor's zoom changes what the kiosk sends, and the doctor switches between the kiosk's
//! two cameras; the kiosk can do none of this to the doctor's camera.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use eclinic_call::channel::{CameraCommand, Message};
use eclinic_call_session::{
    Call, CallCommand, CallHooks, CallObserver, Media, NetworkSetup, OtherCameras, PhotoProgress,
};
use eclinic_media::MediaError;
use eclinic_media::audio::SyntheticVoice;
use eclinic_media::video::stamp::read_stamp;
use eclinic_media::video::{
    I420Frame, SYNTHETIC_STILL, StillPhoto, SyntheticVideo, VideoFormat, VideoSource, decode_jpeg, system_clock,
};

const ROOM: VideoFormat = VideoFormat { width: 320, height: 240, fps: 15 };
const HANDHELD: VideoFormat = VideoFormat { width: 160, height: 120, fps: 15 };

/// Two simulated cameras told apart by their format: the room camera first, then the handheld one.
struct TwoCameras {
    next: usize,
}

impl OtherCameras for TwoCameras {
    fn count(&self) -> usize {
        2
    }
    fn open_next(&mut self) -> Result<Box<dyn VideoSource>, MediaError> {
        self.next = (self.next + 1) % 2;
        let format = [ROOM, HANDHELD][self.next];
        Ok(Box::new(SyntheticVideo::new(format, system_clock())?))
    }
}

/// The kiosk lends its two cameras to the far end; the doctor keeps its one to itself.
fn synthetic(kiosk: bool) -> Media {
    Media {
        video: Box::new(SyntheticVideo::new(ROOM, system_clock()).unwrap()),
        audio: Box::new(SyntheticVoice::new()),
        record_dir: None,
        camera_for_far_end: kiosk,
        other_cameras: kiosk.then(|| Box::new(TwoCameras { next: 0 }) as Box<dyn OtherCameras>),
    }
}

#[derive(Default)]
struct Seen {
    taken: Vec<Vec<u8>>,
    received: Vec<Vec<u8>>,
    progress: Vec<PhotoProgress>,
    /// Whether each picture sent carried a readable frame stamp (the synthetic scene draws it in a corner,
    /// which a zoom crops away).
    stamped: Vec<bool>,
    /// The size of each picture sent.
    sizes: Vec<(u32, u32)>,
    /// The far end's cameras, as it said.
    far_cameras: Option<u8>,
}

#[derive(Default)]
struct Watcher(Mutex<Seen>);

impl Watcher {
    fn seen<T>(&self, f: impl FnOnce(&Seen) -> T) -> T {
        f(&self.0.lock().unwrap())
    }
}

impl CallObserver for Watcher {
    fn message(&self, message: &Message) {
        if let Message::Cameras { count } = message {
            self.0.lock().unwrap().far_cameras = Some(*count);
        }
    }
    fn picture_sent(&self, frame: &I420Frame) {
        let readable = read_stamp(frame, frame.capture_us() / 1_000).is_some();
        let mut seen = self.0.lock().unwrap();
        seen.stamped.push(readable);
        seen.sizes.push((frame.width(), frame.height()));
    }
    fn photo_taken(&self, photo: &StillPhoto) {
        self.0.lock().unwrap().taken.push(photo.jpeg.clone());
    }
    fn photo_progress(&self, progress: PhotoProgress) {
        self.0.lock().unwrap().progress.push(progress);
    }
    fn photo_received(&self, jpeg: &[u8]) {
        self.0.lock().unwrap().received.push(jpeg.to_vec());
    }
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_arrive_whole_and_the_doctor_zooms_and_switches_the_kiosk_camera() {
    let mut kiosk = Call::new(&NetworkSetup::loopback(), synthetic(true)).await.unwrap();
    let mut doctor = Call::new(&NetworkSetup::loopback(), synthetic(false)).await.unwrap();
    let offer = kiosk.offer().await.unwrap();
    let answer = doctor.answer(&offer).await.unwrap();
    kiosk.accept_answer(&answer).await.unwrap();
    let (kiosk_watch, doctor_watch) = (Arc::new(Watcher::default()), Arc::new(Watcher::default()));
    let (kiosk_hooks, kiosk_commands) = CallHooks::new(kiosk_watch.clone());
    let (doctor_hooks, doctor_commands) = CallHooks::new(doctor_watch.clone());
    let length = Duration::from_secs(60);
    let kiosk = tokio::spawn(kiosk.run(length, kiosk_hooks, |_| {}));
    let doctor = tokio::spawn(doctor.run(length, doctor_hooks, |_| {}));
    until("pictures", || kiosk_watch.seen(|s| s.stamped.len() >= 15)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    // The doctor asks; the kiosk's camera takes the still and sends it.
    doctor_commands.send(CallCommand::Send(Message::Camera(CameraCommand::TakePhoto))).unwrap();
    until("the requested photo", || doctor_watch.seen(|s| s.received.len() == 1)).await;
    // The kiosk takes one itself.
    kiosk_commands.send(CallCommand::TakePhoto).unwrap();
    until("the kiosk's own photo", || doctor_watch.seen(|s| s.received.len() == 2)).await;

    let (taken, received) = (kiosk_watch.seen(|s| s.taken.clone()), doctor_watch.seen(|s| s.received.clone()));
    assert_eq!(taken, received, "each photo arrives byte for byte, in order");
    for jpeg in &received {
        let picture = decode_jpeg(jpeg, 0).unwrap();
        assert_eq!((picture.width(), picture.height()), SYNTHETIC_STILL, "full resolution, not the video's");
    }
    for (side, watch, outgoing) in [("kiosk", &kiosk_watch, true), ("doctor", &doctor_watch, false)] {
        let progress = watch.seen(|s| s.progress.clone());
        assert!(progress.iter().all(|p| p.outgoing == outgoing && p.held <= p.total), "{side}: {progress:?}");
        let whole = |jpeg: &Vec<u8>| progress.iter().any(|p| p.held as usize == jpeg.len() && p.total == p.held);
        assert!(received.iter().all(whole), "{side} saw each photo complete: {progress:?}");
        assert!(progress.len() >= 4, "{side} saw steps on the way: {progress:?}");
    }

    // Zoom: the stamp in the corner of the kiosk's picture is cropped away, and comes back at 100 %.
    assert!(kiosk_watch.seen(|s| s.stamped.iter().all(|&r| r)), "unzoomed pictures carry their stamp");
    let zoom = |percent| doctor_commands.send(CallCommand::Send(Message::Camera(CameraCommand::Zoom(percent))));
    zoom(300).unwrap();
    until("a zoomed picture", || kiosk_watch.seen(|s| s.stamped.last() == Some(&false))).await;
    zoom(100).unwrap();
    until("the whole picture again", || kiosk_watch.seen(|s| s.stamped.last() == Some(&true))).await;

    // The doctor's camera looks into a home: the kiosk's requests are ignored.
    kiosk_commands.send(CallCommand::Send(Message::Camera(CameraCommand::TakePhoto))).unwrap();
    kiosk_commands.send(CallCommand::Send(Message::Camera(CameraCommand::Zoom(300)))).unwrap();
    let sent_before = doctor_watch.seen(|s| s.stamped.len());
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(doctor_watch.seen(|s| s.taken.is_empty()), "the doctor's camera took a photo for the kiosk");
    assert!(kiosk_watch.seen(|s| s.received.is_empty()), "the kiosk received a photo from the doctor");
    let after = doctor_watch.seen(|s| s.stamped[sent_before..].to_vec());
    assert!(after.len() >= 15 && after.iter().all(|&r| r), "the doctor's picture was zoomed: {after:?}");

    // Switch: the kiosk said it has two cameras; the doctor switches to the handheld one and back.
    until("the kiosk's camera count", || doctor_watch.seen(|s| s.far_cameras == Some(2))).await;
    assert_eq!(kiosk_watch.seen(|s| s.far_cameras), None, "the doctor lends no camera");
    let switch = || doctor_commands.send(CallCommand::Send(Message::Camera(CameraCommand::Switch)));
    let sending = |format: VideoFormat| move |s: &Seen| s.sizes.last() == Some(&(format.width, format.height));
    switch().unwrap();
    until("the handheld camera", || kiosk_watch.seen(sending(HANDHELD))).await;
    switch().unwrap();
    until("the room camera again", || kiosk_watch.seen(sending(ROOM))).await;

    kiosk_commands.send(CallCommand::HangUp).unwrap();
    doctor_commands.send(CallCommand::HangUp).unwrap();
    kiosk.await.unwrap().unwrap();
    doctor.await.unwrap().unwrap();
}
