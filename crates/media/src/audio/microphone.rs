//! A microphone for a paced reader (the call's audio pump asks for a frame on each tick of its own timer):
//! capture runs on a thread of its own, which owns the device stream, and a read never waits for the device.
//! It takes what has been captured once a short cushion has built up, fills an underrun with silence, and
//! drops the oldest speech when the two clocks have drifted so far that the delay would grow.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::thread::JoinHandle;

use super::{AudioSource, CpalCapture, samples_per_ms};
use crate::MediaError;

/// The capture thread reads the device in pieces this long.
const PIECE_MS: u32 = 10;
/// Speech held back before reading starts (and again after an underrun) to absorb the device's jitter.
const CUSHION_MS: u32 = 40;
/// Beyond this much captured and unread, the oldest is dropped down to the cushion.
const MOST_HELD_MS: u32 = 200;
/// Pieces in flight from the capture thread: a second.
const PIECES_QUEUED: usize = 100;

/// A capture device read without blocking; see the module documentation.
pub struct Microphone {
    pieces: Receiver<Result<Vec<i16>, MediaError>>,
    held: VecDeque<i16>,
    primed: bool,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Microphone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Microphone({} samples held)", self.held.len())
    }
}

impl Microphone {
    /// Opens the device on the capture thread; its error, if any, is returned here.
    pub fn open(device_id: &str) -> Result<Self, MediaError> {
        let (opened_tx, opened) = sync_channel(1);
        let (pieces_tx, pieces) = sync_channel(PIECES_QUEUED);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let id = device_id.to_owned();
        let thread = std::thread::Builder::new()
            .name("microphone".into())
            .spawn(move || match CpalCapture::open(&id) {
                Ok(capture) => {
                    let _ = opened_tx.send(Ok(()));
                    capture_until_stopped(capture, &pieces_tx, &thread_stop);
                }
                Err(e) => {
                    let _ = opened_tx.send(Err(e));
                }
            })
            .map_err(|e| MediaError::AudioDevice(format!("starting the capture thread: {e}")))?;
        let opened = opened.recv().unwrap_or_else(|_| Err(MediaError::AudioDevice("the capture thread ended".into())));
        if let Err(e) = opened {
            let _ = thread.join();
            return Err(e);
        }
        Ok(Self { pieces, held: VecDeque::new(), primed: false, stop, thread: Some(thread) })
    }

    /// Takes in what the capture thread has sent; its error ends the microphone.
    fn take_captured(&mut self) -> Result<(), MediaError> {
        loop {
            match self.pieces.try_recv() {
                Ok(Ok(piece)) => self.held.extend(piece),
                Ok(Err(e)) => return Err(e),
                Err(TryRecvError::Empty) => return Ok(()),
                Err(TryRecvError::Disconnected) => return Err(MediaError::AudioDevice("capture stopped".into())),
            }
        }
    }
}

fn capture_until_stopped(
    mut capture: CpalCapture,
    pieces: &SyncSender<Result<Vec<i16>, MediaError>>,
    stop: &AtomicBool,
) {
    let mut piece = vec![0i16; samples_per_ms(PIECE_MS)];
    while !stop.load(Ordering::Relaxed) {
        match capture.read(&mut piece) {
            // A full queue means the reader has stopped reading for a second: its speech is stale anyway.
            Ok(_) => {
                let _ = pieces.try_send(Ok(piece.clone()));
            }
            Err(e) => {
                // Were the queue full, the reader still learns of the end: the channel disconnects.
                let _ = pieces.try_send(Err(e));
                return;
            }
        }
    }
}

impl AudioSource for Microphone {
    /// Always fills `out` at once: captured speech when there is enough, silence while the cushion builds.
    fn read(&mut self, out: &mut [i16]) -> Result<usize, MediaError> {
        self.take_captured()?;
        let cushion = samples_per_ms(CUSHION_MS);
        if self.held.len() > samples_per_ms(MOST_HELD_MS) {
            let stale = self.held.len() - cushion;
            self.held.drain(..stale);
        }
        if !self.primed && self.held.len() >= cushion.max(out.len()) {
            self.primed = true;
        }
        if !self.primed {
            out.fill(0);
            return Ok(out.len());
        }
        let available = self.held.len().min(out.len());
        for (slot, sample) in out.iter_mut().zip(self.held.drain(..available)) {
            *slot = sample;
        }
        if available < out.len() {
            out[available..].fill(0);
            self.primed = false;
        }
        Ok(out.len())
    }
}

impl Drop for Microphone {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // Its device read returns within a piece, so the device is released before the next call opens it.
            let _ = thread.join();
        }
    }
}
