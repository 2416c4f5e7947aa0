//! One webrtc-rs peer connection set up for a consult: its engine, its tracks, its events as a stream, and
//! the offer/answer steps with full ICE gathering (the SDP carries every candidate, so one message each way
//! is the whole negotiation).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use eclinic_call::reconnect::RESTART_EVERY;
use rtc::peer_connection::configuration::RTCOfferOptions;
use rtc::peer_connection::configuration::setting_engine::SettingEngineBuilder;
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
use tokio::sync::mpsc;
use webrtc::data_channel::DataChannel;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceGatheringState,
    RTCIceServer, RTCIceTransportPolicy, RTCPeerConnectionState, RTCSessionDescription,
};
use webrtc::rtp_transceiver::RtpSender;

use crate::SessionError;
use crate::engine::{self, Engine};
use crate::estimate::EstimateHandle;

/// One attempt, from both descriptions set to a connection over a slow link: ICE checks and the DTLS
/// handshake. A handshake whose flights are lost dies within about nine seconds (seven resends at 1 s), so
/// an attempt not connected by then is started over (`eclinic_call::connect_attempts`).
const CONNECT_LIMIT: Duration = Duration::from_secs(15);
/// How long gathering may take: a TURN allocation over a slow link needs a few round trips.
const GATHERING_LIMIT: Duration = Duration::from_secs(20);
/// Consent freshness tuned for long-RTT, lossy links: a link silent for this long is `Disconnected` (media
/// pauses: anything sent into a dead path arrives late)...
const ICE_DISCONNECTED_AFTER: Duration = Duration::from_secs(3);
/// ...and only this long is `Failed`, so a 10 s radio outage is survived without renegotiating.
const ICE_FAILED_AFTER: Duration = Duration::from_secs(30);
const ICE_KEEPALIVE: Duration = Duration::from_secs(2);
const ICE_CHECK_INTERVAL: Duration = Duration::from_millis(200);
/// Checks of one candidate pair before it counts as failed: webrtc-rs gives up after 1.4 s, and an ICE
/// restart made during an outage would then stop checking before the link came back. Checking for as long
/// as a restart lasts (the next one comes after `RESTART_EVERY`) reconnects as soon as the link returns.
const ICE_CHECKS_PER_PAIR: u16 = (RESTART_EVERY.as_millis() / ICE_CHECK_INTERVAL.as_millis()) as u16;

/// A STUN or TURN server, as the signalling server hands them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: String,
    pub credential: String,
}

/// Where and how this end connects.
#[derive(Debug, Clone)]
pub struct NetworkSetup {
    pub ice_servers: Vec<IceServer>,
    /// Only TURN relay candidates (a kiosk behind a strict firewall, or the relay test).
    pub relay_only: bool,
    /// Local UDP addresses to gather host candidates on, e.g. `127.0.0.1:0`.
    pub bind: Vec<String>,
    /// How long ICE checks and the DTLS handshake of one attempt may take once both descriptions are set.
    /// webrtc-rs 0.21.1 never reports `Failed` for a certificate that does not match the signalled
    /// fingerprint, nor for a handshake that died (it just never completes), so this limit is what ends
    /// such an attempt.
    pub connect_limit: Duration,
}

impl NetworkSetup {
    /// Host candidates on loopback only: two peers on this machine.
    pub fn loopback() -> Self {
        Self {
            ice_servers: Vec::new(),
            relay_only: false,
            bind: vec!["127.0.0.1:0".to_owned()],
            connect_limit: CONNECT_LIMIT,
        }
    }
}

/// What the connection reports, in order.
pub(crate) enum PeerEvent {
    Gathered,
    State(RTCPeerConnectionState),
    Track(Arc<dyn TrackRemote>),
    DataChannel(Arc<dyn DataChannel>),
}

struct Events(mpsc::UnboundedSender<PeerEvent>);

#[async_trait]
impl PeerConnectionEventHandler for Events {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.0.send(PeerEvent::Gathered);
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.0.send(PeerEvent::State(state));
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let _ = self.0.send(PeerEvent::Track(track));
    }

    async fn on_data_channel(&self, channel: Arc<dyn DataChannel>) {
        let _ = self.0.send(PeerEvent::DataChannel(channel));
    }
}

pub(crate) struct Peer {
    pub(crate) connection: Arc<dyn PeerConnection>,
    pub(crate) events: mpsc::UnboundedReceiver<PeerEvent>,
    /// Events that arrived while waiting for another one, handed out before new ones.
    pub(crate) held_back: Vec<PeerEvent>,
    /// This end's camera and microphone tracks and their senders.
    pub(crate) video: (Arc<TrackLocalStaticSample>, Arc<dyn RtpSender>),
    pub(crate) audio: (Arc<TrackLocalStaticSample>, Arc<dyn RtpSender>),
    pub(crate) estimate: EstimateHandle,
    pub(crate) keyframe_requests: Arc<std::sync::atomic::AtomicU64>,
    pub(crate) round_trip_ms: Arc<std::sync::atomic::AtomicU32>,
}

fn random_ssrc() -> u32 {
    // The SSRC only has to differ between the streams of one call; the clock's low bits are enough.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    nanos | 0x1000_0000
}

async fn add_track(
    connection: &Arc<dyn PeerConnection>,
    track: Arc<TrackLocalStaticSample>,
) -> Result<(Arc<TrackLocalStaticSample>, Arc<dyn RtpSender>), SessionError> {
    let sender = connection
        .add_track(Arc::clone(&track) as Arc<dyn TrackLocal>)
        .await
        .map_err(SessionError::webrtc("adding a track"))?;
    Ok((track, sender))
}

impl Peer {
    pub(crate) async fn new(network: &NetworkSetup) -> Result<Self, SessionError> {
        let Engine { media_engine, registry, estimate, keyframe_requests, round_trip_ms } = engine::engine()?;
        let (events_tx, events) = mpsc::unbounded_channel();
        let ice_servers = network
            .ice_servers
            .iter()
            .map(|s| RTCIceServer {
                urls: s.urls.clone(),
                username: s.username.clone(),
                credential: s.credential.clone(),
            })
            .collect();
        let policy = if network.relay_only { RTCIceTransportPolicy::Relay } else { RTCIceTransportPolicy::All };
        let configuration =
            RTCConfigurationBuilder::new().with_ice_servers(ice_servers).with_ice_transport_policy(policy).build();
        let settings = SettingEngineBuilder::new()
            .with_ice_timeouts(Some(ICE_DISCONNECTED_AFTER), Some(ICE_FAILED_AFTER), Some(ICE_KEEPALIVE))
            .with_ice_connection_attempts(Some(ICE_CHECK_INTERVAL), Some(ICE_CHECKS_PER_PAIR))
            // A restart starts afresh: new sockets (the modem may have come back with another address) and
            // new TURN allocations (the relay may have lost the old ones), not the candidates that failed.
            .with_discard_local_candidates_during_ice_restart(true)
            .build();
        let connection = PeerConnectionBuilder::new()
            .with_configuration(configuration)
            .with_media_engine(media_engine)
            .with_setting_engine(settings)
            .with_interceptor_registry(registry)
            .with_handler(Arc::new(Events(events_tx)))
            .with_udp_addrs(network.bind.clone())
            .build()
            .await
            .map_err(SessionError::webrtc("building the peer connection"))?;
        let connection: Arc<dyn PeerConnection> = Arc::new(connection);
        let ssrc = random_ssrc();
        let video = add_track(&connection, engine::local_track(RtpCodecKind::Video, ssrc)?).await?;
        let audio = add_track(&connection, engine::local_track(RtpCodecKind::Audio, ssrc.wrapping_add(1))?).await?;
        Ok(Self { connection, events, held_back: Vec::new(), video, audio, estimate, keyframe_requests, round_trip_ms })
    }

    /// The next event, or an error when the connection is gone.
    pub(crate) async fn next_event(&mut self, limit: Duration, what: &'static str) -> Result<PeerEvent, SessionError> {
        if !self.held_back.is_empty() {
            return Ok(self.held_back.remove(0));
        }
        match tokio::time::timeout(limit, self.events.recv()).await {
            Ok(Some(event)) => Ok(event),
            Ok(None) => Err(SessionError::ConnectionFailed),
            Err(_) => Err(SessionError::Timeout(what)),
        }
    }

    /// Sets the local description; gathering its candidates starts, and `PeerEvent::Gathered` says when it is
    /// complete.
    pub(crate) async fn set_local(&self, description: RTCSessionDescription) -> Result<(), SessionError> {
        self.connection
            .set_local_description(description)
            .await
            .map_err(SessionError::webrtc("setting the local description"))
    }

    /// The local description with every candidate gathered so far.
    pub(crate) async fn local_sdp(&self) -> Result<String, SessionError> {
        let local = self.connection.local_description().await;
        local.map(|d| d.sdp).ok_or(SessionError::Description("no local description after gathering".to_owned()))
    }

    /// Sets the local description and waits until every candidate is in it.
    async fn gather(&mut self, description: RTCSessionDescription) -> Result<String, SessionError> {
        self.set_local(description).await?;
        let mut others = Vec::new();
        let outcome = loop {
            match self.next_event(GATHERING_LIMIT, "ICE gathering").await {
                Ok(PeerEvent::Gathered) => break Ok(()),
                Ok(other) => others.push(other),
                Err(e) => break Err(e),
            }
        };
        self.held_back.extend(others);
        outcome?;
        self.local_sdp().await
    }

    pub(crate) async fn offer(&mut self) -> Result<String, SessionError> {
        let offer = self.create_offer(false).await?;
        self.gather(offer).await
    }

    /// An offer; with `ice_restart`, with new ICE credentials (the connection re-gathers its candidates).
    pub(crate) async fn create_offer(&self, ice_restart: bool) -> Result<RTCSessionDescription, SessionError> {
        let options = ice_restart.then_some(RTCOfferOptions { ice_restart });
        self.connection.create_offer(options).await.map_err(SessionError::webrtc("creating the offer"))
    }

    pub(crate) async fn answer(&mut self, offer_sdp: &str) -> Result<String, SessionError> {
        let answer = self.create_answer(offer_sdp).await?;
        self.gather(answer).await
    }

    /// Takes the far end's offer (new ICE credentials in it restart ICE here too) and makes the answer.
    pub(crate) async fn create_answer(&self, offer_sdp: &str) -> Result<RTCSessionDescription, SessionError> {
        let offer =
            RTCSessionDescription::offer(offer_sdp.to_owned()).map_err(|e| SessionError::Description(e.to_string()))?;
        self.connection.set_remote_description(offer).await.map_err(|e| SessionError::Description(e.to_string()))?;
        self.connection.create_answer(None).await.map_err(SessionError::webrtc("creating the answer"))
    }

    pub(crate) async fn accept_answer(&self, answer_sdp: &str) -> Result<(), SessionError> {
        let answer = RTCSessionDescription::answer(answer_sdp.to_owned())
            .map_err(|e| SessionError::Description(e.to_string()))?;
        self.connection.set_remote_description(answer).await.map_err(|e| SessionError::Description(e.to_string()))
    }
}
