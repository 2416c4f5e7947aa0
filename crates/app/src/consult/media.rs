//! What a consult sends and plays: the first camera, or the synthetic scene when none is attached; the
//! default microphone (captured on a thread of its own, read by the call's paced audio pump), or the
//! synthetic voice when there is none; the far end's speech on the default loudspeaker, from a thread of its
//! own.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use eclinic_call_session::Media;
use eclinic_media::audio::{
    AudioSource, CpalPlayback, Microphone, SyntheticVoice, default_input_id, default_output_id,
};
use eclinic_media::video::{SyntheticVideo, VideoFormat, VideoSource, list_cameras, open_camera, system_clock};

use crate::AppError;

/// The ladder's 320x240 rung at its full rate: what the rural links carry.
const CALL_FORMAT: VideoFormat = VideoFormat { width: 320, height: 240, fps: 15 };
/// Speech frames waiting for the loudspeaker (20 ms each): beyond a second, late speech is dropped.
const SPEECH_QUEUE: usize = 50;

fn camera_or_synthetic() -> Result<Box<dyn VideoSource>, AppError> {
    let first = list_cameras().ok().and_then(|cameras| cameras.into_iter().next());
    if let Some(camera) = first {
        match open_camera(&camera.id, CALL_FORMAT, system_clock()) {
            Ok(source) => return Ok(source),
            Err(e) => tracing::warn!(error = %e, "the camera did not open; sending the synthetic picture"),
        }
    }
    Ok(Box::new(SyntheticVideo::new(CALL_FORMAT, system_clock())?))
}

fn microphone_or_synthetic() -> Box<dyn AudioSource> {
    if let Some(id) = default_input_id() {
        match Microphone::open(&id) {
            Ok(microphone) => return Box::new(microphone),
            Err(e) => tracing::warn!(error = %e, "the microphone did not open; sending the synthetic voice"),
        }
    }
    Box::new(SyntheticVoice::new())
}

/// What this end sends; the far end may use the camera only when it is the kiosk's.
pub(crate) fn call_media(kiosk: bool) -> Result<Media, AppError> {
    Ok(Media {
        video: camera_or_synthetic()?,
        audio: microphone_or_synthetic(),
        record_dir: None,
        camera_for_far_end: kiosk,
    })
}

/// Hands speech to the loudspeaker's thread without ever blocking the call.
#[derive(Debug)]
pub(crate) struct Speaker {
    feed: SyncSender<Vec<i16>>,
}

impl Speaker {
    /// The default loudspeaker, or `None` when there is none (the call goes on silent).
    pub(crate) fn open_default() -> Option<Self> {
        let id = default_output_id()?;
        let (feed, speech) = sync_channel(SPEECH_QUEUE);
        std::thread::Builder::new().name("loudspeaker".into()).spawn(move || play(&id, &speech)).ok()?;
        Some(Self { feed })
    }

    pub(crate) fn play(&self, pcm: &[i16]) {
        // A full queue drops late speech; a closed one means the loudspeaker failed (already logged).
        let _ = self.feed.try_send(pcm.to_vec());
    }
}

/// Plays until the call drops its `Speaker`. The stream lives on this thread (cpal streams stay where made).
fn play(device_id: &str, speech: &Receiver<Vec<i16>>) {
    let mut playback = match CpalPlayback::open(device_id) {
        Ok(playback) => playback,
        Err(e) => {
            tracing::warn!(error = %e, "no loudspeaker: the far end's speech is not played");
            return;
        }
    };
    while let Ok(pcm) = speech.recv() {
        if let Err(e) = playback.play(&pcm) {
            tracing::warn!(error = %e, "the loudspeaker stopped");
            return;
        }
    }
}
