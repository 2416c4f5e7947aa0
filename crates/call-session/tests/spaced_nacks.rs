#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! webrtc-rs's NACK generator inside `SpacedNacks`, as a call runs it: a lost packet is asked for at once,
//! then once per round trip, three times at most; what else goes out passes untouched.

use std::sync::Arc;
use std::sync::atomic::AtomicU32;
use std::time::{Duration, Instant};

use bytes::Bytes;
use eclinic_call_session::SpacedNacks;
use rtc::interceptor::{
    AttributedPacket, Interceptor, NackGeneratorBuilder, Packet, RTCPFeedback, StreamInfo, TaggedPacket,
};
use rtc::rtcp::transport_feedbacks::transport_layer_nack::TransportLayerNack;
use rtc::rtp;
use rtc::sansio::Protocol;
use rtc::shared::TransportContext;

const SSRC: u32 = 7_000;

fn stream() -> StreamInfo {
    StreamInfo {
        ssrc: SSRC,
        payload_type: 102,
        rtcp_feedback: vec![RTCPFeedback { typ: "nack".to_owned(), parameter: String::new() }],
        ..Default::default()
    }
}

fn tagged(now: Instant, packet: Packet) -> TaggedPacket {
    TaggedPacket { now, transport: TransportContext::default(), message: AttributedPacket::new(packet) }
}

fn rtp_packet(sequence_number: u16) -> rtp::Packet {
    let header =
        rtp::header::Header { version: 2, payload_type: 102, sequence_number, ssrc: SSRC, ..Default::default() };
    rtp::Packet { header, payload: Bytes::from_static(b"picture") }
}

/// Packets 0..20 arrive but for `lost`; the generator ticks every 50 ms for `seconds`. When (ms after the
/// first packet) each lost packet was asked for.
fn requests(round_trip_ms: u32, lost: &[u16], seconds: u64) -> Vec<(u64, u16)> {
    let mut nacks = SpacedNacks::new(NackGeneratorBuilder::new().build(), Arc::new(AtomicU32::new(round_trip_ms)));
    nacks.bind_remote_stream(&stream());
    let start = Instant::now();
    for sequence in (0..20).filter(|s| !lost.contains(s)) {
        nacks.handle_read(tagged(start, Packet::Rtp(rtp_packet(sequence)))).unwrap();
        while nacks.poll_read().is_some() {}
    }
    let mut asked = Vec::new();
    for tick in 0..=seconds * 20 {
        let now = start + Duration::from_millis(tick * 50);
        nacks.handle_timeout(now).unwrap();
        while let Some(out) = nacks.poll_write() {
            let Packet::Rtcp(packets) = out.message.packet else { panic!("the generator writes RTCP only") };
            for packet in packets {
                let nack = packet.as_any().downcast_ref::<TransportLayerNack>().unwrap();
                assert_eq!(nack.media_ssrc, SSRC);
                asked.extend(nack.nacks.iter().flat_map(|p| p.packet_list()).map(|s| (tick * 50, s)));
            }
        }
    }
    asked
}

#[test]
fn on_a_long_round_trip_a_lost_packet_is_asked_for_once_per_round_trip() {
    // EDGE's 600 ms: at once, then 700 ms apart (the round trip and the margin), on the generator's ticks.
    assert_eq!(requests(600, &[5], 3), vec![(100, 5), (800, 5), (1_500, 5)]);
}

#[test]
fn on_a_short_round_trip_the_requests_come_sooner() {
    // 20 ms and the margin: due 120 ms after the last request, at the generator's next 100 ms tick.
    assert_eq!(requests(20, &[5, 9], 1), vec![(100, 5), (100, 9), (300, 5), (300, 9), (500, 5), (500, 9)]);
}

#[test]
fn until_the_round_trip_is_known_a_poor_links_is_assumed() {
    assert_eq!(requests(0, &[3], 2), vec![(100, 3), (700, 3), (1_300, 3)]);
}

#[test]
fn media_written_through_it_is_untouched() {
    let mut nacks = SpacedNacks::new(NackGeneratorBuilder::new().build(), Arc::new(AtomicU32::new(600)));
    nacks.bind_local_stream(&stream());
    nacks.handle_write(tagged(Instant::now(), Packet::Rtp(rtp_packet(42)))).unwrap();
    let out = nacks.poll_write().unwrap();
    assert!(matches!(out.message.packet, Packet::Rtp(p) if p == rtp_packet(42)));
}
