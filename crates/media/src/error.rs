use std::io;

/// Everything the media engine can refuse or fail at. Messages name the operation, never frame content.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("unsupported format: {0}")]
    UnsupportedFormat(String),
    #[error("invalid frame: {0}")]
    InvalidFrame(String),
    #[error("Y4M: {0}")]
    Y4m(String),
    #[error("JPEG: {0}")]
    Jpeg(String),
    #[error("WAV: {0}")]
    Wav(String),
    #[error("H.264 encoder: {0}")]
    H264Encode(String),
    #[error("H.264 decoder: {0}")]
    H264Decode(String),
    #[error("Opus: {0}")]
    Opus(String),
    #[error("resampler: {0}")]
    Resample(String),
    #[error("audio device: {0}")]
    AudioDevice(String),
    #[error("camera: {0}")]
    Camera(String),
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
}

impl MediaError {
    /// Stable machine-readable code for the UI and `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::UnsupportedFormat(_) => "unsupported_format",
            Self::InvalidFrame(_) => "invalid_frame",
            Self::Y4m(_) => "y4m",
            Self::Jpeg(_) => "jpeg",
            Self::Wav(_) => "wav",
            Self::H264Encode(_) => "h264_encode",
            Self::H264Decode(_) => "h264_decode",
            Self::Opus(_) => "opus",
            Self::Resample(_) => "resample",
            Self::AudioDevice(_) => "audio_device",
            Self::Camera(_) => "camera",
            Self::InvalidSetting(_) => "invalid_setting",
        }
    }

    pub(crate) fn io(what: &'static str) -> impl FnOnce(io::Error) -> Self {
        move |source| Self::Io { what, source }
    }
}
