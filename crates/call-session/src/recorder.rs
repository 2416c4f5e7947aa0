//! What was received, written for inspection: Y4M video at the first picture's size (later pictures of
//! another rung are scaled to it, as a Y4M file has one size) and WAV audio.

use std::path::{Path, PathBuf};

use eclinic_media::audio::WavWriter;
use eclinic_media::video::{I420Frame, VideoFormat, Y4mWriter};

use crate::SessionError;

pub(crate) struct VideoRecorder {
    path: PathBuf,
    fps: u32,
    writer: Option<Y4mWriter>,
}

impl VideoRecorder {
    pub(crate) fn new(dir: &Path, fps: u32) -> Self {
        Self { path: dir.join("received.y4m"), fps, writer: None }
    }

    pub(crate) fn write(&mut self, frame: &I420Frame) -> Result<(), SessionError> {
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => {
                let format = VideoFormat { width: frame.width(), height: frame.height(), fps: self.fps };
                self.writer.insert(Y4mWriter::create(&self.path, format)?)
            }
        };
        let (width, height) = writer.size();
        if (frame.width(), frame.height()) == (width, height) {
            writer.write(frame)?;
        } else {
            writer.write(&frame.scaled(width, height)?)?;
        }
        Ok(())
    }
}

pub(crate) fn audio_recorder(dir: &Path) -> Result<WavWriter, SessionError> {
    Ok(WavWriter::create(&dir.join("received.wav"))?)
}
