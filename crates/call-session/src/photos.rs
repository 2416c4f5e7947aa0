//! Still photos during a call: one goes out at a time (others wait their turn), photos come in, and the
//! observer hears of each one taken, each step of progress and each photo received. The transfer itself is
//! `eclinic_call::photo`'s sans-IO sender and receiver; this is their bookkeeping for one call.

use std::collections::VecDeque;
use std::sync::Arc;

use eclinic_call::channel::Message;
use eclinic_call::photo::{PhotoReceiver, PhotoSender};

use crate::hooks::CallObserver;

/// How far a photo has got: bytes the receiving end holds of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoProgress {
    /// This end is sending it (rather than receiving).
    pub outgoing: bool,
    pub held: u32,
    pub total: u32,
}

pub(crate) struct PhotoExchange {
    observer: Arc<dyn CallObserver>,
    next_id: u32,
    sending: Option<PhotoSender>,
    waiting: VecDeque<Vec<u8>>,
    receiving: PhotoReceiver,
}

impl PhotoExchange {
    pub(crate) fn new(observer: Arc<dyn CallObserver>) -> Self {
        Self { observer, next_id: 1, sending: None, waiting: VecDeque::new(), receiving: PhotoReceiver::default() }
    }

    /// Photos being sent or waiting to be.
    pub(crate) fn queued(&self) -> usize {
        self.waiting.len() + usize::from(self.sending.is_some())
    }

    /// A photo to send, after those already waiting.
    pub(crate) fn send(&mut self, now_ms: u64, jpeg: Vec<u8>) {
        self.waiting.push_back(jpeg);
        self.start_next(now_ms);
    }

    fn start_next(&mut self, now_ms: u64) {
        while self.sending.as_ref().is_none_or(PhotoSender::is_done) {
            let Some(jpeg) = self.waiting.pop_front() else { return };
            let photo_id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            match PhotoSender::new(photo_id, jpeg, now_ms) {
                Ok(sender) => {
                    let (held, total) = sender.progress();
                    self.observer.photo_progress(PhotoProgress { outgoing: true, held, total });
                    self.sending = Some(sender);
                }
                Err(e) => tracing::warn!(error = %e, "a photo was not sent"),
            }
        }
    }

    pub(crate) fn handle_message(&mut self, now_ms: u64, message: &Message) {
        match message {
            Message::PhotoAck { .. } => {
                let Some(sender) = &mut self.sending else { return };
                let before = sender.progress();
                sender.handle_message(now_ms, message);
                let (held, total) = sender.progress();
                if (held, total) != before {
                    self.observer.photo_progress(PhotoProgress { outgoing: true, held, total });
                }
                if sender.is_done() {
                    self.start_next(now_ms);
                }
            }
            Message::PhotoOffer { .. } | Message::PhotoChunk { .. } => {
                let before = self.receiving.progress();
                if let Err(e) = self.receiving.handle_message(message) {
                    tracing::warn!(error = %e, "refused a photo message");
                    return;
                }
                let (held, total) = self.receiving.progress();
                if (held, total) != before && total > 0 {
                    self.observer.photo_progress(PhotoProgress { outgoing: false, held, total });
                }
                if let Some((_, jpeg)) = self.receiving.take_photo() {
                    self.observer.photo_received(&jpeg);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn handle_timeout(&mut self, now_ms: u64) {
        if let Some(sender) = &mut self.sending {
            sender.handle_timeout(now_ms);
        }
    }

    /// The next message for the far end: acknowledgements first, then the photo going out.
    pub(crate) fn poll_message(&mut self) -> Option<Message> {
        self.receiving.poll_message().or_else(|| self.sending.as_mut()?.poll_message())
    }
}
