//! What a consult sends and plays: the first camera that opens and the others in turn when the doctor
//! switches, or two simulated cameras (the room's and a handheld one) when none is attached; the
//! default microphone (captured on a thread of its own, read by the call's paced audio pump), or the
//! synthetic voice when there is none; the far end's speech on the default loudspeaker, from a thread of its
//! own.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use eclinic_call_session::{Media, OtherCameras};
use eclinic_media::MediaError;
use eclinic_media::audio::{
    AudioSource, CpalPlayback, Microphone, SyntheticVoice, default_input_id, default_output_id,
};
use eclinic_media::video::{SyntheticVideo, VideoFormat, VideoSource, list_cameras, open_camera, system_clock};

use crate::AppError;

/// The ladder's 320x240 rung at its full rate: what the rural links carry.
const CALL_FORMAT: VideoFormat = VideoFormat { width: 320, height: 240, fps: 15 };
/// Speech frames waiting for the loudspeaker (20 ms each): beyond a second, late speech is dropped.
const SPEECH_QUEUE: usize = 50;

/// The simulated handheld camera: a closer, sharper picture, told apart from the room's by its size.
const SIMULATED_HANDHELD: VideoFormat = VideoFormat { width: 640, height: 480, fps: 15 };

/// The attached cameras, by id; `current` is sending.
struct AttachedCameras {
    ids: Vec<String>,
    current: usize,
}

impl OtherCameras for AttachedCameras {
    fn count(&self) -> usize {
        self.ids.len()
    }

    fn open_next(&mut self) -> Result<Box<dyn VideoSource>, MediaError> {
        let next = (self.current + 1) % self.ids.len().max(1);
        let id = self.ids.get(next).ok_or_else(|| MediaError::Camera("no camera to switch to".into()))?;
        let source = open_camera(id, CALL_FORMAT, system_clock())?;
        self.current = next;
        Ok(source)
    }
}

/// The room's and a handheld simulated camera; `current` is sending.
struct SimulatedCameras {
    current: usize,
}

impl OtherCameras for SimulatedCameras {
    fn count(&self) -> usize {
        2
    }

    fn open_next(&mut self) -> Result<Box<dyn VideoSource>, MediaError> {
        self.current = (self.current + 1) % 2;
        let format = if self.current == 0 { CALL_FORMAT } else { SIMULATED_HANDHELD };
        Ok(Box::new(SyntheticVideo::new(format, system_clock())?))
    }
}

type Cameras = (Box<dyn VideoSource>, Option<Box<dyn OtherCameras>>);

fn cameras_or_simulated() -> Result<Cameras, AppError> {
    let ids: Vec<String> =
        list_cameras().map(|cameras| cameras.into_iter().map(|c| c.id).collect()).unwrap_or_default();
    for (current, id) in ids.iter().enumerate() {
        match open_camera(id, CALL_FORMAT, system_clock()) {
            Ok(source) => {
                let others =
                    (ids.len() > 1).then(|| Box::new(AttachedCameras { ids, current }) as Box<dyn OtherCameras>);
                return Ok((source, others));
            }
            Err(e) => tracing::warn!(error = %e, "a camera did not open; trying the next"),
        }
    }
    Ok((Box::new(SyntheticVideo::new(CALL_FORMAT, system_clock())?), Some(Box::new(SimulatedCameras { current: 0 }))))
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

/// What this end sends; the far end may use the cameras only when they are the kiosk's.
pub(crate) fn call_media(kiosk: bool) -> Result<Media, AppError> {
    let (video, other_cameras) = cameras_or_simulated()?;
    Ok(Media {
        video,
        audio: microphone_or_synthetic(),
        record_dir: None,
        camera_for_far_end: kiosk,
        other_cameras: other_cameras.filter(|_| kiosk),
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
