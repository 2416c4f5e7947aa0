#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Real H.264 from the media crate's encoder, packetised as webrtc-rs sends it, through a network that
//! reorders, duplicates, delays and loses packets, into the reassembler and the real decoder.

use std::time::Duration;

use bytes::Bytes;
use eclinic_call::video_rx::{VideoEvent, VideoReassembler};
use eclinic_media::video::h264::{H264Decoder, H264Encoder};
use eclinic_media::video::{KeyframeGate, LADDER, SyntheticVideo, VideoFormat, VideoSource};
use rtc::rtp::codec::h264::H264Payloader;
use rtc::rtp::header::Header;
use rtc::rtp::packet::Packet;
use rtc::rtp::packetizer::Payloader;

const MTU: usize = 1_100;
const FRAME_MS: u64 = 100;
const WAIT: Duration = Duration::from_millis(300);

/// `pictures` encoded at 10 fps and packetised, with a forced keyframe at each index in `keyframes_at`;
/// sequence numbers start at `first_sequence`. Returns the packets and how many packets each picture took.
fn stream(pictures: usize, keyframes_at: &[usize], first_sequence: u16) -> (Vec<Packet>, Vec<usize>) {
    let rung = LADDER[2];
    let mut source = SyntheticVideo::new(VideoFormat { width: 320, height: 240, fps: 10 }, Box::new(|| 0)).unwrap();
    let mut encoder = H264Encoder::new(rung, 300_000, KeyframeGate::new(0)).unwrap();
    let mut payloader = H264Payloader::default();
    let mut packets = Vec::new();
    let mut per_picture = Vec::new();
    let mut sequence = first_sequence;
    for index in 0..pictures {
        if keyframes_at.contains(&index) {
            encoder.request_keyframe();
        }
        let frame = source.next_frame().unwrap().unwrap();
        let now_ms = index as u64 * FRAME_MS;
        let Some(encoded) = encoder.encode(&frame, now_ms).unwrap() else { continue };
        let payloads = payloader.payload(MTU, &Bytes::from(encoded.annex_b)).unwrap();
        let count = payloads.len();
        for (k, payload) in payloads.into_iter().enumerate() {
            let header = Header {
                version: 2,
                marker: k + 1 == count,
                payload_type: 102,
                sequence_number: sequence,
                timestamp: (now_ms * 90) as u32,
                ..Header::default()
            };
            packets.push(Packet { header, payload });
            sequence = sequence.wrapping_add(1);
        }
        per_picture.push(count);
    }
    (packets, per_picture)
}

/// A packet and when it reaches the receiver, in milliseconds.
type Delivery = (u64, Packet);

fn on_time(packets: &[Packet], per_picture: &[usize]) -> Vec<Delivery> {
    let mut deliveries = Vec::new();
    let mut packets = packets.iter();
    for (picture, count) in per_picture.iter().enumerate() {
        for packet in packets.by_ref().take(*count) {
            deliveries.push((picture as u64 * FRAME_MS, packet.clone()));
        }
    }
    deliveries
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Outcome {
    pictures: usize,
    keyframes: usize,
    keyframe_requests: usize,
    /// Pictures the decoder turned into a picture; every emitted picture must decode.
    decoded: usize,
}

fn receive(deliveries: Vec<Delivery>) -> Outcome {
    receive_refusing(deliveries, None)
}

/// Like `receive`, with a decoder that refuses the `refused`-th emitted picture (a corrupt one).
fn receive_refusing(mut deliveries: Vec<Delivery>, refused: Option<usize>) -> Outcome {
    deliveries.sort_by_key(|(at, _)| *at);
    let mut reassembler = VideoReassembler::new(WAIT);
    let mut decoder = H264Decoder::new().unwrap();
    let mut outcome = Outcome::default();
    let end = deliveries.last().map_or(0, |(at, _)| *at) + 2_000;
    let mut deliveries = deliveries.into_iter().peekable();
    for now_ms in (0..=end).step_by(10) {
        let now = Duration::from_millis(now_ms);
        while let Some((_, packet)) = deliveries.next_if(|(at, _)| *at <= now_ms) {
            reassembler.handle_packet(now, &packet);
        }
        reassembler.handle_timeout(now);
        while let Some(event) = reassembler.poll_event() {
            match event {
                VideoEvent::Picture { annex_b, keyframe, .. } => {
                    outcome.pictures += 1;
                    if refused == Some(outcome.pictures - 1) {
                        reassembler.handle_undecodable(now);
                        continue;
                    }
                    outcome.keyframes += usize::from(keyframe);
                    let decoded = decoder.decode(&annex_b, 0).expect("every emitted picture decodes");
                    outcome.decoded += usize::from(decoded.is_some());
                }
                VideoEvent::RequestKeyframe => outcome.keyframe_requests += 1,
            }
        }
    }
    outcome
}

fn check(name: &str, deliveries: Vec<Delivery>, expect: Outcome) {
    assert_eq!(receive(deliveries), expect, "{name}");
}

/// Index of the first packet of picture `picture`.
fn first_packet_of(per_picture: &[usize], picture: usize) -> usize {
    per_picture[..picture].iter().sum()
}

#[test]
fn in_order_reordered_and_duplicated_streams_give_every_picture() {
    let (packets, per_picture) = stream(20, &[], 1_000);
    assert!(per_picture[0] > 2, "the first keyframe spans several packets: {per_picture:?}");
    let all = Outcome { pictures: 20, keyframes: 1, keyframe_requests: 0, decoded: 20 };
    check("in order", on_time(&packets, &per_picture), all);

    let mut reversed_keyframe = on_time(&packets, &per_picture);
    reversed_keyframe[..per_picture[0]].reverse();
    for (k, (at, _)) in reversed_keyframe[..per_picture[0]].iter_mut().enumerate() {
        *at = k as u64;
    }
    check("the keyframe's packets in reverse", reversed_keyframe, all);

    let mut doubled = on_time(&packets, &per_picture);
    doubled.extend(on_time(&packets, &per_picture).into_iter().map(|(at, p)| (at + 50, p)));
    check("every packet twice", doubled, all);
}

#[test]
fn a_retransmission_within_the_wait_repairs_the_picture() {
    let (packets, per_picture) = stream(20, &[], 7);
    let lost = first_packet_of(&per_picture, 5);
    let mut deliveries = on_time(&packets, &per_picture);
    deliveries[lost].0 += 250; // the NACKed copy comes a round trip later
    check(
        "late but within the wait",
        deliveries,
        Outcome { pictures: 20, keyframes: 1, keyframe_requests: 0, decoded: 20 },
    );
}

#[test]
fn a_lost_packet_drops_pictures_until_a_keyframe_and_asks_for_one() {
    // The sender answers the request with a keyframe at picture 10.
    let (packets, per_picture) = stream(20, &[10], 400);
    let lost = first_packet_of(&per_picture, 5);
    let mut deliveries = on_time(&packets, &per_picture);
    deliveries.remove(lost);
    // Pictures 0-4 and 10-19 arrive whole; 5 is broken and 6-9 depend on it. One request, when picture 5 is
    // given up (0.8 s); the keyframe arrives at 1.0 s, before the request would repeat.
    check("lost for good", deliveries, Outcome { pictures: 15, keyframes: 2, keyframe_requests: 1, decoded: 15 });

    let (packets, per_picture) = stream(40, &[], 400);
    let mut deliveries = on_time(&packets, &per_picture);
    deliveries.remove(first_packet_of(&per_picture, 5));
    // No keyframe ever comes: the request repeats once a second from 0.8 s to the end at 5.9 s.
    let outcome = receive(deliveries);
    assert_eq!((outcome.pictures, outcome.decoded), (5, 5), "{outcome:?}");
    assert!((5..=7).contains(&outcome.keyframe_requests), "{outcome:?}");
}

#[test]
fn a_picture_the_decoder_refuses_drops_pictures_until_a_keyframe_and_asks_for_one() {
    // The sender answers the request with a keyframe at picture 10.
    let (packets, per_picture) = stream(20, &[10], 900);
    // Picture 5 arrives whole but does not decode; 6-9 reference it. One request, at once.
    let outcome = receive_refusing(on_time(&packets, &per_picture), Some(5));
    assert_eq!(outcome, Outcome { pictures: 16, keyframes: 2, keyframe_requests: 1, decoded: 15 });
}

#[test]
fn sequence_numbers_wrap() {
    let (packets, per_picture) = stream(20, &[], 65_530);
    assert!(packets.iter().any(|p| p.header.sequence_number == 0), "the stream crosses the wrap");
    check(
        "across the wrap",
        on_time(&packets, &per_picture),
        Outcome { pictures: 20, keyframes: 1, keyframe_requests: 0, decoded: 20 },
    );
}

#[test]
fn hostile_payloads_never_panic() {
    let (packets, _) = stream(6, &[], 0);
    let mut reassembler = VideoReassembler::new(WAIT);
    let mut decoder = H264Decoder::new().unwrap();
    let mut now = Duration::ZERO;
    for packet in &packets {
        for cut in 0..packet.payload.len().min(64) {
            let mut hostile = packet.clone();
            hostile.payload = packet.payload.slice(..cut);
            hostile.header.sequence_number = hostile.header.sequence_number.wrapping_mul(31).wrapping_add(cut as u16);
            hostile.header.marker = cut % 3 == 0;
            reassembler.handle_packet(now, &hostile);
            now += Duration::from_millis(7);
            while let Some(event) = reassembler.poll_event() {
                if let VideoEvent::Picture { annex_b, .. } = event {
                    let _ = decoder.decode(&annex_b, 0);
                }
            }
        }
    }
    assert!(reassembler.counters().malformed_packets > 0, "{:?}", reassembler.counters());
}
