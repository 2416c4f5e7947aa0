//! The consult: the kiosk queues its patient and answers the doctor's call; the doctor watches the queue,
//! takes a patient and calls. A `Desk` is one signalling connection to the server with the task that
//! follows it (`desk.rs`); the call itself runs in `eclinic-call-session`, its pictures, speech and
//! messages shown through a [`ConsultSink`].

mod desk;
pub mod events;
mod filing;
mod history;
mod media;
pub mod picture;

use std::sync::Arc;

use eclinic_call::channel::LiveVital;
use eclinic_call_session::{CallCommand, Description, IceServer, NetworkSetup};
use eclinic_connect::{ConnectError, ServerClient, Signal};
use eclinic_domain::Observation;
use eclinic_signal::ClientMessage;
use eclinic_signal::api::TokenPairResponse;
use tokio::sync::{mpsc, oneshot};

pub(crate) use filing::Filing;

use crate::AppError;
use crate::server::ServerSettings;
use events::ConsultEvent;

/// Where a consult is shown. Called from the call's tasks: each method must return quickly.
pub trait ConsultSink: Send + Sync {
    fn event(&self, event: ConsultEvent);
    /// A picture packet (`picture::picture_packet`), the self-view's and the far end's.
    fn picture(&self, packet: Vec<u8>);
}

/// Who signs in to the server. (No `Debug`: it holds a password.)
pub(crate) enum Credentials<'a> {
    /// The kiosk's enrolled credential, from the OS keyring.
    Kiosk,
    Doctor {
        username: &'a str,
        password: &'a str,
    },
}

/// (No `Debug`: chat lines and notes are patient data.)
pub(crate) enum DeskCommand {
    /// Doctor: take this waiting patient.
    Take(String),
    /// End the consult in progress; the desk stays connected (the doctor goes back to the queue).
    HangUp,
    /// Kiosk: a live reading for the doctor (its `at_ms` is set by the desk, from the call's start).
    Vital(LiveVital),
    /// For the call in progress: a message for the far end (already checked against the channel's limits),
    /// or a photo to take; answered with whether a call took it.
    Call(CallCommand, oneshot::Sender<bool>),
}

/// A connection to the server for consults. Dropping it ends any consult (cancelling a queued patient)
/// and disconnects.
#[derive(Debug)]
pub(crate) struct Desk {
    commands: mpsc::UnboundedSender<DeskCommand>,
}

impl Desk {
    /// Signs in (the kiosk with its enrolled credential, the doctor with a password), fetches TURN
    /// credentials and connects; the rest happens in a task on the current tokio runtime.
    pub(crate) async fn open(
        settings: &ServerSettings,
        credentials: Credentials<'_>,
        first: Option<ClientMessage>,
        sink: Arc<dyn ConsultSink>,
        filing: Option<Filing>,
    ) -> Result<(Self, TokenPairResponse), AppError> {
        let client = settings.client()?;
        let tokens = match credentials {
            Credentials::Kiosk => client.sign_in_this_kiosk().await?,
            Credentials::Doctor { username, password } => client.login(username, password).await?,
        };
        let network = NetworkSetup {
            ice_servers: turn_servers(&client, &tokens.access_token).await?,
            bind: settings.media_bind(),
            ..NetworkSetup::loopback()
        };
        let mut signal: Signal = client.signal(&tokens.access_token).await?;
        if let Some(message) = first {
            signal.send(&message).await?;
        }
        let (commands, receiver) = mpsc::unbounded_channel();
        tokio::spawn(desk::run(desk::Line::new(signal, network, sink, filing), receiver));
        Ok((Self { commands }, tokens))
    }

    pub(crate) fn send(&self, command: DeskCommand) -> Result<(), AppError> {
        self.commands.send(command).map_err(|_| AppError::NoConsult)
    }
}

/// A device's Observation as a live reading; `None` for a value too precise for the channel's SFLOAT-like
/// form (no vital is).
pub(crate) fn live_vital(observation: &Observation) -> Option<LiveVital> {
    let value = observation.value.as_decimal();
    Some(LiveVital {
        loinc: observation.code.as_str().to_owned(),
        mantissa: i32::try_from(value.mantissa()).ok()?,
        exponent: i8::try_from(value.scale()).ok().map(|scale| -scale)?,
        unit: observation.unit.as_str().to_owned(),
        at_ms: 0,
    })
}

/// The server's TURN relay, or none when the server has no TURN (a LAN, or this machine).
async fn turn_servers(client: &ServerClient, access_token: &str) -> Result<Vec<IceServer>, AppError> {
    match client.turn(access_token).await {
        Ok(turn) => Ok(vec![IceServer { urls: turn.urls, username: turn.username, credential: turn.credential }]),
        Err(ConnectError::Refused { code, .. }) if code == "turn_disabled" => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// This end's session description during a call (an ICE restart's offer, or the answer to the far end's),
/// as the message that carries it through the server to the consult's other end.
pub fn description_message(consult_id: String, description: Description) -> ClientMessage {
    match description {
        Description::Offer(sdp) => ClientMessage::Offer { consult_id, sdp },
        Description::Answer(sdp) => ClientMessage::Answer { consult_id, sdp },
    }
}
