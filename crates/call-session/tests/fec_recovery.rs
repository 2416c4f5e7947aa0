#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Video's FlexFEC as a call runs it: webrtc-rs's encoder and decoder interceptors inside
//! `FecWithoutExtensions`, with a transport-wide sequence number stamped on every packet between them (as
//! the TWCC sender does after the encoder) and packets lost on the way.

use std::time::Instant;

use bytes::Bytes;
use eclinic_call_session::FecWithoutExtensions;
use rtc::interceptor::{
    Attribute, AttributedPacket, FlexFec03ReceiveBuilder, FlexFec03SendBuilder, Interceptor, Packet, StreamInfo,
    TaggedPacket,
};
use rtc::rtp;
use rtc::sansio::Protocol;
use rtc::shared::TransportContext;

const MEDIA_SSRC: u32 = 7_000;
const REPAIR_SSRC: u32 = 7_002;
const MEDIA_PER_REPAIR: u32 = 5;
const PACKETS: u16 = 20;

fn stream() -> StreamInfo {
    StreamInfo {
        ssrc: MEDIA_SSRC,
        ssrc_fec: Some(REPAIR_SSRC),
        payload_type: 102,
        payload_type_fec: Some(49),
        ..Default::default()
    }
}

/// A video packet as the track hands it on: its own extension (the media id) already set, a payload of
/// varying length (repair covers the longest).
fn media_packet(index: u16) -> rtp::Packet {
    let mut header = rtp::header::Header {
        version: 2,
        marker: index % 3 == 2,
        payload_type: 102,
        sequence_number: 40_000 + index,
        timestamp: 90_000 + u32::from(index / 3) * 6_000,
        ssrc: MEDIA_SSRC,
        ..Default::default()
    };
    header.set_extension(1, Bytes::from_static(b"0")).unwrap();
    let payload: Vec<u8> = (0..200 + usize::from(index) * 37).map(|i| (i * 7 + usize::from(index)) as u8).collect();
    rtp::Packet { header, payload: Bytes::from(payload) }
}

fn tagged(packet: rtp::Packet) -> TaggedPacket {
    TaggedPacket {
        now: Instant::now(),
        transport: TransportContext::default(),
        message: AttributedPacket::new(Packet::Rtp(packet)),
    }
}

fn rtp_of(message: &TaggedPacket) -> &rtp::Packet {
    let Packet::Rtp(packet) = &message.message.packet else { panic!("only RTP goes through") };
    packet
}

/// What the receiver passed on: each media packet, and whether FEC rebuilt it.
fn send_lose_receive(lost: &[u16]) -> Vec<(rtp::Packet, bool)> {
    let mut sender = FecWithoutExtensions::new(
        FlexFec03SendBuilder::new().with_num_media_packets(MEDIA_PER_REPAIR).with_num_fec_packets(1).build(),
    );
    let mut receiver = FecWithoutExtensions::new(FlexFec03ReceiveBuilder::new().build());
    sender.bind_local_stream(&stream());
    receiver.bind_remote_stream(&stream());
    let mut transport_sequence: u16 = 0;
    let mut passed_on = Vec::new();
    for index in 0..PACKETS {
        sender.handle_write(tagged(media_packet(index))).unwrap();
        while let Some(mut sent) = sender.poll_write() {
            let Packet::Rtp(packet) = &mut sent.message.packet else { continue };
            let is_media = packet.header.ssrc == MEDIA_SSRC;
            if is_media {
                assert_eq!(*packet, media_packet(index), "media leaves as the track made it");
            }
            // The transport-wide sequence number, stamped after the encoder protected the packet.
            packet.header.set_extension(5, Bytes::copy_from_slice(&transport_sequence.to_be_bytes())).unwrap();
            transport_sequence = transport_sequence.wrapping_add(1);
            if is_media && lost.contains(&index) {
                continue;
            }
            receiver.handle_read(sent).unwrap();
            while let Some(received) = receiver.poll_read() {
                let rebuilt = received.message.has(&Attribute::RecoveredByFec);
                passed_on.push((rtp_of(&received).clone(), rebuilt));
            }
        }
    }
    passed_on
}

/// `lost`: media packets dropped on the way; `rebuilt`: those FEC must give back.
fn check(lost: &[u16], rebuilt: &[u16]) {
    let passed_on = send_lose_receive(lost);
    for (packet, was_rebuilt) in &passed_on {
        let index = packet.header.sequence_number - 40_000;
        assert_eq!(packet.header.ssrc, MEDIA_SSRC, "repair packets stay inside the decoder");
        let original = media_packet(index);
        if *was_rebuilt {
            assert!(lost.contains(&index), "only a lost packet is rebuilt: {index}");
            assert_eq!(packet.payload, original.payload, "packet {index} rebuilt byte for byte (lost {lost:?})");
            assert_eq!(
                (packet.header.timestamp, packet.header.marker, packet.header.payload_type),
                (original.header.timestamp, original.header.marker, original.header.payload_type),
                "packet {index}'s header rebuilt"
            );
        } else {
            assert!(!lost.contains(&index), "{index} was lost and not rebuilt, so it cannot pass");
            assert!(packet.header.extensions.len() == 2, "an arrived packet keeps its extensions: {index}");
        }
    }
    let mut got: Vec<u16> =
        passed_on.iter().filter(|(_, rebuilt)| *rebuilt).map(|(p, _)| p.header.sequence_number - 40_000).collect();
    got.sort_unstable();
    assert_eq!(got, rebuilt, "lost {lost:?}");
    assert_eq!(passed_on.len(), usize::from(PACKETS) - lost.len() + rebuilt.len(), "lost {lost:?}");
}

#[test]
fn one_loss_per_block_is_rebuilt_and_two_are_not() {
    check(&[], &[]);
    check(&[0], &[0]);
    check(&[4], &[4]);
    check(&[2, 7, 13, 19], &[2, 7, 13, 19]);
    // Two losses in one block are beyond one repair packet: the retransmission has to fetch them.
    check(&[5, 6], &[]);
    check(&[5, 6, 12], &[12]);
}
