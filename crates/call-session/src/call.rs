//! A whole call: negotiation (the kiosk offers, the doctor answers), then media both ways once DTLS-SRTP is
//! up, the data channel beside it, statistics every second, and an orderly end with each side's quality
//! summary sent to the other.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use eclinic_call::channel::{CameraCommand, Message};
use eclinic_call::meter::{CallSummary, SecondStats};
use eclinic_call::reconnect::LinkState;
use eclinic_media::audio::AudioSource;
use eclinic_media::video::VideoSource;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use webrtc::data_channel::{DataChannel, DataChannelEvent, RTCDataChannelState};
use webrtc::peer_connection::RTCPeerConnectionState;

use crate::SessionError;
use crate::connecting::{Connecting, close, open_channel};
use crate::hooks::{CallCommand, CallHooks, CallObserver};
use crate::peer::{NetworkSetup, Peer, PeerEvent};
use crate::photos::PhotoExchange;
use crate::receive::receive_track;
use crate::restart::IceRestart;
use crate::send::{Camera, CameraRequest, OtherCameras, SampleSink, control_rate, pump_audio, pump_video};
use crate::shared::Shared;

/// How long the end of a call waits for the far end's summary and for the receivers to finish.
const CLOSING_LIMIT: Duration = Duration::from_secs(3);
/// Messages the application may send before the data channel is there.
const OUTBOX_LIMIT: usize = 256;
/// Photos the far end may have asked for and not yet received: more requests wait until these are sent.
const FAR_END_PHOTOS_LIMIT: usize = 3;

/// What this end sends.
pub struct Media {
    pub video: Box<dyn VideoSource>,
    pub audio: Box<dyn AudioSource>,
    /// Where to write what was received (`received.y4m`, `received.wav`).
    pub record_dir: Option<PathBuf>,
    /// Whether the far end may zoom this end's camera, switch it and take photos with it: the kiosk's, for the
    /// doctor; never the doctor's, which looks into a home.
    pub camera_for_far_end: bool,
    /// The cameras besides `video`, when there are any.
    pub other_cameras: Option<Box<dyn OtherCameras>>,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Media({:?}, recording to {:?})", self.video.format(), self.record_dir)
    }
}

/// How the call went.
#[derive(Debug, Clone)]
pub struct CallReport {
    /// From the start of negotiation to `Connected`.
    pub connect_ms: u64,
    pub seconds: Vec<SecondStats>,
    pub summary: CallSummary,
    /// The far end's summary of what it received, when it arrived before the call closed.
    pub remote_summary: Option<Message>,
    pub vitals_received: u32,
    /// Times the connection went `Disconnected` (or `Failed`) and came back.
    pub reconnections: u32,
    /// ICE restarts this end offered.
    pub ice_restarts: u32,
}

pub struct Call {
    peer: Peer,
    media: Media,
    channel: Option<Arc<dyn DataChannel>>,
    /// For a fresh connection when this one cannot be set up.
    network: NetworkSetup,
    started: Instant,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Call({:?})", self.media)
    }
}

/// Reads the data channel into the call's loop, showing each message to the observer; undecodable frames
/// are dropped (and logged), never fatal.
fn read_channel(
    channel: Arc<dyn DataChannel>,
    messages: mpsc::UnboundedSender<Message>,
    observer: Arc<dyn CallObserver>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(event) = channel.poll().await {
            match event {
                DataChannelEvent::OnMessage(message) => match Message::decode(&message.data) {
                    Ok(decoded) => {
                        observer.message(&decoded);
                        let _ = messages.send(decoded);
                    }
                    Err(e) => tracing::warn!(error = %e, "dropped a data-channel frame"),
                },
                DataChannelEvent::OnClose => break,
                _ => {}
            }
        }
    })
}

async fn send_message(channel: &Arc<dyn DataChannel>, message: &Message) {
    match message.encode() {
        Ok(frame) => {
            // The channel is unavailable before it opens and after the far end left; the message is then
            // not needed any more (vitals are live, the summary is informative).
            let _ = channel.send(BytesMut::from(&frame[..])).await;
        }
        Err(e) => tracing::warn!(error = %e, "a data-channel message did not encode"),
    }
}

impl Call {
    pub async fn new(network: &NetworkSetup, media: Media) -> Result<Self, SessionError> {
        let peer = Peer::new(network).await?;
        Ok(Self { peer, media, channel: None, network: network.clone(), started: Instant::now() })
    }

    /// The offer, with every candidate gathered; the offerer opens the data channel.
    pub async fn offer(&mut self) -> Result<String, SessionError> {
        self.channel = Some(open_channel(&self.peer).await?);
        self.peer.offer().await
    }

    /// The answer to `offer_sdp`, with every candidate gathered.
    pub async fn answer(&mut self, offer_sdp: &str) -> Result<String, SessionError> {
        self.peer.answer(offer_sdp).await
    }

    /// The offerer again: the far end's answer.
    pub async fn accept_answer(&mut self, answer_sdp: &str) -> Result<(), SessionError> {
        self.peer.accept_answer(answer_sdp).await
    }

    /// Closes a call that will not be run (the answer never came, the consult ended first): its connection
    /// and sockets are released now rather than left to webrtc-rs's driver task.
    pub async fn close(self) {
        close(&self.peer).await;
    }

    /// Runs the call once connected, for `length` or until hung up through `hooks`, calling `on_second`
    /// with each second's statistics.
    pub async fn run(
        self,
        length: Duration,
        hooks: CallHooks,
        mut on_second: impl FnMut(&SecondStats),
    ) -> Result<CallReport, SessionError> {
        let Self { peer, media, channel, network, started } = self;
        let CallHooks { observer, mut commands, signalling } = hooks;
        // The offering end is the one that opened the data channel.
        let offerer = channel.is_some();
        let shared = Arc::new(Shared::new());
        let (messages_tx, mut messages) = mpsc::unbounded_channel();
        let mut incoming = Incoming {
            shared: Arc::clone(&shared),
            record_dir: media.record_dir.clone(),
            messages: messages_tx,
            observer: Arc::clone(&observer),
            channel: None,
            tasks: Vec::new(),
            receivers: Vec::new(),
        };
        if let Some(channel) = channel {
            incoming.data_channel(channel);
        }

        let connecting = Connecting { network: &network, offerer, signalling: signalling.clone() };
        let (mut peer, held) = match connecting.connect(peer, &mut incoming, &mut commands).await {
            Ok(connected) => connected,
            Err(e) => {
                incoming.finish().await;
                return Err(e);
            }
        };
        // What the application asked while connecting is taken first.
        let mut held = VecDeque::from(held);
        let mut ice_restart = IceRestart::new(offerer, signalling);
        let connect_ms = started.elapsed().as_millis() as u64;
        shared.start_clock();

        // DTLS-SRTP is up: only now does media start.
        let stop = Arc::new(AtomicBool::new(false));
        let (settings_tx, settings) = watch::channel(None);
        let video_sink = SampleSink::negotiated(Arc::clone(&peer.video.0), &peer.video.1).await?;
        let audio_sink = SampleSink::negotiated(Arc::clone(&peer.audio.0), &peer.audio.1).await?;
        let repair = crate::engine::negotiated_repair(&peer.video.1).await?;
        tracing::info!(?repair, "video's repair stream");
        incoming.tasks.push(tokio::spawn(control_rate(
            Arc::clone(&peer.connection),
            repair,
            peer.estimate.clone(),
            Arc::clone(&peer.round_trip_ms),
            Arc::clone(&shared),
            settings_tx,
            Arc::clone(&stop),
        )));
        let (camera_requests, requests) = mpsc::unbounded_channel();
        let (stills_tx, mut stills) = mpsc::unbounded_channel();
        let camera_for_far_end = media.camera_for_far_end;
        let mut outbox = VecDeque::new();
        if camera_for_far_end {
            let count = media.other_cameras.as_ref().map_or(1, |others| others.count());
            outbox.push_back(Message::Cameras { count: u8::try_from(count).unwrap_or(u8::MAX) });
        }
        let camera = Camera {
            source: media.video,
            others: media.other_cameras,
            requests,
            stills: stills_tx,
            zoom: 100,
            failing: false,
        };
        // Stills asked of the camera and not yet taken.
        let mut stills_asked = 0usize;
        let mut photos = PhotoExchange::new(Arc::clone(&observer));
        let pumps = [
            tokio::spawn(pump_video(
                camera,
                video_sink,
                settings.clone(),
                Arc::clone(&peer.keyframe_requests),
                Arc::clone(&observer),
                Arc::clone(&shared),
                Arc::clone(&stop),
            )),
            tokio::spawn(pump_audio(media.audio, audio_sink, settings, Arc::clone(&shared), Arc::clone(&stop))),
        ];

        let mut seconds = Vec::new();
        let mut remote_summary = None;
        let mut vitals_received = 0;
        let mut reconnections = 0;
        let mut disconnected = false;
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        while shared.elapsed() < length {
            tokio::select! {
                event = peer.events.recv() => match event {
                    Some(PeerEvent::Gathered) => {
                        if let Some(restart) = &mut ice_restart {
                            warn_on_error(restart.handle_gathered(&peer).await, "sending the ICE restart's description");
                        }
                    }
                    event => {
                        let link = match event.and_then(|e| incoming.handle(e)) {
                            Some(RTCPeerConnectionState::Disconnected) => Some(LinkState::Down),
                            // Only an ICE restart brings a failed connection back.
                            Some(RTCPeerConnectionState::Failed) if ice_restart.is_some() => Some(LinkState::Down),
                            Some(RTCPeerConnectionState::Connected) if disconnected => {
                                reconnections += 1;
                                Some(LinkState::Up)
                            }
                            Some(RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed) => break,
                            _ => None,
                        };
                        if let Some(link) = link {
                            disconnected = link == LinkState::Down;
                            shared.set_link_up(!disconnected);
                            if let Some(restart) = &mut ice_restart {
                                restart.handle_state(shared.elapsed(), link);
                            }
                        }
                    }
                },
                Some(message) = messages.recv() => match message {
                    Message::Vital(_) => vitals_received += 1,
                    summary @ Message::QualitySummary { .. } => remote_summary = Some(summary),
                    Message::Camera(command) if !camera_for_far_end => {
                        tracing::info!(?command, "ignored the far end's camera command: this camera is not theirs");
                    }
                    Message::Camera(CameraCommand::TakePhoto) => {
                        if stills_asked + photos.queued() < FAR_END_PHOTOS_LIMIT {
                            stills_asked += 1;
                            let _ = camera_requests.send(CameraRequest::Still);
                        } else {
                            tracing::info!("the far end asked for another photo while {FAR_END_PHOTOS_LIMIT} were on their way");
                        }
                    }
                    Message::Camera(CameraCommand::Zoom(percent)) => {
                        let _ = camera_requests.send(CameraRequest::Zoom(percent));
                    }
                    Message::Camera(CameraCommand::Switch) => {
                        let _ = camera_requests.send(CameraRequest::Switch);
                    }
                    other => photos.handle_message(shared.elapsed_ms(), &other),
                },
                Some(command) = next_command(&mut held, &mut commands) => match command {
                    CallCommand::Send(message) => {
                        if outbox.len() == OUTBOX_LIMIT {
                            tracing::warn!("the data channel never came: dropped the oldest message waiting for it");
                            outbox.pop_front();
                        }
                        outbox.push_back(message);
                    }
                    CallCommand::TakePhoto => {
                        stills_asked += 1;
                        let _ = camera_requests.send(CameraRequest::Still);
                    }
                    CallCommand::HangUp => break,
                    CallCommand::RemoteDescription(description) => match &mut ice_restart {
                        Some(restart) => warn_on_error(
                            restart.handle_remote(&peer, description).await,
                            "taking the far end's ICE restart",
                        ),
                        None => tracing::warn!("a description during the call, but this call has no signalling"),
                    },
                },
                Some(still) = stills.recv() => {
                    stills_asked = stills_asked.saturating_sub(1);
                    match still {
                        Ok(still) => {
                            observer.photo_taken(&still);
                            photos.send(shared.elapsed_ms(), still.jpeg);
                        }
                        Err(e) => tracing::warn!(error = %e, "the camera did not take a photo"),
                    }
                }
                _ = tick.tick() => {
                    photos.handle_timeout(shared.elapsed_ms());
                    if let Some(restart) = &mut ice_restart {
                        warn_on_error(restart.poll(shared.elapsed(), &peer).await, "restarting ICE");
                    }
                    if let Some(second) = shared.meter(|m| m.poll_second(shared.elapsed())) {
                        on_second(&second);
                        seconds.push(second);
                    }
                }
            }
            // What the application sent waits until the channel is open: the answering end's arrives from the
            // far end, possibly after `Connected`; the offering end's opens after it.
            if let Some(channel) = &incoming.channel
                && matches!(channel.ready_state().await, Ok(RTCDataChannelState::Open))
            {
                while let Some(message) = outbox.pop_front().or_else(|| photos.poll_message()) {
                    send_message(channel, &message).await;
                }
            }
        }

        stop.store(true, Ordering::Relaxed);
        let summary = shared.meter(|m| m.summary());
        if let Some(channel) = &incoming.channel {
            send_message(channel, &quality_summary(&summary)).await;
        }
        let deadline = tokio::time::Instant::now() + CLOSING_LIMIT;
        while remote_summary.is_none() {
            match tokio::time::timeout_at(deadline, messages.recv()).await {
                Ok(Some(summary @ Message::QualitySummary { .. })) => remote_summary = Some(summary),
                Ok(Some(Message::Vital(_))) => vitals_received += 1,
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        for pump in pumps {
            match pump.await {
                Ok(Err(e)) => tracing::warn!(error = %e, "a media pump stopped"),
                Err(e) => tracing::warn!(error = %e, "a media pump panicked"),
                Ok(Ok(())) => {}
            }
        }
        peer.connection.close().await.map_err(SessionError::webrtc("closing"))?;
        incoming.finish().await;
        let ice_restarts = ice_restart.map_or(0, |restart| restart.restarts());
        Ok(CallReport { connect_ms, seconds, summary, remote_summary, vitals_received, reconnections, ice_restarts })
    }
}

/// The application's next command: those held while connecting first.
async fn next_command(
    held: &mut VecDeque<CallCommand>,
    commands: &mut mpsc::UnboundedReceiver<CallCommand>,
) -> Option<CallCommand> {
    match held.pop_front() {
        Some(command) => Some(command),
        None => commands.recv().await,
    }
}

/// A step of an ICE restart that went wrong is logged: the call goes on, and the next restart tries again.
fn warn_on_error(outcome: Result<(), SessionError>, what: &str) {
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "{what}");
    }
}

fn quality_summary(summary: &CallSummary) -> Message {
    Message::QualitySummary {
        seconds: summary.seconds,
        mean_kbps: summary.mean_receive_kbps as u32,
        freeze_ms: u32::try_from(summary.freeze_ms).unwrap_or(u32::MAX),
        audio_concealed_permille: (summary.audio_concealed_fraction * 1_000.0) as u16,
    }
}

/// What the far end opens towards this one: its tracks (each gets a receiver task) and its data channel.
pub(crate) struct Incoming {
    shared: Arc<Shared>,
    record_dir: Option<PathBuf>,
    messages: mpsc::UnboundedSender<Message>,
    observer: Arc<dyn CallObserver>,
    channel: Option<Arc<dyn DataChannel>>,
    tasks: Vec<JoinHandle<()>>,
    receivers: Vec<JoinHandle<()>>,
}

impl Incoming {
    pub(crate) fn data_channel(&mut self, channel: Arc<dyn DataChannel>) {
        self.tasks.push(read_channel(Arc::clone(&channel), self.messages.clone(), Arc::clone(&self.observer)));
        self.channel = Some(channel);
    }

    /// Takes in a track or channel; hands back a connection state change.
    pub(crate) fn handle(&mut self, event: PeerEvent) -> Option<RTCPeerConnectionState> {
        match event {
            PeerEvent::Track(track) => {
                let (shared, dir) = (Arc::clone(&self.shared), self.record_dir.clone());
                let observer = Arc::clone(&self.observer);
                self.receivers.push(tokio::spawn(async move {
                    if let Err(e) = receive_track(track, shared, observer, dir).await {
                        tracing::warn!(error = %e, "a receiver stopped");
                    }
                }));
                None
            }
            PeerEvent::DataChannel(channel) => {
                self.data_channel(channel);
                None
            }
            PeerEvent::State(state) => Some(state),
            PeerEvent::Gathered => None,
        }
    }

    /// After the connection closed: lets the receivers finish their recordings, stops the rest.
    async fn finish(self) {
        for receiver in self.receivers {
            let _ = tokio::time::timeout(CLOSING_LIMIT, receiver).await;
        }
        for task in self.tasks {
            task.abort();
        }
    }
}
