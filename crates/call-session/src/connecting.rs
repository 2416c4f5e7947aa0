//! Getting connected: waiting for `Connected`, taking in the far end's tracks and channel meanwhile, and then
//! checking the far end's certificate against its signalled fingerprint ourselves. An attempt that fails or
//! runs out of time is started over with a fresh peer connection, through the signalling the call has for
//! ICE restarts, as `eclinic_call::connect_attempts` decides.

use std::sync::Arc;
use std::time::Duration;

use eclinic_call::connect_attempts::{CONNECT_ATTEMPTS, ConnectAttempts, ConnectStep};
use tokio::sync::mpsc;
use webrtc::data_channel::DataChannel;
use webrtc::peer_connection::RTCPeerConnectionState;

use crate::SessionError;
use crate::call::Incoming;
use crate::hooks::{CallCommand, Description};
use crate::peer::{NetworkSetup, Peer};

/// How long closing a connection given up on may take (its driver may already be gone).
const CLOSING_LIMIT: Duration = Duration::from_secs(3);
const CHANNEL_LABEL: &str = "consult";

/// The offering end opens the data channel, before its offer.
pub(crate) async fn open_channel(peer: &Peer) -> Result<Arc<dyn DataChannel>, SessionError> {
    peer.connection
        .create_data_channel(CHANNEL_LABEL, None)
        .await
        .map_err(SessionError::webrtc("creating the data channel"))
}

pub(crate) async fn close(peer: &Peer) {
    match tokio::time::timeout(CLOSING_LIMIT, peer.connection.close()).await {
        Ok(Err(e)) => tracing::warn!(error = %e, "closing a connection"),
        Err(_) => tracing::warn!("closing a connection timed out"),
        Ok(Ok(())) => {}
    }
}

pub(crate) struct Connecting<'a> {
    pub(crate) network: &'a NetworkSetup,
    pub(crate) offerer: bool,
    /// Where fresh descriptions go; without it there is one attempt.
    pub(crate) signalling: Option<mpsc::UnboundedSender<Description>>,
}

impl Connecting<'_> {
    /// Connects `peer`, or a fresh one in its place; hands back the connected peer and the application's
    /// commands that arrived meanwhile, in order. On failure the last connection is closed.
    pub(crate) async fn connect(
        &self,
        mut peer: Peer,
        incoming: &mut Incoming,
        commands: &mut mpsc::UnboundedReceiver<CallCommand>,
    ) -> Result<(Peer, Vec<CallCommand>), SessionError> {
        match self.attempts(&mut peer, incoming, commands).await {
            Ok(held) => Ok((peer, held)),
            Err(e) => {
                close(&peer).await;
                Err(e)
            }
        }
    }

    async fn attempts(
        &self,
        peer: &mut Peer,
        incoming: &mut Incoming,
        commands: &mut mpsc::UnboundedReceiver<CallCommand>,
    ) -> Result<Vec<CallCommand>, SessionError> {
        let started = tokio::time::Instant::now();
        let allowed = if self.signalling.is_some() { CONNECT_ATTEMPTS } else { 1 };
        let mut attempts = ConnectAttempts::new(Duration::ZERO, self.offerer, allowed, self.network.connect_limit);
        let mut held = Vec::new();
        // A failed connection reports nothing more; the answerer then only waits for a fresh offer.
        let mut live = true;
        loop {
            let deadline = started + attempts.poll_timeout();
            let failure = tokio::select! {
                event = peer.next_event(deadline.saturating_duration_since(tokio::time::Instant::now()), "connecting"), if live => {
                    match event.map(|e| incoming.handle(e)) {
                        Ok(Some(RTCPeerConnectionState::Connected)) => {
                            verify_remote_certificate(peer).await?;
                            return Ok(held);
                        }
                        Ok(Some(RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed)) => {
                            Some(SessionError::ConnectionFailed)
                        }
                        Ok(_) => None,
                        Err(e) => Some(e),
                    }
                }
                () = tokio::time::sleep_until(deadline), if !live => Some(SessionError::Timeout("connecting")),
                Some(command) = commands.recv() => {
                    match command {
                        CallCommand::RemoteDescription(Description::Offer(sdp)) if !self.offerer => {
                            if attempts.handle_fresh_offer(started.elapsed()) == ConnectStep::StartOver {
                                self.answer_fresh_offer(peer, &sdp, attempts.made()).await?;
                                live = true;
                            } else {
                                tracing::warn!("ignored a fresh offer beyond the attempts allowed");
                            }
                        }
                        CallCommand::RemoteDescription(Description::Answer(sdp)) if self.offerer => {
                            peer.accept_answer(&sdp).await?;
                        }
                        other => held.push(other),
                    }
                    None
                }
            };
            let Some(failure) = failure else { continue };
            live = false;
            match attempts.handle_failure(started.elapsed()) {
                ConnectStep::KeepWaiting => {
                    tracing::info!(error = %failure, "connecting failed: waiting for a fresh offer")
                }
                ConnectStep::StartOver => {
                    tracing::warn!(error = %failure, attempt = attempts.made(), "connecting failed: offering a fresh connection");
                    self.offer_fresh(peer, incoming).await?;
                    live = true;
                }
                ConnectStep::GiveUp => return Err(failure),
            }
        }
    }

    /// Puts a new connection in `peer`'s place, closing the old one.
    async fn replace(&self, peer: &mut Peer) -> Result<(), SessionError> {
        let old = std::mem::replace(peer, Peer::new(self.network).await?);
        close(&old).await;
        Ok(())
    }

    fn send(&self, description: Description) {
        if let Some(signalling) = &self.signalling {
            // The application stopped listening only as the call ends.
            let _ = signalling.send(description);
        }
    }

    async fn offer_fresh(&self, peer: &mut Peer, incoming: &mut Incoming) -> Result<(), SessionError> {
        self.replace(peer).await?;
        incoming.data_channel(open_channel(peer).await?);
        let offer = peer.offer().await?;
        self.send(Description::Offer(offer));
        Ok(())
    }

    async fn answer_fresh_offer(&self, peer: &mut Peer, offer: &str, attempt: u32) -> Result<(), SessionError> {
        tracing::warn!(attempt, "the far end offers a fresh connection: answering it");
        self.replace(peer).await?;
        let answer = peer.answer(offer).await?;
        self.send(Description::Answer(answer));
        Ok(())
    }
}

/// Refuses the connection unless the certificate the far end presented is the one its description names.
async fn verify_remote_certificate(peer: &Peer) -> Result<(), SessionError> {
    let description = peer.connection.remote_description().await.map(|d| d.sdp).unwrap_or_default();
    let transport = peer.video.1.transport().await.map_err(SessionError::webrtc("reading the DTLS transport"))?;
    let certificates = match transport {
        Some(transport) => {
            transport.get_remote_certificates().await.map_err(SessionError::webrtc("reading the certificate"))?
        }
        None => Vec::new(),
    };
    if crate::fingerprint::certificate_matches(&description, certificates.first().map(Vec::as_slice)) {
        return Ok(());
    }
    tracing::warn!("the far end's certificate does not match its signalled fingerprint");
    Err(SessionError::ConnectionFailed)
}
