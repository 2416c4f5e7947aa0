#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A full-resolution photo from the kiosk to the doctor over a channel that loses messages and drops out:
//! every byte arrives in order, progress only goes forward, a reconnect resumes instead of restarting, and
//! hostile photo messages are refused.

use std::collections::VecDeque;

use eclinic_call::channel::Message;
use eclinic_call::photo::{MAX_PHOTO_BYTES, PhotoError, PhotoReceiver, PhotoSender};

fn photo(len: usize) -> Vec<u8> {
    (0..len).map(|i| u8::try_from((i * 31 + i / 7) % 251).unwrap()).collect()
}

/// Messages on their way, each delivered `DELAY_TICKS` after it was sent: acknowledgements lag the
/// chunks in flight, as on a real link.
const DELAY_TICKS: u64 = 3;

/// Runs a transfer in 50 ms ticks with a 150 ms one-way delay. `lose(tick, index)` drops a message;
/// `outage` is a range of ticks in which nothing passes, followed by a reconnect. Returns what arrived, the
/// ticks taken and the bytes sent.
fn transfer(
    jpeg: &[u8],
    mut lose: impl FnMut(u64, usize) -> bool,
    outage: std::ops::Range<u64>,
) -> (Vec<u8>, u64, usize) {
    let mut sender = PhotoSender::new(9, jpeg.to_vec(), 0).unwrap();
    let mut receiver = PhotoReceiver::default();
    let (mut to_receiver, mut to_sender) = (VecDeque::new(), VecDeque::new());
    let (mut sent_bytes, mut index, mut last_progress) = (0, 0, 0);
    for tick in 0..10_000u64 {
        let now = tick * 50;
        if tick == outage.end && !outage.is_empty() {
            sender.handle_reconnect(now);
        }
        let down = outage.contains(&tick);
        while let Some(message) = sender.poll_message() {
            index += 1;
            if let Message::PhotoChunk { bytes, .. } = &message {
                sent_bytes += bytes.len();
            }
            if !down && !lose(tick, index) {
                to_receiver.push_back((tick + DELAY_TICKS, message));
            }
        }
        while to_receiver.front().is_some_and(|(at, _)| *at <= tick) {
            let (_, message) = to_receiver.pop_front().unwrap();
            receiver.handle_message(&message).unwrap();
        }
        while let Some(ack) = receiver.poll_message() {
            index += 1;
            if !down && !lose(tick, index) {
                to_sender.push_back((tick + DELAY_TICKS, ack));
            }
        }
        while to_sender.front().is_some_and(|(at, _)| *at <= tick) {
            let (_, ack) = to_sender.pop_front().unwrap();
            sender.handle_message(now, &ack);
        }
        sender.handle_timeout(now);
        let (held, total) = receiver.progress();
        assert!(held >= last_progress || held == 0 && total == 0, "progress went back");
        last_progress = held;
        if let Some((photo_id, bytes)) = receiver.take_photo() {
            assert_eq!(photo_id, 9);
            return (bytes, tick, sent_bytes);
        }
    }
    panic!("the photo never arrived: receiver {:?}, sender {:?}", receiver.progress(), sender.progress());
}

#[test]
fn a_photo_arrives_whole_on_a_clean_channel() {
    let jpeg = photo(300_000);
    let (got, ticks, sent) = transfer(&jpeg, |_, _| false, 0..0);
    assert_eq!(got, jpeg);
    assert_eq!(sent, jpeg.len(), "no byte sent twice, though acknowledgements lag the chunks");
    // A window of 48 KiB per 300 ms round trip: 300 kB in about two seconds, with no retransmission wait.
    assert!(ticks <= 45, "took {ticks} ticks");
}

#[test]
fn lost_chunks_and_acks_are_made_good() {
    let jpeg = photo(200_000);
    let (got, _, sent) = transfer(&jpeg, |_, index| index % 7 == 3, 0..0);
    assert_eq!(got, jpeg);
    assert!(sent < 3 * jpeg.len(), "resent {} bytes for {}", sent, jpeg.len());
}

#[test]
fn a_reconnect_resumes_where_the_receiver_stopped() {
    let jpeg = photo(400_000);
    let (clean, ..) = transfer(&jpeg, |_, _| false, 0..0);
    assert_eq!(clean, jpeg);
    // Down for ten seconds in the middle, then the channel comes back.
    let (got, _, sent) = transfer(&jpeg, |_, _| false, 3..203);
    assert_eq!(got, jpeg);
    // What goes twice is the window in flight when the link fell, and the retries while it was down (they back
    // off: 2 s, then 4 s, then 8 s), never the photo from the start.
    let window = 4 * 12 * 1024;
    assert!(sent <= jpeg.len() + 3 * window, "resumed, not restarted: {sent} bytes sent for {}", jpeg.len());
}

#[test]
fn hostile_photo_messages_are_refused() {
    assert_eq!(PhotoSender::new(1, Vec::new(), 0).unwrap_err(), PhotoError::Size(0));
    let mut receiver = PhotoReceiver::default();
    let too_big = Message::PhotoOffer { photo_id: 1, total_bytes: MAX_PHOTO_BYTES + 1 };
    assert_eq!(receiver.handle_message(&too_big), Err(PhotoError::Size(u64::from(MAX_PHOTO_BYTES) + 1)));
    receiver.handle_message(&Message::PhotoOffer { photo_id: 2, total_bytes: 10 }).unwrap();
    let past_end = Message::PhotoChunk { photo_id: 2, offset: 8, bytes: vec![0; 4] };
    assert_eq!(receiver.handle_message(&past_end), Err(PhotoError::PastTheEnd { photo_id: 2, offset: 8, total: 10 }));
    let other_photo = Message::PhotoChunk { photo_id: 3, offset: 0, bytes: vec![0; 4] };
    receiver.handle_message(&other_photo).unwrap();
    assert_eq!(receiver.progress(), (0, 10), "a chunk of a photo never offered is ignored");
    assert!(receiver.take_photo().is_none());
}
