#![no_main]

use std::time::Duration;

use bytes::Bytes;
use eclinic_call::audio_rx::AudioReceiver;
use eclinic_call::video_rx::VideoReassembler;
use libfuzzer_sys::fuzz_target;
use rtc::rtp::header::Header;
use rtc::rtp::packet::Packet;

// Arbitrary packets from a peer (sequence numbers, timestamps, markers, payloads, arrival times) into the
// video reassembler and the audio receiver: nothing may panic.
fuzz_target!(|data: &[u8]| {
    let mut video = VideoReassembler::new(Duration::from_millis(300));
    let Ok(mut audio) = AudioReceiver::new() else { return };
    let mut pcm = Vec::new();
    let mut now = Duration::ZERO;
    let mut rest = data;
    while rest.len() >= 8 {
        let (head, tail) = rest.split_at(8);
        let length = usize::from(head[7]).min(tail.len());
        let (payload, tail) = tail.split_at(length);
        rest = tail;
        let header = Header {
            version: 2,
            marker: head[6] & 1 == 1,
            sequence_number: u16::from_be_bytes([head[0], head[1]]),
            timestamp: u32::from_be_bytes([head[2], head[3], head[4], head[5]]),
            ..Header::default()
        };
        let packet = Packet { header, payload: Bytes::copy_from_slice(payload) };
        now += Duration::from_millis(u64::from(head[6] >> 1));
        video.handle_packet(now, &packet);
        video.handle_timeout(now);
        while video.poll_event().is_some() {}
        pcm.clear();
        audio.handle_packet(&packet, &mut pcm);
    }
});
