//! What a call negotiates and how its packets are treated: H.264 constrained baseline (packetization mode 1)
//! with NACK and PLI; Opus with in-band FEC; transport-wide congestion feedback into our estimator; and the
//! tap that hands keyframe requests to the encoder.
//!
//! Lost video packets are resent on the media SSRC, not as RTX: in webrtc-rs 0.21.1 the NACK generator never
//! marks a packet recovered through RTX as received and keeps asking for it, which on a slow link spends
//! the bandwidth the retransmission was meant to save.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use rtc::interceptor::{NackGeneratorBuilder, NackResponderBuilder, Registry, Slot};
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::interceptor_registry::{
    CongestionFeedback, configure_congestion_control, register_default_interceptors,
};
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_H264, MIME_TYPE_OPUS, MediaEngine};
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;

use crate::SessionError;
use crate::estimate::{EstimateHandle, PublishingEstimator};
use crate::pass_through::{KEYFRAME_TAP_SLOT, PassThrough};

const H264_PAYLOAD_TYPE: u8 = 102;
const OPUS_PAYLOAD_TYPE: u8 = 111;
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

/// The negotiation and packet pipeline of one peer connection.
pub(crate) struct Engine {
    pub(crate) media_engine: MediaEngine,
    pub(crate) registry: Registry,
    pub(crate) estimate: EstimateHandle,
    pub(crate) keyframe_requests: Arc<AtomicU64>,
}

pub(crate) fn engine() -> Result<Engine, SessionError> {
    let mut media_engine = MediaEngine::default();
    for (codec, payload_type, kind) in
        [(h264(), H264_PAYLOAD_TYPE, RtpCodecKind::Video), (opus(), OPUS_PAYLOAD_TYPE, RtpCodecKind::Audio)]
    {
        media_engine
            .register_codec(RTCRtpCodecParameters { rtp_codec: codec, payload_type }, kind)
            .map_err(SessionError::webrtc("registering a codec"))?;
    }
    let (estimator, estimate) = PublishingEstimator::new(MAX_BPS);
    let registry =
        configure_congestion_control(Registry::new(), estimator, CongestionFeedback::Twcc, &mut media_engine)
            .map_err(SessionError::webrtc("congestion control"))?;
    let registry =
        register_default_interceptors(registry, &mut media_engine).map_err(SessionError::webrtc("interceptors"))?;
    // Retransmission only helps while the picture can still use it: after a radio outage the default logs
    // (512 received, 1024 sent packets) made both ends re-request and resend seconds of stale video, which
    // queued ahead of the live picture for as long again. A short memory and three tries per packet.
    let registry = registry
        .with(
            Slot::NackGenerator,
            NackGeneratorBuilder::new().with_size(NACK_LOG_PACKETS).with_max_nacks_per_packet(3).build(),
        )
        .with(Slot::NackResponder, NackResponderBuilder::new().with_size(NACK_LOG_PACKETS).build());
    let (tap, keyframe_requests) = PassThrough::counting_keyframe_requests();
    // No pacer: it releases at the estimate and never drops, so after a capacity drop or an outage it held
    // seconds of stale media (12 s of glass-to-glass in the link lab). The encoders follow the estimate
    // themselves; a keyframe's burst waits in the radio's own buffer instead.
    let registry = registry.with(Slot::from(KEYFRAME_TAP_SLOT), tap).with(Slot::Pacer, PassThrough::default());
    Ok(Engine { media_engine, registry, estimate, keyframe_requests })
}

/// A sample track for this end's camera or microphone.
pub(crate) fn local_track(kind: RtpCodecKind, ssrc: u32) -> Result<Arc<TrackLocalStaticSample>, SessionError> {
    let (codec, name) = match kind {
        RtpCodecKind::Video => (h264(), "video"),
        _ => (opus(), "audio"),
    };
    let coding = RTCRtpEncodingParameters {
        rtp_coding_parameters: RTCRtpCodingParameters { ssrc: Some(ssrc), ..Default::default() },
        codec,
        ..Default::default()
    };
    let track = MediaStreamTrack::new("eclinic".to_owned(), name.to_owned(), name.to_owned(), kind, vec![coding]);
    TrackLocalStaticSample::new(Instant::now(), track).map(Arc::new).map_err(SessionError::webrtc("a local track"))
}
