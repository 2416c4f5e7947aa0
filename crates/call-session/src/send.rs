//! The sending half: the rate controller turns the estimate into settings every 200 ms, the video pump
//! encodes pictures at the rung it is given (a keyframe when the far end asks, rate-limited), the audio pump
//! encodes speech frames. Each pump writes samples to its track and counts what it sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use eclinic_call::rate::{REEVALUATE_EVERY, RateControl};
use eclinic_media::MediaError;
use eclinic_media::allocator::{Allocation, LinkStats, VideoRepair};
use eclinic_media::audio::opus_codec::VoiceEncoder;
use eclinic_media::audio::{AudioSource, samples_per_ms};
use eclinic_media::video::h264::H264Encoder;
use eclinic_media::video::{I420Frame, KeyframeGate, StillPhoto, VideoSource};
use rtc::media::Sample;
use tokio::sync::{mpsc, watch};
use tokio::time::MissedTickBehavior;
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::peer_connection::{PeerConnection, RTCStatsReportEntry, StatsSelector};
use webrtc::rtp_transceiver::RtpSender;

use crate::SessionError;
use crate::estimate::EstimateHandle;
use crate::hooks::CallObserver;
use crate::shared::Shared;

/// What the allocator may hand out of the estimate (it takes packet headers and repair packets out of its
/// share itself): the rest is left for retransmissions, RTCP and the data channel, which would otherwise
/// queue behind media sent at the full estimate. At 85 % the wire carried 79-85 % of steady links in the
/// link lab; at 92 %, 82-88 %, with EDGE's freezes and latency within their run-to-run spread.
const MEDIA_SHARE_OF_ESTIMATE: f64 = 0.92;
/// At most one keyframe per this long, however many PLIs arrive.
const MIN_KEYFRAME_INTERVAL_MS: u64 = 1_000;

/// The round trip of the ICE pair in use (STUN-measured; webrtc-rs 0.21.1 leaves the RTCP-based one at 0).
async fn ice_round_trip_ms(connection: &Arc<dyn PeerConnection>) -> Option<u32> {
    let report = connection.get_stats(Instant::now(), StatsSelector::None).await;
    let pair = report.transport().and_then(|t| report.get(&t.selected_candidate_pair_id))?;
    match pair {
        RTCStatsReportEntry::IceCandidatePair(pair) if pair.current_round_trip_time > 0.0 => {
            Some((pair.current_round_trip_time * 1_000.0).round() as u32)
        }
        _ => None,
    }
}

/// Re-decides the media settings from the estimate until `stop`, and keeps the round trip the NACK spacing
/// reads up to date.
pub(crate) async fn control_rate(
    connection: Arc<dyn PeerConnection>,
    repair: VideoRepair,
    estimate: EstimateHandle,
    round_trip_ms: Arc<AtomicU32>,
    shared: Arc<Shared>,
    settings: watch::Sender<Option<Allocation>>,
    stop: Arc<AtomicBool>,
) {
    let mut control = RateControl::new(repair);
    let mut ticker = tokio::time::interval(REEVALUATE_EVERY);
    while !stop.load(Ordering::Relaxed) {
        ticker.tick().await;
        if let Some(rtt_ms) = ice_round_trip_ms(&connection).await {
            shared.set_rtt_ms(rtt_ms);
            round_trip_ms.store(rtt_ms, Ordering::Relaxed);
        }
        let target = estimate.target_bps();
        let loss = estimate.loss();
        let rtt_ms = shared.rtt_ms();
        shared.meter(|m| {
            m.handle_estimate(target);
            m.handle_link(rtt_ms, loss);
        });
        let stats = LinkStats { loss: loss as f32, rtt_ms: rtt_ms.unwrap_or(0) };
        control.handle_tick(shared.elapsed(), (target * MEDIA_SHARE_OF_ESTIMATE) as u32, &stats);
        if let Some(allocation) = control.poll_allocation() {
            tracing::debug!(target_bps = target, ?allocation, "media settings");
            settings.send_replace(Some(allocation));
        }
    }
}

/// Where a pump's samples go: its track, with the SSRC and the payload type the negotiation settled on.
pub(crate) struct SampleSink {
    track: Arc<TrackLocalStaticSample>,
    ssrc: u32,
    payload_type: u8,
}

impl SampleSink {
    pub(crate) async fn negotiated(
        track: Arc<TrackLocalStaticSample>,
        sender: &Arc<dyn RtpSender>,
    ) -> Result<Self, SessionError> {
        let parameters = sender.get_parameters().await.map_err(SessionError::webrtc("reading the sender"))?;
        let payload_type = parameters.rtp_parameters.codecs.first().map(|c| c.payload_type);
        let ssrc = track.ssrcs().await.first().copied();
        match (ssrc, payload_type) {
            (Some(ssrc), Some(payload_type)) => Ok(Self { track, ssrc, payload_type }),
            _ => Err(SessionError::Description("a media section was not negotiated".to_owned())),
        }
    }

    async fn send(&self, data: Vec<u8>, duration: Duration) -> Result<(), SessionError> {
        let sample = Sample { data: Bytes::from(data), duration, ..Sample::new(Instant::now()) };
        self.track
            .sample_writer(self.ssrc, self.payload_type)
            .write_sample(&sample)
            .await
            .map_err(SessionError::webrtc("sending media"))
    }
}

/// What the call asks of the camera besides pictures.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CameraRequest {
    /// A full-resolution still, answered on the pump's stills channel.
    Still,
    /// Digital zoom in percent (100 = none), applied to every picture from now on.
    Zoom(u16),
    /// The next camera in turn.
    Switch,
}

/// The cameras this end has besides the one it starts with (the kiosk may have a room camera and a handheld
/// one); the far end switches between them in turn. Each opens only when switched to.
pub trait OtherCameras: Send {
    /// How many cameras there are in all, the first included.
    fn count(&self) -> usize;
    /// Opens the next camera in turn (after the last, the first again).
    fn open_next(&mut self) -> Result<Box<dyn VideoSource>, MediaError>;
}

/// The camera side of the video pump: its source and the others, the zoom in force, and where stills go.
pub(crate) struct Camera {
    pub source: Box<dyn VideoSource>,
    pub others: Option<Box<dyn OtherCameras>>,
    pub requests: mpsc::UnboundedReceiver<CameraRequest>,
    pub stills: mpsc::UnboundedSender<Result<StillPhoto, MediaError>>,
    pub zoom: u16,
    /// The source failed on its last picture (a glitching USB camera): told once, not every frame.
    pub failing: bool,
}

/// What the camera gave for one tick of the pump.
enum Picture {
    Frame(I420Frame),
    /// A finite source (a file) ended.
    Ended,
    /// No picture this time; the camera may come back.
    Missed,
}

impl Camera {
    /// The next camera replaces this one once it is open; one that does not open leaves this one sending.
    fn switch(&mut self) {
        let Some(others) = &mut self.others else {
            tracing::info!("the far end asked for another camera; this end has one");
            return;
        };
        match others.open_next() {
            Ok(source) => self.source = source,
            Err(e) => tracing::warn!(error = %e, "the next camera did not open; the current one goes on"),
        }
    }

    /// The next picture. A camera that fails is tried again at the next tick rather than ending the video
    /// for the rest of the call.
    fn take_picture(&mut self) -> Picture {
        match self.next_picture() {
            Ok(picture) => {
                if std::mem::take(&mut self.failing) {
                    tracing::info!("the camera gives pictures again");
                }
                picture.map_or(Picture::Ended, Picture::Frame)
            }
            Err(e) => {
                if !std::mem::replace(&mut self.failing, true) {
                    tracing::warn!(error = %e, "the camera gave no picture; trying again at each frame");
                }
                Picture::Missed
            }
        }
    }

    /// Serves the requests made since the last picture, then gives the next picture, zoomed.
    fn next_picture(&mut self) -> Result<Option<I420Frame>, MediaError> {
        while let Ok(request) = self.requests.try_recv() {
            match request {
                // The call may have ended meanwhile: then nobody wants the still.
                CameraRequest::Still => drop(self.stills.send(self.source.capture_still())),
                CameraRequest::Zoom(percent) => self.zoom = percent,
                CameraRequest::Switch => self.switch(),
            }
        }
        match self.source.next_frame()? {
            Some(frame) => Ok(Some(frame.zoomed(self.zoom)?)),
            None => Ok(None),
        }
    }
}

/// Encodes and sends pictures until `stop` or the end of a finite source. Audio-only settings pause it.
pub(crate) async fn pump_video(
    mut camera: Camera,
    sink: SampleSink,
    mut settings: watch::Receiver<Option<Allocation>>,
    keyframe_requests: Arc<AtomicU64>,
    observer: Arc<dyn CallObserver>,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
) -> Result<(), SessionError> {
    let mut encoder: Option<H264Encoder> = None;
    let mut requests_seen = 0;
    let mut last_sent: Option<Instant> = None;
    let mut fps = camera.source.format().fps.max(1);
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / fps);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    while !stop.load(Ordering::Relaxed) {
        ticker.tick().await;
        let video = (*settings.borrow_and_update()).and_then(|a| a.video);
        let Some(mut video) = video else {
            encoder = None;
            // The self-view goes on while the link carries voice only.
            match camera.take_picture() {
                Picture::Frame(frame) => observer.picture_sent(&frame),
                Picture::Ended => return Ok(()),
                Picture::Missed => {}
            }
            continue;
        };
        // Read each time: a switch may bring a camera with another format.
        let source_format = camera.source.format();
        video.rung = video.rung.fitted_to(source_format.width, source_format.height);
        // A source gives no more pictures a second than its own rate (a synthetic one would make them up).
        video.rung.fps = video.rung.fps.min(source_format.fps.max(1));
        match &mut encoder {
            Some(e) if e.rung() == video.rung => {
                if e.bitrate_bps() != video.bitrate_bps {
                    e.set_bitrate(video.bitrate_bps)?;
                }
            }
            slot => {
                *slot =
                    Some(H264Encoder::new(video.rung, video.bitrate_bps, KeyframeGate::new(MIN_KEYFRAME_INTERVAL_MS))?);
            }
        }
        let Some(encoder) = encoder.as_mut() else { continue };
        if video.rung.fps != fps {
            fps = video.rung.fps.max(1);
            ticker = tokio::time::interval(Duration::from_secs(1) / fps);
            ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        }
        let requests = keyframe_requests.load(Ordering::Relaxed);
        if requests != requests_seen {
            requests_seen = requests;
            encoder.request_keyframe();
        }
        let frame = match camera.take_picture() {
            Picture::Frame(frame) => frame,
            Picture::Ended => return Ok(()),
            // The far end keeps its last picture and its references: the stream just pauses.
            Picture::Missed => continue,
        };
        observer.picture_sent(&frame);
        if !shared.link_up() {
            // The far end will have lost its reference pictures: start again from a keyframe.
            encoder.request_keyframe();
            continue;
        }
        let now_ms = shared.elapsed().as_millis() as u64;
        let Some(encoded) = encoder.encode(&frame, now_ms)? else { continue };
        let now = Instant::now();
        let duration = last_sent.map_or(Duration::from_secs(1) / fps, |last| now - last);
        last_sent = Some(now);
        let bytes = encoded.annex_b.len();
        if encoded.keyframe {
            // A keyframe is several frames' worth of bits at once: on a slow link, a likely freeze.
            tracing::info!(
                "keyframe of {bytes} bytes at {}x{}, {} kb/s",
                video.rung.width,
                video.rung.height,
                video.bitrate_bps / 1000
            );
        }
        sink.send(encoded.annex_b, duration).await?;
        shared.meter(|m| m.handle_sent(bytes));
    }
    Ok(())
}

/// Encodes and sends speech frames until `stop` or the end of a finite source.
pub(crate) async fn pump_audio(
    mut source: Box<dyn AudioSource>,
    sink: SampleSink,
    mut settings: watch::Receiver<Option<Allocation>>,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
) -> Result<(), SessionError> {
    let mut encoder: Option<VoiceEncoder> = None;
    let mut frame_ms = 20;
    let mut ticker = tokio::time::interval(Duration::from_millis(u64::from(frame_ms)));
    let mut pcm = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        ticker.tick().await;
        let Some(allocation) = *settings.borrow_and_update() else { continue };
        match &mut encoder {
            Some(e) if e.settings() == allocation.audio => {}
            Some(e) => e.reconfigure(allocation.audio)?,
            slot => *slot = Some(VoiceEncoder::new(allocation.audio)?),
        }
        let Some(encoder) = encoder.as_mut() else { continue };
        if allocation.audio.frame_ms != frame_ms {
            frame_ms = allocation.audio.frame_ms;
            ticker = tokio::time::interval(Duration::from_millis(u64::from(frame_ms)));
        }
        pcm.resize(samples_per_ms(frame_ms), 0);
        if source.read(&mut pcm)? < pcm.len() {
            return Ok(());
        }
        if !shared.link_up() {
            continue;
        }
        let packet = encoder.encode(&pcm)?;
        let bytes = packet.len();
        sink.send(packet, Duration::from_millis(u64::from(frame_ms))).await?;
        shared.meter(|m| m.handle_sent(bytes));
    }
    Ok(())
}
