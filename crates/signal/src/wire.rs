//! The JSON messages on the signalling WebSocket. Every message is an object with the protocol version `v`
//! and a `type`; parsing checks size, version, type and field limits and says which one failed.

use serde::{Deserialize, Serialize};

/// The version this build speaks. A message with another `v` is refused with `unsupported_version`.
pub const PROTOCOL_VERSION: u32 = 1;
/// The largest message accepted, in bytes (a full SDP with many candidates is well under this).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
const MAX_SDP_BYTES: usize = 48 * 1024;
const MAX_CANDIDATE_BYTES: usize = 1024;
const MAX_ID_BYTES: usize = 64;
const MAX_LABEL_CHARS: usize = 80;

/// Triage priority; the queue serves emergencies first, then urgent, then routine, each oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Routine,
    Urgent,
    Emergency,
}

/// A doctor's availability. Clients set `online` or `away`; the server derives `busy` (in a consult).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Online,
    Away,
    Busy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Kiosk,
    Doctor,
}

/// How a consult ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A participant ended it.
    Completed,
    /// The kiosk withdrew the patient from the queue.
    Cancelled,
    /// A participant stayed away longer than the grace period.
    Abandoned,
}

/// What a kiosk is told about the doctor who took its patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorCard {
    pub name: String,
    /// Pakistan Medical and Dental Council registration number.
    pub pmdc: Option<String>,
}

/// One waiting patient as doctors see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub consult_id: String,
    pub kiosk: String,
    pub label: String,
    pub priority: Priority,
    pub queued_for_s: u64,
    pub kiosk_connected: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Kiosk: put a patient in the queue. `ticket` is the kiosk's own id for the visit: sending the same
    /// ticket again (a retry after a reconnect) returns the consult already queued for it.
    QueuePatient {
        ticket: String,
        label: String,
        priority: Priority,
    },
    /// Kiosk: take a waiting patient out of the queue.
    CancelQueue {
        consult_id: String,
    },
    /// Doctor: `online` or `away`.
    SetPresence {
        status: Presence,
    },
    /// Doctor: take this waiting patient.
    Accept {
        consult_id: String,
    },
    /// Doctor: take the first patient in the queue.
    TakeNext,
    /// Doctor → kiosk: a session description offer (also for an ICE restart).
    Offer {
        consult_id: String,
        sdp: String,
    },
    /// Kiosk → doctor: the answer to the last offer.
    Answer {
        consult_id: String,
        sdp: String,
    },
    /// Either way: a trickled ICE candidate.
    Candidate {
        consult_id: String,
        candidate: String,
        sdp_mid: Option<String>,
        sdp_mline_index: Option<u16>,
    },
    /// Either participant ends an accepted consult.
    End {
        consult_id: String,
    },
    Ping {
        nonce: u64,
    },
}

const CLIENT_TYPES: &[&str] = &[
    "queue_patient",
    "cancel_queue",
    "set_presence",
    "accept",
    "take_next",
    "offer",
    "answer",
    "candidate",
    "end",
    "ping",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    Welcome {
        name: String,
        role: Role,
    },
    /// Reply to `queue_patient`.
    Queued {
        ticket: String,
        consult_id: String,
        position: u32,
        estimated_wait_s: Option<u64>,
    },
    /// A kiosk's place changed. `estimated_wait_s` is absent while no doctor is online.
    Position {
        consult_id: String,
        position: u32,
        estimated_wait_s: Option<u64>,
    },
    /// Doctors: the whole queue (on connect), then changes.
    QueueSnapshot {
        entries: Vec<QueueEntry>,
    },
    /// An entry was added or changed (its kiosk dropped off or came back).
    QueueUpdated {
        entry: QueueEntry,
    },
    QueueRemoved {
        consult_id: String,
    },
    /// Kiosks: how many doctors are online (busy included).
    DoctorsOnline {
        count: u32,
    },
    /// Kiosk: a doctor took the patient.
    Accepted {
        consult_id: String,
        doctor: DoctorCard,
    },
    /// Doctor: the consult is yours; send the offer.
    ConsultStarted {
        consult_id: String,
        kiosk: String,
        label: String,
        priority: Priority,
    },
    Offer {
        consult_id: String,
        sdp: String,
    },
    Answer {
        consult_id: String,
        sdp: String,
    },
    Candidate {
        consult_id: String,
        candidate: String,
        sdp_mid: Option<String>,
        sdp_mline_index: Option<u16>,
    },
    /// The other participant lost its connection; the consult is kept for the grace period.
    PeerAway {
        consult_id: String,
    },
    /// It is back (the doctor should offer again: an ICE restart).
    PeerBack {
        consult_id: String,
    },
    Ended {
        consult_id: String,
        outcome: Outcome,
    },
    Error {
        code: ErrorCode,
        message: String,
        consult_id: Option<String>,
    },
    Pong {
        nonce: u64,
    },
}

/// Why a message was refused. Sent as `{type:"error", code, message}`; never carries patient data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    TooLarge,
    Malformed,
    UnsupportedVersion,
    UnknownType,
    Invalid,
    RateLimited,
    /// Not something this role may do.
    NotAllowed,
    /// No such consult, or not one of yours (the two are not told apart).
    UnknownConsult,
    /// Not at this point of the consult (an answer before an offer, a candidate before the description).
    OutOfOrder,
    /// The doctor is already in a consult.
    Busy,
    /// The doctor is away.
    NotOnline,
    /// The kiosk has too many patients waiting.
    QueueFull,
    QueueEmpty,
    /// The other participant is disconnected; try again when it is back.
    PeerAway,
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("message of {0} bytes is over the limit of {MAX_MESSAGE_BYTES}")]
    TooLarge(usize),
    #[error("not a JSON message object: {0}")]
    Malformed(String),
    #[error("protocol version {0:?} is not supported (this server speaks {PROTOCOL_VERSION})")]
    UnsupportedVersion(Option<u64>),
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    #[error("field {field} is invalid: {reason}")]
    Invalid { field: &'static str, reason: &'static str },
}

impl WireError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge(_) => ErrorCode::TooLarge,
            Self::Malformed(_) => ErrorCode::Malformed,
            Self::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
            Self::UnknownType(_) => ErrorCode::UnknownType,
            Self::Invalid { .. } => ErrorCode::Invalid,
        }
    }
}

#[derive(Deserialize)]
struct Header {
    v: Option<serde_json::Value>,
    #[serde(rename = "type")]
    kind: Option<serde_json::Value>,
}

fn read_header(text: &str) -> Result<(), WireError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(WireError::TooLarge(text.len()));
    }
    let header: Header = serde_json::from_str(text).map_err(|e| WireError::Malformed(e.to_string()))?;
    match header.v {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(PROTOCOL_VERSION)) => {}
        Some(serde_json::Value::Number(n)) => return Err(WireError::UnsupportedVersion(n.as_u64())),
        _ => return Err(WireError::UnsupportedVersion(None)),
    }
    match header.kind {
        Some(serde_json::Value::String(_)) => Ok(()),
        _ => Err(WireError::Malformed("no message type".into())),
    }
}

fn classify(text: &str, error: serde_json::Error, known: &[&str]) -> WireError {
    let kind = serde_json::from_str::<Header>(text).ok().and_then(|h| h.kind);
    match kind {
        Some(serde_json::Value::String(kind)) if !known.contains(&kind.as_str()) => {
            WireError::UnknownType(kind.chars().take(MAX_ID_BYTES).collect())
        }
        _ => WireError::Malformed(error.to_string()),
    }
}

/// Reads one client message, checking size, version, type and the limits of every field.
pub fn parse_client(text: &str) -> Result<ClientMessage, WireError> {
    read_header(text)?;
    let message: ClientMessage = serde_json::from_str(text).map_err(|e| classify(text, e, CLIENT_TYPES))?;
    check_client(&message)?;
    Ok(message)
}

/// Reads one server message (for clients).
pub fn parse_server(text: &str) -> Result<ServerMessage, WireError> {
    read_header(text)?;
    serde_json::from_str(text).map_err(|e| WireError::Malformed(e.to_string()))
}

#[derive(Serialize)]
struct Envelope<'a, M> {
    v: u32,
    #[serde(flatten)]
    message: &'a M,
}

fn encode<M: Serialize>(message: &M) -> String {
    // Serialising these types cannot fail: every field is a string, number, bool, enum or list of them.
    serde_json::to_string(&Envelope { v: PROTOCOL_VERSION, message }).unwrap_or_default()
}

pub fn encode_server(message: &ServerMessage) -> String {
    encode(message)
}

pub fn encode_client(message: &ClientMessage) -> String {
    encode(message)
}

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), WireError> {
    if value.is_empty() {
        return Err(WireError::Invalid { field, reason: "empty" });
    }
    if value.len() > max {
        return Err(WireError::Invalid { field, reason: "too long" });
    }
    Ok(())
}

fn check_client(message: &ClientMessage) -> Result<(), WireError> {
    use ClientMessage as M;
    match message {
        M::QueuePatient { ticket, label, .. } => {
            check_len("ticket", ticket, MAX_ID_BYTES)?;
            if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
                return Err(WireError::Invalid { field: "label", reason: "too long or has control characters" });
            }
            Ok(())
        }
        M::CancelQueue { consult_id } | M::Accept { consult_id } | M::End { consult_id } => {
            check_len("consult_id", consult_id, MAX_ID_BYTES)
        }
        M::SetPresence { status } => match status {
            Presence::Online | Presence::Away => Ok(()),
            Presence::Busy => Err(WireError::Invalid { field: "status", reason: "busy is set by the server" }),
        },
        M::Offer { consult_id, sdp } | M::Answer { consult_id, sdp } => {
            check_len("consult_id", consult_id, MAX_ID_BYTES)?;
            check_len("sdp", sdp, MAX_SDP_BYTES)
        }
        M::Candidate { consult_id, candidate, sdp_mid, .. } => {
            check_len("consult_id", consult_id, MAX_ID_BYTES)?;
            // An empty candidate is the end-of-candidates marker.
            if candidate.len() > MAX_CANDIDATE_BYTES {
                return Err(WireError::Invalid { field: "candidate", reason: "too long" });
            }
            match sdp_mid {
                Some(mid) if mid.len() > MAX_ID_BYTES => {
                    Err(WireError::Invalid { field: "sdp_mid", reason: "too long" })
                }
                _ => Ok(()),
            }
        }
        M::TakeNext | M::Ping { .. } => Ok(()),
    }
}
