//! What an application gives a call besides its media: an observer that sees the pictures going out (the
//! self-view, from the same capture that feeds the encoder) and coming in, and the far end's messages; and
//! a command queue to send data-channel messages, take photos and hang up; and, when the application has
//! signalling during the call, the way ICE restarts go out and come in.

use std::sync::Arc;

use eclinic_call::channel::Message;
use eclinic_media::video::{I420Frame, StillPhoto};
use tokio::sync::mpsc;

use crate::photos::PhotoProgress;

/// Called from the call's tasks; each method must return quickly (hand the work to another thread).
pub trait CallObserver: Send + Sync {
    /// A captured picture, as it goes to the encoder.
    fn picture_sent(&self, _frame: &I420Frame) {}
    /// A decoded picture from the far end.
    fn picture_received(&self, _frame: &I420Frame) {}
    /// Decoded (or concealed) speech from the far end, 48 kHz mono, in arrival order.
    fn speech_received(&self, _pcm: &[i16]) {}
    /// A message from the far end's data channel.
    fn message(&self, _message: &Message) {}
    /// This end took a still photo (asked here or by the far end); it is being sent.
    fn photo_taken(&self, _photo: &StillPhoto) {}
    /// A photo going out or coming in got further.
    fn photo_progress(&self, _progress: PhotoProgress) {}
    /// A whole photo (JPEG) from the far end.
    fn photo_received(&self, _jpeg: &[u8]) {}
}

/// An observer for calls nobody watches (headless calls, tests).
#[derive(Debug)]
pub struct Unobserved;

impl CallObserver for Unobserved {}

#[derive(Debug)]
pub enum CallCommand {
    /// Sends a message on the data channel (held until the channel opens, the oldest dropped beyond a limit).
    Send(Message),
    /// Takes a full-resolution still photo and sends it to the far end.
    TakePhoto,
    /// Ends the call now.
    HangUp,
    /// The far end's session description during the call, from the signalling: its ICE restart's offer (to
    /// answer), or the answer to this end's.
    RemoteDescription(Description),
}

/// A session description exchanged during a call to restart ICE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Description {
    Offer(String),
    Answer(String),
}

/// The application's side of a running call.
pub struct CallHooks {
    pub observer: Arc<dyn CallObserver>,
    pub commands: mpsc::UnboundedReceiver<CallCommand>,
    /// Where this end's descriptions during the call go (its ICE restart's offer, its answer to the far
    /// end's), for the signalling to carry. Without it the call relies on ICE consent alone: it survives an
    /// outage shorter than ICE's failure timeout on the same path, and nothing else.
    pub signalling: Option<mpsc::UnboundedSender<Description>>,
}

impl std::fmt::Debug for CallHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallHooks")
    }
}

impl CallHooks {
    /// Hooks with `observer`, and the sender of their commands.
    pub fn new(observer: Arc<dyn CallObserver>) -> (Self, mpsc::UnboundedSender<CallCommand>) {
        let (sender, commands) = mpsc::unbounded_channel();
        (Self { observer, commands, signalling: None }, sender)
    }

    /// Hooks whose call restarts ICE through the application's signalling: the receiver yields this end's
    /// descriptions to carry to the far end, whose descriptions come back as
    /// [`CallCommand::RemoteDescription`].
    pub fn with_signalling(
        observer: Arc<dyn CallObserver>,
    ) -> (Self, mpsc::UnboundedSender<CallCommand>, mpsc::UnboundedReceiver<Description>) {
        let (hooks, commands) = Self::new(observer);
        let (signalling, descriptions) = mpsc::unbounded_channel();
        (Self { signalling: Some(signalling), ..hooks }, commands, descriptions)
    }
}
