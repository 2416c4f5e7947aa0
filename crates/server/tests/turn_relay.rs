#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! A relay-only ICE connection through a real coturn on loopback: it works with the credentials this server
//! mints over HTTPS, and fails with expired ones. coturn checks the HMAC with the shared secret, which the
//! clients never see.

mod common;
#[path = "common/coturn.rs"]
mod coturn;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use common::Backend;
use coturn::Coturn;
use eclinic_server::turn::TurnConfig;
use eclinic_signal::api::TurnResponse;
use tokio::sync::mpsc;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceGatheringState,
    RTCIceServer, RTCIceTransportPolicy, RTCPeerConnectionState, RTCSessionDescription,
};

const SECRET: &str = "coturn shared secret for the relay test";

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// What a peer reports: gathering done, connection states, and the answerer's incoming data channel.
struct Events {
    gathered: mpsc::UnboundedSender<()>,
    states: mpsc::UnboundedSender<RTCPeerConnectionState>,
    messages: mpsc::UnboundedSender<String>,
}

#[async_trait]
impl PeerConnectionEventHandler for Events {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.gathered.send(());
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.states.send(state);
    }

    async fn on_data_channel(&self, channel: Arc<dyn DataChannel>) {
        forward_messages(channel, self.messages.clone());
    }
}

fn forward_messages(channel: Arc<dyn DataChannel>, messages: mpsc::UnboundedSender<String>) {
    tokio::spawn(async move {
        while let Some(event) = channel.poll().await {
            match event {
                DataChannelEvent::OnMessage(message) => {
                    let _ = messages.send(String::from_utf8_lossy(&message.data).into_owned());
                }
                DataChannelEvent::OnClose => break,
                _ => {}
            }
        }
    });
}

struct Peer {
    connection: Box<dyn PeerConnection>,
    gathered: mpsc::UnboundedReceiver<()>,
    states: mpsc::UnboundedReceiver<RTCPeerConnectionState>,
    messages: mpsc::UnboundedReceiver<String>,
}

impl Peer {
    /// A peer that may only use TURN relay candidates, with the given credentials.
    async fn relay_only(credentials: &TurnResponse) -> Self {
        let (gathered_tx, gathered) = mpsc::unbounded_channel();
        let (states_tx, states) = mpsc::unbounded_channel();
        let (messages_tx, messages) = mpsc::unbounded_channel();
        let server = RTCIceServer {
            urls: credentials.urls.clone(),
            username: credentials.username.clone(),
            credential: credentials.credential.clone(),
        };
        let configuration = RTCConfigurationBuilder::new()
            .with_ice_servers(vec![server])
            .with_ice_transport_policy(RTCIceTransportPolicy::Relay)
            .build();
        let connection = PeerConnectionBuilder::new()
            .with_configuration(configuration)
            .with_handler(Arc::new(Events { gathered: gathered_tx, states: states_tx, messages: messages_tx }))
            .with_udp_addrs(vec!["127.0.0.1:0"])
            .build()
            .await
            .unwrap();
        Self { connection: Box::new(connection), gathered, states, messages }
    }

    /// Sets the local description and waits for ICE gathering, so the SDP carries every candidate.
    async fn gather(&mut self, description: RTCSessionDescription) -> String {
        self.connection.set_local_description(description).await.unwrap();
        tokio::time::timeout(Duration::from_secs(15), self.gathered.recv()).await.unwrap().unwrap();
        self.connection.local_description().await.unwrap().sdp
    }

    /// Connected or Failed, whichever comes first; Unspecified if neither came within `limit`.
    async fn final_state(&mut self, limit: Duration) -> RTCPeerConnectionState {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.states.recv()).await {
                Ok(Some(state @ (RTCPeerConnectionState::Connected | RTCPeerConnectionState::Failed))) => {
                    return state;
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return RTCPeerConnectionState::Unspecified,
            }
        }
    }
}

fn candidate_types(sdp: &str) -> Vec<&str> {
    sdp.lines()
        .filter(|line| line.starts_with("a=candidate:"))
        .filter_map(|line| line.split_whitespace().skip_while(|word| *word != "typ").nth(1))
        .collect()
}

/// The kiosk offers with a data channel, the doctor answers; returns both SDPs' candidate types.
async fn offer_answer(kiosk: &mut Peer, doctor: &mut Peer) -> (Vec<String>, Vec<String>) {
    let channel = kiosk.connection.create_data_channel("vitals", None).await.unwrap();
    tokio::spawn(async move {
        while let Some(event) = channel.poll().await {
            if matches!(event, DataChannelEvent::OnOpen) {
                let _ = channel.send_text("SpO2 97 %").await;
            }
        }
    });
    let offer = kiosk.connection.create_offer(None).await.unwrap();
    let offer_sdp = kiosk.gather(offer).await;
    let offer = RTCSessionDescription::offer(offer_sdp.clone()).unwrap();
    doctor.connection.set_remote_description(offer).await.unwrap();
    let answer = doctor.connection.create_answer(None).await.unwrap();
    let answer_sdp = doctor.gather(answer).await;
    kiosk.connection.set_remote_description(RTCSessionDescription::answer(answer_sdp.clone()).unwrap()).await.unwrap();
    let types = |sdp: &str| candidate_types(sdp).into_iter().map(String::from).collect();
    (types(&offer_sdp), types(&answer_sdp))
}

async fn relay_works_with_minted_credentials(backend: Backend) {
    let coturn = Coturn::start(SECRET);
    let turn = TurnConfig::new(SECRET, vec![coturn.url()], 600).unwrap();
    let server = common::server(backend, Some(turn)).await;
    let (_, kiosk_token) = server.kiosk("Kiosk Thatta").await;
    let (_, doctor_token) = server.doctor("relaydoc", "12345-P").await;
    let kiosk_credentials = server.client.turn(&kiosk_token).await.unwrap();
    let doctor_credentials = server.client.turn(&doctor_token).await.unwrap();
    assert_eq!(kiosk_credentials.urls, vec![coturn.url()]);
    assert_ne!(kiosk_credentials.username, doctor_credentials.username, "each account gets its own");
    assert!(!format!("{kiosk_credentials:?}").contains(SECRET));

    let mut kiosk = Peer::relay_only(&kiosk_credentials).await;
    let mut doctor = Peer::relay_only(&doctor_credentials).await;
    let (offered, answered) = offer_answer(&mut kiosk, &mut doctor).await;
    assert!(!offered.is_empty() && offered.iter().all(|t| t == "relay"), "kiosk candidates: {offered:?}");
    assert!(!answered.is_empty() && answered.iter().all(|t| t == "relay"), "doctor candidates: {answered:?}");
    assert_eq!(kiosk.final_state(Duration::from_secs(20)).await, RTCPeerConnectionState::Connected);
    assert_eq!(doctor.final_state(Duration::from_secs(20)).await, RTCPeerConnectionState::Connected);
    let message = tokio::time::timeout(Duration::from_secs(10), doctor.messages.recv()).await.unwrap();
    assert_eq!(message.as_deref(), Some("SpO2 97 %"), "a data-channel message crossed the relay");

    kiosk.connection.close().await.unwrap();
    doctor.connection.close().await.unwrap();
    server.stop().await;
}

on_both_backends!(relay_works_with_minted_credentials);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_credentials_get_no_relay_and_no_connection() {
    let coturn = Coturn::start(SECRET);
    let turn = TurnConfig::new(SECRET, vec![coturn.url()], 600).unwrap();
    let valid = turn.mint("doctor", unix_now());
    let expired = turn.mint_until("kiosk", unix_now() - 60);
    let as_response = |c: eclinic_server::turn::TurnCredentials| TurnResponse {
        urls: c.urls,
        username: c.username,
        credential: c.credential,
        ttl_s: c.ttl_s,
    };

    let mut kiosk = Peer::relay_only(&as_response(expired)).await;
    let mut doctor = Peer::relay_only(&as_response(valid)).await;
    let (offered, answered) = offer_answer(&mut kiosk, &mut doctor).await;
    assert_eq!(offered, Vec::<String>::new(), "coturn refused the expired credential: no relay candidate");
    assert!(answered.iter().all(|t| t == "relay") && !answered.is_empty(), "the valid side still relays");
    assert_ne!(kiosk.final_state(Duration::from_secs(8)).await, RTCPeerConnectionState::Connected);
    assert!(doctor.messages.try_recv().is_err(), "nothing was delivered");
    kiosk.connection.close().await.unwrap();
    doctor.connection.close().await.unwrap();
}
