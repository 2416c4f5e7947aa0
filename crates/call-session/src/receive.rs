//! The receiving half: each remote track's RTP into pictures or speech through the sans-IO reassemblers,
//! decoded, measured (frame rate, freezes, glass-to-glass latency from stamped pictures, concealment) and
//! optionally recorded. A picture that cannot be repaired sends a PLI back.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use eclinic_call::audio_rx::AudioReceiver;
use eclinic_call::video_rx::{VideoEvent, VideoReassembler};
use eclinic_media::audio::WavWriter;
use eclinic_media::video::h264::H264Decoder;
use eclinic_media::video::stamp::read_stamp;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp::packet::Packet;
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};

use crate::SessionError;
use crate::hooks::CallObserver;
use crate::recorder::{VideoRecorder, audio_recorder};
use crate::shared::Shared;

/// How long a picture with a missing packet waits for its retransmission before it is given up: a NACK
/// (sent every 100 ms) and its answer take one round trip and a little; until the round trip is known, as
/// long as EDGE's would need.
const RETRANSMISSION_WAIT: Duration = Duration::from_millis(700);
const RETRANSMISSION_WAIT_BEYOND_RTT: Duration = Duration::from_millis(150);
const SHORTEST_RETRANSMISSION_WAIT: Duration = Duration::from_millis(200);

fn retransmission_wait(rtt_ms: Option<u32>) -> Duration {
    rtt_ms.map_or(RETRANSMISSION_WAIT, |rtt| {
        (Duration::from_millis(u64::from(rtt)) + RETRANSMISSION_WAIT_BEYOND_RTT)
            .clamp(SHORTEST_RETRANSMISSION_WAIT, RETRANSMISSION_WAIT)
    })
}
/// How often a waiting picture is looked at again when no packet arrives.
const REASSEMBLY_TICK: Duration = Duration::from_millis(50);
/// The nominal rate written into a recording's header; the pictures are written as they arrived.
const RECORDED_FPS: u32 = 15;
/// RTP header bytes, counted with the payload in the receive rate.
const RTP_HEADER_BYTES: usize = 12;

fn unix_now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Receives one remote track until it ends.
pub(crate) async fn receive_track(
    track: Arc<dyn TrackRemote>,
    shared: Arc<Shared>,
    observer: Arc<dyn CallObserver>,
    record_dir: Option<PathBuf>,
) -> Result<(), SessionError> {
    match track.kind().await {
        RtpCodecKind::Video => {
            let recorder = record_dir.map(|dir| VideoRecorder::new(&dir, RECORDED_FPS));
            receive_video(track, shared, VideoSink { decoder: H264Decoder::new()?, observer, recorder }).await
        }
        RtpCodecKind::Audio => {
            let recorder = record_dir.map(|dir| audio_recorder(&dir)).transpose()?;
            receive_audio(track, shared, observer, recorder).await
        }
        _ => Ok(()),
    }
}

struct VideoSink {
    decoder: H264Decoder,
    observer: Arc<dyn CallObserver>,
    recorder: Option<VideoRecorder>,
}

impl VideoSink {
    /// Decodes and shows a picture; false when the decoder refused it (its references are broken).
    fn picture(&mut self, annex_b: &[u8], shared: &Shared) -> Result<bool, SessionError> {
        let frame = match self.decoder.decode(annex_b, 0) {
            Ok(Some(frame)) => frame,
            Ok(None) => return Ok(true),
            Err(error) => {
                tracing::info!("a received picture did not decode ({error}); waiting for a keyframe");
                return Ok(false);
            }
        };
        let now_ms = unix_now_ms();
        let latency = read_stamp(&frame, now_ms).map(|stamp| now_ms.saturating_sub(stamp.capture_ms) as u32);
        shared.meter(|m| m.handle_picture(shared.elapsed(), frame.width(), frame.height(), latency));
        self.observer.picture_received(&frame);
        if let Some(recorder) = &mut self.recorder {
            recorder.write(&frame)?;
        }
        Ok(true)
    }
}

async fn receive_video(
    track: Arc<dyn TrackRemote>,
    shared: Arc<Shared>,
    mut sink: VideoSink,
) -> Result<(), SessionError> {
    let mut reassembler = VideoReassembler::new(RETRANSMISSION_WAIT);
    let mut media_ssrc = 0;
    let mut tick = tokio::time::interval(REASSEMBLY_TICK);
    loop {
        tokio::select! {
            event = track.poll() => match event {
                Some(TrackRemoteEvent::OnRtpPacket(packet)) => {
                    media_ssrc = packet.header.ssrc;
                    shared.meter(|m| m.handle_received(packet.payload.len() + RTP_HEADER_BYTES));
                    reassembler.handle_packet(shared.elapsed(), &packet);
                }
                Some(TrackRemoteEvent::OnEnded) | None => return Ok(()),
                Some(_) => {}
            },
            _ = tick.tick() => {
                reassembler.set_wait(retransmission_wait(shared.rtt_ms()));
                reassembler.handle_timeout(shared.elapsed());
            }
        }
        while let Some(event) = reassembler.poll_event() {
            match event {
                VideoEvent::Picture { annex_b, .. } => {
                    if !sink.picture(&annex_b, &shared)? {
                        reassembler.handle_undecodable(shared.elapsed());
                    }
                }
                VideoEvent::RequestKeyframe if media_ssrc != 0 => {
                    let pli = PictureLossIndication { sender_ssrc: 0, media_ssrc };
                    // A lost PLI is repeated by the reassembler; a closed track ends the loop on its next poll.
                    let _ = track.write_rtcp(vec![Box::new(pli)]).await;
                }
                VideoEvent::RequestKeyframe => {}
            }
        }
    }
}

async fn receive_audio(
    track: Arc<dyn TrackRemote>,
    shared: Arc<Shared>,
    observer: Arc<dyn CallObserver>,
    mut recorder: Option<WavWriter>,
) -> Result<(), SessionError> {
    let mut receiver = AudioReceiver::new()?;
    let mut pcm = Vec::new();
    while let Some(event) = track.poll().await {
        let packet: Packet = match event {
            TrackRemoteEvent::OnRtpPacket(packet) => packet,
            TrackRemoteEvent::OnEnded => break,
            _ => continue,
        };
        shared.meter(|m| m.handle_received(packet.payload.len() + RTP_HEADER_BYTES));
        pcm.clear();
        receiver.handle_packet(&packet, &mut pcm);
        let counters = receiver.counters();
        shared.meter(|m| m.handle_audio(counters));
        observer.speech_received(&pcm);
        if let Some(recorder) = &mut recorder {
            recorder.write(&pcm)?;
        }
    }
    if let Some(recorder) = recorder {
        recorder.finish()?;
    }
    Ok(())
}
