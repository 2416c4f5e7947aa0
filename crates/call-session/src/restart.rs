//! ICE restarts during a call, through the application's signalling: the offering end offers again with new
//! credentials when `eclinic_call::reconnect` says so, the answering end answers whatever the far end
//! offers, and each end's description goes out once its candidates are gathered (one message each way, as
//! at the start of the call).

use std::time::Duration;

use eclinic_call::reconnect::{LinkState, Reconnect};
use tokio::sync::mpsc;

use crate::SessionError;
use crate::hooks::Description;
use crate::peer::Peer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gathering {
    Offer,
    Answer,
}

pub(crate) struct IceRestart {
    signalling: mpsc::UnboundedSender<Description>,
    offerer: bool,
    policy: Reconnect,
    /// The local description whose candidates are being gathered, sent once they are.
    gathering: Option<Gathering>,
}

impl IceRestart {
    /// Restarts through `signalling`; none without it.
    pub(crate) fn new(offerer: bool, signalling: Option<mpsc::UnboundedSender<Description>>) -> Option<Self> {
        Some(Self { signalling: signalling?, offerer, policy: Reconnect::new(), gathering: None })
    }

    pub(crate) fn restarts(&self) -> u32 {
        self.policy.restarts()
    }

    pub(crate) fn handle_state(&mut self, now: Duration, state: LinkState) {
        self.policy.handle_state(now, state);
    }

    /// The offerer: a new offer when a restart is due. A restart whose answer never came is superseded.
    pub(crate) async fn poll(&mut self, now: Duration, peer: &Peer) -> Result<(), SessionError> {
        if !(self.offerer && self.policy.poll_restart(now)) {
            return Ok(());
        }
        tracing::info!(restart = self.policy.restarts(), "restarting ICE: the connection has been down too long");
        peer.set_local(peer.create_offer(true).await?).await?;
        self.gathering = Some(Gathering::Offer);
        Ok(())
    }

    /// The far end's description from the signalling.
    pub(crate) async fn handle_remote(&mut self, peer: &Peer, description: Description) -> Result<(), SessionError> {
        match description {
            Description::Offer(sdp) if !self.offerer => {
                tracing::info!("the far end restarts ICE: answering");
                peer.set_local(peer.create_answer(&sdp).await?).await?;
                self.gathering = Some(Gathering::Answer);
            }
            Description::Answer(sdp) if self.offerer && self.gathering.is_none() => peer.accept_answer(&sdp).await?,
            other => {
                let offer = matches!(other, Description::Offer(_));
                tracing::warn!(offer, offerer = self.offerer, "ignored a description out of turn");
            }
        }
        Ok(())
    }

    /// Candidates are gathered: the description goes to the far end.
    pub(crate) async fn handle_gathered(&mut self, peer: &Peer) -> Result<(), SessionError> {
        let Some(gathering) = self.gathering.take() else { return Ok(()) };
        let sdp = peer.local_sdp().await?;
        tracing::info!(?gathering, "candidates gathered: the description goes to the far end");
        let description = match gathering {
            Gathering::Offer => Description::Offer(sdp),
            Gathering::Answer => Description::Answer(sdp),
        };
        // The application stopped listening only as the call ends.
        let _ = self.signalling.send(description);
        Ok(())
    }
}
