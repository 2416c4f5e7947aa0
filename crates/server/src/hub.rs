//! The driver of the switchboard: one task owns it, connections talk to it through channels, and consult
//! events go to the store in order through a second task.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use eclinic_signal::wire::encode_server;
use eclinic_signal::{CloseReason, ConnId, ConsultEvent, ConsultRecord, Output, Participant, Switchboard};
use tokio::sync::mpsc;

use crate::storage::Store;
use crate::unix_now;

/// Messages waiting for one slow connection before it is dropped (a kiosk on EDGE that stopped reading).
pub(crate) const OUTBOX_DEPTH: usize = 512;
const HUB_DEPTH: usize = 16 * 1024;

#[derive(Debug)]
pub(crate) enum HubInput {
    Connect { conn: ConnId, participant: Participant, outbox: mpsc::Sender<Outbound> },
    Text { conn: ConnId, text: String },
    Disconnect { conn: ConnId },
}

#[derive(Debug)]
pub(crate) enum Outbound {
    Text(String),
    Close(CloseReason),
}

pub(crate) fn spawn(store: Store, instance: String) -> mpsc::Sender<HubInput> {
    let (inputs, receiver) = mpsc::channel(HUB_DEPTH);
    let (records, record_receiver) = mpsc::unbounded_channel();
    tokio::spawn(record_consults(store, record_receiver));
    tokio::spawn(run(Switchboard::new(&instance), receiver, records));
    inputs
}

async fn run(
    mut board: Switchboard,
    mut inputs: mpsc::Receiver<HubInput>,
    records: mpsc::UnboundedSender<(i64, ConsultRecord)>,
) {
    let start = Instant::now();
    let now_ms = || u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut outboxes: HashMap<ConnId, mpsc::Sender<Outbound>> = HashMap::new();
    loop {
        let deadline = board.poll_timeout().map(|ms| tokio::time::Instant::from_std(start + Duration::from_millis(ms)));
        tokio::select! {
            input = inputs.recv() => match input {
                None => break,
                Some(HubInput::Connect { conn, participant, outbox }) => {
                    tracing::info!(conn = conn.0, account = %participant.account_id, role = ?participant.role, "signalling connected");
                    outboxes.insert(conn, outbox);
                    board.handle_connect(now_ms(), conn, participant);
                }
                Some(HubInput::Text { conn, text }) => board.handle_text(now_ms(), conn, &text),
                Some(HubInput::Disconnect { conn }) => {
                    if outboxes.remove(&conn).is_some() {
                        tracing::info!(conn = conn.0, "signalling disconnected");
                    }
                    board.handle_disconnect(now_ms(), conn);
                }
            },
            () = sleep_until(deadline) => board.handle_timeout(now_ms()),
        }
        while let Some(output) = board.poll_output() {
            match output {
                Output::Send(conn, message) => {
                    let Some(outbox) = outboxes.get(&conn) else { continue };
                    if outbox.try_send(Outbound::Text(encode_server(&message))).is_err() {
                        tracing::warn!(conn = conn.0, "connection not reading: dropped");
                        outboxes.remove(&conn);
                        board.handle_disconnect(now_ms(), conn);
                    }
                }
                Output::Close(conn, reason) => {
                    tracing::info!(conn = conn.0, ?reason, "closing connection");
                    if let Some(outbox) = outboxes.remove(&conn) {
                        let _ = outbox.try_send(Outbound::Close(reason));
                    }
                }
                Output::Record(record) => {
                    let _ = records.send((unix_now(), record));
                }
            }
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Writes consult events in the order they happened. A failed write is logged and the call goes on: the log
/// is for accounting, signalling must not stall on it.
async fn record_consults(store: Store, mut records: mpsc::UnboundedReceiver<(i64, ConsultRecord)>) {
    while let Some((now, record)) = records.recv().await {
        let id = &record.consult_id;
        let written = match &record.event {
            ConsultEvent::Queued { kiosk, priority } => {
                store.record_queued(id, kiosk, priority_name(*priority), now).await
            }
            ConsultEvent::Accepted { doctor } => store.record_accepted(id, doctor, now).await,
            ConsultEvent::Ended { outcome } => store.record_ended(id, outcome_name(*outcome), now).await,
        };
        if let Err(error) = written {
            tracing::error!(consult = %id, %error, "could not log a consult event");
        }
    }
}

fn priority_name(priority: eclinic_signal::Priority) -> &'static str {
    match priority {
        eclinic_signal::Priority::Routine => "routine",
        eclinic_signal::Priority::Urgent => "urgent",
        eclinic_signal::Priority::Emergency => "emergency",
    }
}

fn outcome_name(outcome: eclinic_signal::Outcome) -> &'static str {
    match outcome {
        eclinic_signal::Outcome::Completed => "completed",
        eclinic_signal::Outcome::Cancelled => "cancelled",
        eclinic_signal::Outcome::Abandoned => "abandoned",
    }
}
