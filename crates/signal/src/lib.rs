//! The protocol between the apps and the central server, without IO.
//!
//! [`api`] is the HTTP API's JSON bodies (accounts, enrolment, TURN).
//! [`wire`] is the JSON on the WebSocket (versioned, size-limited, typed errors). [`Switchboard`] is the
//! server's state machine: presence, the triage queue, consults and the relay of offers/answers/candidates.
//! The server feeds it `handle_*(now, …)` and drains [`Switchboard::poll_output`]; time is a parameter
//! (milliseconds on any monotonic clock), so the harness in the tests runs it on a simulated clock.

pub mod api;
mod consult;
mod limits;
mod queue;
mod switchboard;
pub mod wire;

pub use consult::{ConsultEvent, ConsultRecord};
pub use limits::{RATE_BURST, RATE_PER_SECOND};
pub use switchboard::{
    CONSULT_GRACE_MS, CloseReason, ConnId, MAX_QUEUED_PER_KIOSK, Output, POSITION_FLUSH_MS, Participant,
    QUEUE_GRACE_MS, Switchboard,
};
pub use wire::{
    ClientMessage, DoctorCard, ErrorCode, MAX_MESSAGE_BYTES, Outcome, PROTOCOL_VERSION, Presence, Priority, QueueEntry,
    Role, ServerMessage, WireError,
};
