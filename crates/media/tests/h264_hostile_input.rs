#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_media::video::h264::{H264Decoder, H264Encoder};
use eclinic_media::video::{KeyframeGate, LADDER};

fn real_packets() -> Vec<Vec<u8>> {
    let mut encoder = H264Encoder::new(LADDER[1], 100_000, KeyframeGate::new(1_000)).unwrap();
    support::frames(240, 180, 10, 6)
        .iter()
        .enumerate()
        .filter_map(|(index, frame)| encoder.encode(frame, index as u64 * 100).unwrap())
        .map(|frame| frame.annex_b)
        .collect()
}

/// Decoding must return (a picture, nothing, or an error), whatever the bytes.
fn decode_all(decoder: &mut H264Decoder, data: &[u8]) {
    let _ = decoder.decode(data, 0);
}

#[test]
fn every_prefix_of_real_packets_decodes_or_fails_cleanly() {
    let packets = real_packets();
    assert!(packets.len() >= 3);
    let mut shared = H264Decoder::new().unwrap();
    for packet in &packets {
        for end in 0..=packet.len() {
            decode_all(&mut H264Decoder::new().unwrap(), &packet[..end]);
            decode_all(&mut shared, &packet[..end]);
        }
    }
}

#[test]
fn flipped_bits_and_random_bytes_never_panic() {
    let packets = real_packets();
    let mut decoder = H264Decoder::new().unwrap();
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..400 {
        let mut packet = packets[round % packets.len()].clone();
        for _ in 0..1 + random() % 8 {
            let index = (random() as usize) % packet.len();
            packet[index] ^= 1 << (random() % 8);
        }
        decode_all(&mut decoder, &packet);
        let noise: Vec<u8> = (0..random() % 2_000).map(|_| random() as u8).collect();
        decode_all(&mut decoder, &noise);
        let mut with_start_code = vec![0, 0, 0, 1];
        with_start_code.extend(&noise);
        decode_all(&mut decoder, &with_start_code);
    }
}
