//! Still photos over the data channel: chunked, acknowledged, resumable after a reconnect, with progress.
//! Sans-IO: the sender and the receiver are fed [`Message`]s and the time, and drained with `poll_message`.
//!
//! The receiver only ever holds a contiguous prefix of the photo and acknowledges how many bytes it holds:
//! as it goes, and at once when a chunk leaves a gap (one was lost). Duplicates are dropped silently. The
//! sender keeps a window of unacknowledged bytes in flight. Acknowledgements lag the chunks in flight, so
//! only the same acknowledgement twice means a loss: the sender then goes back to it, once per loss. When
//! acknowledgements stop (the link down) it goes back to the last acknowledged byte, and after a reconnect
//! it offers again and resumes from the receiver's acknowledgement rather than from the start.

use crate::channel::{MAX_CHUNK_BYTES, Message};

/// The largest photo accepted: a full-resolution JPEG from a kiosk camera.
pub const MAX_PHOTO_BYTES: u32 = 8 * 1024 * 1024;
/// Bytes in flight before the sender waits for an acknowledgement.
const WINDOW_BYTES: u32 = 4 * MAX_CHUNK_BYTES as u32;
/// With no acknowledgement progress for this long, the sender goes back to the last acknowledged byte; the
/// wait doubles with each fruitless try (a link that is down is not helped by resending), up to 16 s.
pub const RETRANSMIT_AFTER_MS: u64 = 2_000;
const MAX_RETRANSMIT_AFTER_MS: u64 = 16_000;
/// The receiver acknowledges at least every this many bytes.
const ACK_EVERY_BYTES: u32 = 2 * MAX_CHUNK_BYTES as u32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("a photo of {0} bytes is outside 1 byte to 8 MiB")]
    Size(u64),
    #[error("photo {photo_id}: a chunk at {offset} runs past its {total} bytes")]
    PastTheEnd { photo_id: u32, offset: u32, total: u32 },
}

/// Sends one photo.
#[derive(Debug, Clone)]
pub struct PhotoSender {
    photo_id: u32,
    jpeg: Vec<u8>,
    total: u32,
    offered: bool,
    acked: u32,
    /// The last acknowledgement, to tell a repeated one (a loss) from the first.
    last_ack: Option<u32>,
    /// Went back to this byte after a repeated acknowledgement; more repeats of it are the same loss.
    recovering_at: Option<u32>,
    next_offset: u32,
    last_progress_ms: u64,
    retransmit_after_ms: u64,
}

impl PhotoSender {
    pub fn new(photo_id: u32, jpeg: Vec<u8>, now_ms: u64) -> Result<Self, PhotoError> {
        let total = u32::try_from(jpeg.len()).map_err(|_| PhotoError::Size(jpeg.len() as u64))?;
        if total == 0 || total > MAX_PHOTO_BYTES {
            return Err(PhotoError::Size(u64::from(total)));
        }
        Ok(Self {
            photo_id,
            jpeg,
            total,
            offered: false,
            acked: 0,
            last_ack: None,
            recovering_at: None,
            next_offset: 0,
            last_progress_ms: now_ms,
            retransmit_after_ms: RETRANSMIT_AFTER_MS,
        })
    }

    /// The receiver's acknowledgement (other messages are not this sender's business).
    pub fn handle_message(&mut self, now_ms: u64, message: &Message) {
        if let Message::PhotoAck { photo_id, received } = message
            && *photo_id == self.photo_id
        {
            let received = (*received).min(self.total);
            if received > self.acked {
                self.acked = received;
                self.recovering_at = None;
                self.last_progress_ms = now_ms;
                self.retransmit_after_ms = RETRANSMIT_AFTER_MS;
            } else if received == self.acked
                && self.last_ack == Some(received)
                && received < self.next_offset
                && self.recovering_at != Some(received)
            {
                // The same acknowledgement again: the receiver lacks what follows it (a chunk was lost).
                self.next_offset = received;
                self.recovering_at = Some(received);
            }
            self.last_ack = Some(received);
            self.next_offset = self.next_offset.max(self.acked);
        }
    }

    /// After the channel was re-established: offer again and resume from the last acknowledged byte (the
    /// receiver's answer to the offer may move that on).
    pub fn handle_reconnect(&mut self, now_ms: u64) {
        self.offered = false;
        self.next_offset = self.acked;
        self.last_ack = None;
        self.recovering_at = None;
        self.last_progress_ms = now_ms;
        self.retransmit_after_ms = RETRANSMIT_AFTER_MS;
    }

    pub fn handle_timeout(&mut self, now_ms: u64) {
        if !self.is_done() && now_ms.saturating_sub(self.last_progress_ms) >= self.retransmit_after_ms {
            self.next_offset = self.acked;
            self.recovering_at = None;
            self.last_progress_ms = now_ms;
            self.retransmit_after_ms = (self.retransmit_after_ms * 2).min(MAX_RETRANSMIT_AFTER_MS);
        }
    }

    pub fn poll_message(&mut self) -> Option<Message> {
        if !self.offered {
            self.offered = true;
            return Some(Message::PhotoOffer { photo_id: self.photo_id, total_bytes: self.total });
        }
        if self.next_offset >= self.total || self.next_offset - self.acked >= WINDOW_BYTES {
            return None;
        }
        let start = self.next_offset;
        let end = (start + MAX_CHUNK_BYTES as u32).min(self.total);
        self.next_offset = end;
        let bytes = self.jpeg.get(start as usize..end as usize)?.to_vec();
        Some(Message::PhotoChunk { photo_id: self.photo_id, offset: start, bytes })
    }

    pub fn poll_timeout(&self) -> Option<u64> {
        (!self.is_done()).then_some(self.last_progress_ms + self.retransmit_after_ms)
    }

    /// Bytes the receiver holds, and the photo's size.
    pub fn progress(&self) -> (u32, u32) {
        (self.acked, self.total)
    }

    pub fn is_done(&self) -> bool {
        self.acked == self.total
    }
}

/// Receives photos: keeps the contiguous prefix of each and says how much it holds.
#[derive(Debug, Clone, Default)]
pub struct PhotoReceiver {
    photo_id: Option<u32>,
    total: u32,
    data: Vec<u8>,
    acked: u32,
    answers: Vec<Message>,
}

impl PhotoReceiver {
    /// A photo message from the peer; anything else is ignored.
    pub fn handle_message(&mut self, message: &Message) -> Result<(), PhotoError> {
        match message {
            Message::PhotoOffer { photo_id, total_bytes } => {
                if *total_bytes == 0 || *total_bytes > MAX_PHOTO_BYTES {
                    return Err(PhotoError::Size(u64::from(*total_bytes)));
                }
                // The same photo offered again (a reconnect): keep what is held and say how much.
                if self.photo_id != Some(*photo_id) || self.total != *total_bytes {
                    self.photo_id = Some(*photo_id);
                    self.total = *total_bytes;
                    self.data.clear();
                }
                self.ack();
            }
            Message::PhotoChunk { photo_id, offset, bytes } if self.photo_id == Some(*photo_id) => {
                let end = u64::from(*offset) + bytes.len() as u64;
                if end > u64::from(self.total) {
                    return Err(PhotoError::PastTheEnd { photo_id: *photo_id, offset: *offset, total: self.total });
                }
                let held = self.held();
                if *offset == held {
                    self.data.extend_from_slice(bytes);
                    if self.held() - self.acked >= ACK_EVERY_BYTES || self.held() == self.total {
                        self.ack();
                    }
                } else if *offset > held {
                    // A gap: say what is held so the sender goes back there. (A duplicate, from a chunk
                    // resent while its acknowledgement was on its way, needs no answer.)
                    self.ack();
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn held(&self) -> u32 {
        u32::try_from(self.data.len()).unwrap_or(u32::MAX)
    }

    fn ack(&mut self) {
        if let Some(photo_id) = self.photo_id {
            self.acked = self.held();
            self.answers.push(Message::PhotoAck { photo_id, received: self.acked });
        }
    }

    pub fn poll_message(&mut self) -> Option<Message> {
        (!self.answers.is_empty()).then(|| self.answers.remove(0))
    }

    /// Bytes held of the current photo, and its size.
    pub fn progress(&self) -> (u32, u32) {
        (self.held(), self.total)
    }

    /// The whole photo, once every byte is in.
    pub fn take_photo(&mut self) -> Option<(u32, Vec<u8>)> {
        let photo_id = self.photo_id?;
        if self.total == 0 || self.held() != self.total {
            return None;
        }
        self.photo_id = None;
        self.total = 0;
        self.acked = 0;
        Some((photo_id, std::mem::take(&mut self.data)))
    }
}
