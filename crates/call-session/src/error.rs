/// Why a call could not be set up or did not hold. Messages name the step, never SDP or media content.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("webrtc, {what}: {message}")]
    WebRtc { what: &'static str, message: String },
    #[error(transparent)]
    Media(#[from] eclinic_media::MediaError),
    #[error("the session description is not usable: {0}")]
    Description(String),
    #[error("{0} timed out")]
    Timeout(&'static str),
    #[error("the connection failed")]
    ConnectionFailed,
}

impl SessionError {
    pub(crate) fn webrtc(what: &'static str) -> impl FnOnce(webrtc::error::Error) -> Self {
        move |e| Self::WebRtc { what, message: e.to_string() }
    }

    /// Stable machine-readable code for `--json` output and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WebRtc { .. } => "webrtc",
            Self::Media(e) => e.code(),
            Self::Description(_) => "bad_description",
            Self::Timeout(_) => "timeout",
            Self::ConnectionFailed => "connection_failed",
        }
    }
}
