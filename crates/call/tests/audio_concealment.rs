#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Real Opus packets from the media crate's encoder, with packets lost, late or corrupt, into the receiver:
//! every lost frame is filled (from FEC when the next packet has it), nothing is played twice, and the
//! output keeps the stream's length.

use bytes::Bytes;
use eclinic_call::audio_rx::{AudioCounters, AudioReceiver};
use eclinic_media::audio::opus_codec::{OpusSettings, VoiceEncoder, packet_has_fec};
use eclinic_media::audio::{AudioSource, SyntheticVoice, samples_per_ms};
use rtc::rtp::header::Header;
use rtc::rtp::packet::Packet;

const FRAME: usize = samples_per_ms(20);

/// 100 frames (2 s, during the synthetic voice's first talk spurt) at 24 kb/s with FEC for 10 % loss.
fn packets(first_sequence: u16) -> Vec<Packet> {
    let settings = OpusSettings { bitrate_bps: 24_000, frame_ms: 20, expected_loss_pct: 10, fec: true, dtx: false };
    let mut encoder = VoiceEncoder::new(settings).unwrap();
    let mut voice = SyntheticVoice::new();
    let mut pcm = vec![0; FRAME];
    (0..100u16)
        .map(|k| {
            voice.read(&mut pcm).unwrap();
            let header = Header {
                version: 2,
                payload_type: 111,
                sequence_number: first_sequence.wrapping_add(k),
                timestamp: u32::from(k) * FRAME as u32,
                ..Header::default()
            };
            Packet { header, payload: Bytes::from(encoder.encode(&pcm).unwrap()) }
        })
        .collect()
}

/// Plays `order` (indices into the stream; a missing index is a lost packet) and returns the counters and
/// how many samples came out.
fn play(stream: &[Packet], order: &[usize]) -> (AudioCounters, usize) {
    let mut receiver = AudioReceiver::new().unwrap();
    let mut out = Vec::new();
    for index in order {
        receiver.handle_packet(&stream[*index], &mut out);
    }
    (receiver.counters(), out.len())
}

struct Expect {
    packets: u64,
    late: u64,
    recovered_frames: u64,
    concealed_frames: u64,
}

fn check(name: &str, order: Vec<usize>, expect: Expect) {
    for first_sequence in [0, 65_500] {
        let stream = packets(first_sequence);
        let (counters, samples) = play(&stream, &order);
        let frames = |samples: u64| samples / FRAME as u64;
        assert_eq!(counters.packets, expect.packets, "{name}: {counters:?}");
        assert_eq!(counters.late_packets, expect.late, "{name}: {counters:?}");
        assert_eq!(frames(counters.recovered_samples), expect.recovered_frames, "{name}: {counters:?}");
        assert_eq!(frames(counters.concealed_samples), expect.concealed_frames, "{name}: {counters:?}");
        let last = order.iter().max().unwrap();
        assert_eq!(samples, (last + 1) * FRAME, "{name}: the output covers the stream once");
    }
}

fn without(lost: &[usize]) -> Vec<usize> {
    (0..100).filter(|k| !lost.contains(k)).collect()
}

#[test]
fn losses_are_filled_from_fec_or_concealed() {
    check("nothing lost", without(&[]), Expect { packets: 100, late: 0, recovered_frames: 0, concealed_frames: 0 });
    // Opus adds FEC data to voiced frames only: lose four frames whose successors carry it...
    let stream = packets(0);
    let with_fec: Vec<usize> = (10..90).step_by(7).filter(|k| packet_has_fec(&stream[k + 1].payload)).collect();
    assert!(with_fec.len() >= 4, "the talk spurt is voiced: {with_fec:?}");
    let singles = &with_fec[..4];
    check(
        "single losses: each rebuilt from the next packet's FEC",
        without(singles),
        Expect { packets: 96, late: 0, recovered_frames: 4, concealed_frames: 0 },
    );
    // ...and one whose successor does not.
    let unvoiced = (10..90).find(|k| !packet_has_fec(&stream[k + 1].payload)).unwrap();
    check(
        "a single loss before a packet without FEC: concealed",
        without(&[unvoiced]),
        Expect { packets: 99, late: 0, recovered_frames: 0, concealed_frames: 1 },
    );
    let burst = singles[1];
    check(
        "a burst of three: two concealed, the last rebuilt",
        without(&[burst - 2, burst - 1, burst]),
        Expect { packets: 97, late: 0, recovered_frames: 1, concealed_frames: 2 },
    );
}

#[test]
fn late_and_repeated_packets_are_not_played_twice() {
    let mut order = without(&[20]);
    order.insert(25, 20); // arrives five packets late, after its frame was already filled
    order.insert(60, 59); // a duplicate
    check("late and duplicate", order, Expect { packets: 99, late: 2, recovered_frames: 1, concealed_frames: 0 });
}

#[test]
fn corrupt_and_truncated_packets_never_panic() {
    let stream = packets(0);
    let mut receiver = AudioReceiver::new().unwrap();
    let mut out = Vec::new();
    let mut sequence = 0u16;
    for packet in stream.iter().take(20) {
        for cut in 0..packet.payload.len() {
            let mut hostile = packet.clone();
            hostile.payload = packet.payload.slice(..cut);
            hostile.header.sequence_number = sequence;
            sequence = sequence.wrapping_add(if cut % 5 == 0 { 3 } else { 1 });
            receiver.handle_packet(&hostile, &mut out);
        }
    }
    let counters = receiver.counters();
    assert!(counters.corrupt_packets > 0, "{counters:?}");
    assert!(out.len() as u64 >= counters.packets * FRAME as u64 / 2, "lost and corrupt frames were filled in");
}
