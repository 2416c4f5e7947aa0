#![allow(dead_code)] // each test binary uses its own part of the harness
//! A deterministic harness: the switchboard on a simulated clock, with named clients whose inboxes collect
//! what the server sent them.

use std::collections::BTreeMap;

use eclinic_signal::wire::{encode_client, parse_server};
use eclinic_signal::{
    ClientMessage, CloseReason, ConnId, ConsultRecord, Output, Participant, Role, ServerMessage, Switchboard,
};

pub struct Sim {
    pub board: Switchboard,
    pub now_ms: u64,
    next_conn: u64,
    /// Client name → its live connection.
    pub conns: BTreeMap<String, ConnId>,
    pub inbox: BTreeMap<String, Vec<ServerMessage>>,
    pub closed: Vec<(String, CloseReason)>,
    pub records: Vec<ConsultRecord>,
    owner: BTreeMap<ConnId, String>,
}

impl Sim {
    pub fn new() -> Self {
        Self {
            board: Switchboard::new("t"),
            now_ms: 1_000,
            next_conn: 0,
            conns: BTreeMap::new(),
            inbox: BTreeMap::new(),
            closed: Vec::new(),
            records: Vec::new(),
            owner: BTreeMap::new(),
        }
    }

    pub fn connect(&mut self, name: &str, role: Role) {
        self.next_conn += 1;
        let conn = ConnId(self.next_conn);
        let pmdc = (role == Role::Doctor).then(|| format!("PMDC-{name}"));
        let participant = Participant { account_id: name.to_owned(), role, name: format!("{name} name"), pmdc };
        self.conns.insert(name.to_owned(), conn);
        self.owner.insert(conn, name.to_owned());
        self.board.handle_connect(self.now_ms, conn, participant);
        self.drain();
    }

    pub fn disconnect(&mut self, name: &str) {
        if let Some(conn) = self.conns.remove(name) {
            self.board.handle_disconnect(self.now_ms, conn);
            self.drain();
        }
    }

    /// Sends a typed message as the client would (through the JSON encoding).
    pub fn send(&mut self, name: &str, message: &ClientMessage) {
        self.send_text(name, &encode_client(message));
    }

    pub fn send_text(&mut self, name: &str, text: &str) {
        let conn = self.conns[name];
        self.board.handle_text(self.now_ms, conn, text);
        self.drain();
    }

    /// Moves the clock, firing every timeout due on the way.
    pub fn advance(&mut self, ms: u64) {
        let end = self.now_ms + ms;
        while let Some(due) = self.board.poll_timeout().filter(|&due| due <= end) {
            self.now_ms = self.now_ms.max(due);
            self.board.handle_timeout(self.now_ms);
            self.drain();
        }
        self.now_ms = end;
    }

    pub fn drain(&mut self) {
        while let Some(output) = self.board.poll_output() {
            match output {
                Output::Send(conn, message) => {
                    let name = self.owner.get(&conn).expect("the switchboard only sends to connections it was given");
                    // Every message survives its own encoding: the client can read what the server writes.
                    let text = eclinic_signal::wire::encode_server(&message);
                    assert_eq!(parse_server(&text).unwrap(), message);
                    self.inbox.entry(name.clone()).or_default().push(message);
                }
                Output::Close(conn, reason) => {
                    let name = self.owner[&conn].clone();
                    if self.conns.get(&name) == Some(&conn) {
                        self.conns.remove(&name);
                    }
                    self.closed.push((name, reason));
                }
                Output::Record(record) => self.records.push(record),
            }
        }
    }

    /// Takes everything `name` received so far.
    pub fn take(&mut self, name: &str) -> Vec<ServerMessage> {
        self.inbox.remove(name).unwrap_or_default()
    }

    /// The consult id of the last `queued` reply `name` got (consumes the inbox).
    pub fn queued_id(&mut self, name: &str) -> String {
        self.take(name)
            .into_iter()
            .rev()
            .find_map(|m| match m {
                ServerMessage::Queued { consult_id, .. } => Some(consult_id),
                _ => None,
            })
            .expect("a queued reply")
    }
}

pub fn queue(ticket: &str, priority: eclinic_signal::Priority) -> ClientMessage {
    ClientMessage::QueuePatient { ticket: ticket.into(), label: format!("label {ticket}"), priority }
}

pub fn error_codes(messages: &[ServerMessage]) -> Vec<eclinic_signal::ErrorCode> {
    messages
        .iter()
        .filter_map(|m| match m {
            ServerMessage::Error { code, .. } => Some(*code),
            _ => None,
        })
        .collect()
}
