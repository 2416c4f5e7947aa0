//! One signalling WebSocket: frames in to the hub, the hub's messages out, keepalive pings.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use eclinic_signal::{CloseReason, ConnId, Participant};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use crate::hub::{HubInput, OUTBOX_DEPTH, Outbound};

/// The server pings this often; a connection silent for `IDLE_LIMIT` is dead (EDGE links drop silently).
const PING_EVERY: Duration = Duration::from_secs(20);
const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// WebSocket close codes in the application range.
const CLOSE_REPLACED: u16 = 4001;
const CLOSE_RATE_LIMITED: u16 = 4002;

pub(crate) async fn run(socket: WebSocket, conn: ConnId, participant: Participant, hub: mpsc::Sender<HubInput>) {
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut outgoing) = mpsc::channel(OUTBOX_DEPTH);
    if hub.send(HubInput::Connect { conn, participant, outbox }).await.is_err() {
        return;
    }
    let writer = async {
        let mut ping = tokio::time::interval(PING_EVERY);
        loop {
            tokio::select! {
                out = outgoing.recv() => match out {
                    Some(Outbound::Text(text)) => {
                        if sink.send(Message::Text(text.into())).await.is_err() { break }
                    }
                    Some(Outbound::Close(reason)) => {
                        let (code, why) = match reason {
                            CloseReason::Replaced => (CLOSE_REPLACED, "replaced by a newer connection"),
                            CloseReason::RateLimited => (CLOSE_RATE_LIMITED, "too many messages"),
                        };
                        let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from_static(why) }))).await;
                        break;
                    }
                    None => break,
                },
                _ = ping.tick() => {
                    if sink.send(Message::Ping(Default::default())).await.is_err() { break }
                }
            }
        }
    };
    let reader = async {
        loop {
            let frame = match tokio::time::timeout(IDLE_LIMIT, stream.next()).await {
                Ok(Some(Ok(frame))) => frame,
                _ => break,
            };
            let text = match frame {
                Message::Text(text) => text.to_string(),
                // The protocol is JSON text; a binary frame is answered as a malformed message.
                Message::Binary(_) => String::new(),
                Message::Ping(_) | Message::Pong(_) => continue,
                Message::Close(_) => break,
            };
            if hub.send(HubInput::Text { conn, text }).await.is_err() {
                break;
            }
        }
    };
    tokio::select! {
        () = writer => {}
        () = reader => {}
    }
    let _ = hub.send(HubInput::Disconnect { conn }).await;
}
