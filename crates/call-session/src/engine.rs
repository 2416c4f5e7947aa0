//! What a call negotiates and how its packets are treated: H.264 constrained baseline (packetization mode 1)
//! with NACK, PLI and a FlexFEC repair stream; Opus with in-band FEC; transport-wide congestion feedback into our estimator; and the
//! tap that hands keyframe requests to the encoder.
//!
//! Lost video packets are resent on the media SSRC, not as RTX: in webrtc-rs 0.21.1 the NACK generator never
//! marks a packet recovered through RTX as received and keeps asking for it, which on a slow link spends
//! the bandwidth the retransmission was meant to save.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64};
use std::time::Instant;

use eclinic_media::allocator::{VIDEO_PACKETS_PER_REPAIR, VideoRepair};
use rtc::interceptor::{
    CongestionControlBuilder, FlexFec03ReceiveBuilder, FlexFec03SendBuilder, NackGeneratorBuilder,
    NackResponderBuilder, Registry, Slot, TwccReceiverBuilder, TwccSenderBuilder,
};
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::interceptor_registry::register_default_interceptors;
use rtc::peer_connection::configuration::media_engine::{
    MIME_TYPE_FLEX_FEC03, MIME_TYPE_H264, MIME_TYPE_OPUS, MediaEngine,
};
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters, RTCRtpEncodingParameters, RTCRtpFecParameters,
    RtpCodecKind,
};
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::rtp_transceiver::RtpSender;

use crate::SessionError;
use crate::estimate::{EstimateHandle, PublishingEstimator};
use crate::fec_without_extensions::FecWithoutExtensions;
use crate::pass_through::{KEYFRAME_TAP_SLOT, PassThrough};
use crate::repair_stream::WithRepairStream;
use crate::spaced_nacks::SpacedNacks;

const H264_PAYLOAD_TYPE: u8 = 102;
const OPUS_PAYLOAD_TYPE: u8 = 111;
const FLEX_FEC_PAYLOAD_TYPE: u8 = 49;
/// Between the FEC encoder (5,000) and decoder (6,000): above the pacer, as a feedback generator must be,
/// and wire-ward of the decoder.
const TWCC_RECEIVER_SLOT: usize = 5_500;
/// Packets the NACK generator and responder remember: about two seconds of video at the rates a rural link
/// carries.
const NACK_LOG_PACKETS: u16 = 128;
/// The estimator's ceiling: far above what a consult needs, so the ladder's top rung is the limit.
const MAX_BPS: f64 = 2_500_000.0;

fn h264() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_H264.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f".to_owned(),
        // NACK, PLI and transport-cc feedback are added by the interceptor configuration.
        rtcp_feedback: vec![],
    }
}

fn opus() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_OPUS.to_owned(),
        clock_rate: 48_000,
        channels: 2,
        sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
        rtcp_feedback: vec![],
    }
}

/// Video's repair stream (FlexFEC draft 03, what browsers negotiate), on its own SSRC.
fn flexfec() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_FLEX_FEC03.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: "repair-window=10000000".to_owned(),
        rtcp_feedback: vec![],
    }
}

/// The negotiation and packet pipeline of one peer connection.
pub(crate) struct Engine {
    pub(crate) media_engine: MediaEngine,
    pub(crate) registry: Registry,
    pub(crate) estimate: EstimateHandle,
    pub(crate) keyframe_requests: Arc<AtomicU64>,
    /// The link's round trip in milliseconds (0 while unknown), for the NACK spacing: the call's
    /// statistics write it.
    pub(crate) round_trip_ms: Arc<AtomicU32>,
}

pub(crate) fn engine() -> Result<Engine, SessionError> {
    let mut media_engine = MediaEngine::default();
    for (codec, payload_type, kind) in [
        (h264(), H264_PAYLOAD_TYPE, RtpCodecKind::Video),
        (flexfec(), FLEX_FEC_PAYLOAD_TYPE, RtpCodecKind::Video),
        (opus(), OPUS_PAYLOAD_TYPE, RtpCodecKind::Audio),
    ] {
        media_engine
            .register_codec(RTCRtpCodecParameters { rtp_codec: codec, payload_type }, kind)
            .map_err(SessionError::webrtc("registering a codec"))?;
    }
    // Negotiates transport-wide feedback for both kinds and reports what arrives.
    let registry = register_default_interceptors(Registry::new(), &mut media_engine)
        .map_err(SessionError::webrtc("interceptors"))?;
    let (estimator, estimate) = PublishingEstimator::new(MAX_BPS);
    let (tap, keyframe_requests) = PassThrough::counting_keyframe_requests();
    let round_trip_ms = Arc::new(AtomicU32::new(0));
    let registry = registry
        // Congestion control sees video's repair packets too: they are a sixth of the video on the wire.
        .with(Slot::CongestionControl, WithRepairStream::new(CongestionControlBuilder::new(estimator).build()))
        .with(Slot::TwccSender, WithRepairStream::new(TwccSenderBuilder::new().build()))
        // No pacer: it releases at the estimate and never drops, so after a capacity drop or an outage it held
        // seconds of stale media (12 s of glass-to-glass in the link lab). The encoders follow the estimate
        // themselves; a keyframe's burst waits in the radio's own buffer instead.
        .with(Slot::Pacer, PassThrough::default())
        // Retransmission only helps while the picture can still use it: after a radio outage the default logs
        // (512 received, 1024 sent packets) made both ends re-request and resend seconds of stale video,
        // which queued ahead of the live picture for as long again. A short memory, and a packet asked for
        // again only a round trip after the last request, three times at most.
        .with(Slot::NackResponder, NackResponderBuilder::new().with_size(NACK_LOG_PACKETS).build())
        .with(
            Slot::NackGenerator,
            SpacedNacks::new(
                NackGeneratorBuilder::new().with_size(NACK_LOG_PACKETS).build(),
                Arc::clone(&round_trip_ms),
            ),
        )
        // A lost packet costs a round trip to resend, longer than a freeze on a rural link; one repair packet
        // per block rebuilds a single loss among them as soon as the block is through.
        .with(
            Slot::FecEncoder,
            FecWithoutExtensions::new(
                FlexFec03SendBuilder::new()
                    .with_num_media_packets(VIDEO_PACKETS_PER_REPAIR)
                    .with_num_fec_packets(1)
                    .build(),
            ),
        )
        // Arrivals are reported wire-ward of the FEC decoder, which swallows repair packets: reported
        // after it, every repair packet would read as lost at the far end, and a rebuilt packet as arrived.
        .with(Slot::from(TWCC_RECEIVER_SLOT), TwccReceiverBuilder::new().build())
        .with(Slot::TwccReceiver, PassThrough::default())
        .with(Slot::FecDecoder, FecWithoutExtensions::new(FlexFec03ReceiveBuilder::new().build()))
        .with(Slot::from(KEYFRAME_TAP_SLOT), tap);
    Ok(Engine { media_engine, registry, estimate, keyframe_requests, round_trip_ms })
}

/// A sample track for this end's camera or microphone; video's repair packets go out on `ssrc + 2`.
pub(crate) fn local_track(kind: RtpCodecKind, ssrc: u32) -> Result<Arc<TrackLocalStaticSample>, SessionError> {
    let (codec, name, fec) = match kind {
        RtpCodecKind::Video => (h264(), "video", Some(RTCRtpFecParameters { ssrc: ssrc.wrapping_add(2) })),
        _ => (opus(), "audio", None),
    };
    let coding = RTCRtpEncodingParameters {
        rtp_coding_parameters: RTCRtpCodingParameters { ssrc: Some(ssrc), fec, ..Default::default() },
        codec,
        ..Default::default()
    };
    let track = MediaStreamTrack::new("eclinic".to_owned(), name.to_owned(), name.to_owned(), kind, vec![coding]);
    TrackLocalStaticSample::new(Instant::now(), track).map(Arc::new).map_err(SessionError::webrtc("a local track"))
}

/// Whether the far end took video's repair stream (a browser or another stack may not): the FEC encoder
/// only protects a stream the negotiation gave a repair codec.
pub(crate) async fn negotiated_repair(video: &Arc<dyn RtpSender>) -> Result<VideoRepair, SessionError> {
    let parameters = video.get_parameters().await.map_err(SessionError::webrtc("reading the video sender"))?;
    let codecs = &parameters.rtp_parameters.codecs;
    let flexfec = codecs.iter().any(|c| c.rtp_codec.mime_type.eq_ignore_ascii_case(MIME_TYPE_FLEX_FEC03));
    Ok(if flexfec { VideoRepair::Negotiated } else { VideoRepair::Absent })
}
