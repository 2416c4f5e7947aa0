//! The server's signalling state machine: connections, presence, the queue and consults.

use std::collections::{BTreeMap, VecDeque};

use crate::consult::{Consult, ConsultEvent, ConsultRecord, Negotiation, Stage};
use crate::limits::{RATE_BURST, TokenBucket};
use crate::queue::{DEFAULT_CONSULT_MS, estimated_wait_s, ordered, updated_mean};
use crate::wire::{
    ClientMessage, DoctorCard, ErrorCode, Outcome, Presence, QueueEntry, Role, ServerMessage, parse_client,
};

/// A kiosk that drops off keeps its patients' places this long (EDGE links come back slowly).
pub const QUEUE_GRACE_MS: u64 = 120_000;
/// A consult survives a participant's disconnect this long.
pub const CONSULT_GRACE_MS: u64 = 45_000;
/// Queue positions are sent at most this often (a change at the head moves every kiosk behind it).
pub const POSITION_FLUSH_MS: u64 = 1_000;
pub const MAX_QUEUED_PER_KIOSK: usize = 20;
/// Messages refused in a row for the rate limit before the connection is closed.
const STRIKES_BEFORE_CLOSE: u64 = 3 * RATE_BURST;

/// The driver's handle for one WebSocket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u64);

/// Who is on a connection, as the server authenticated it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    pub account_id: String,
    pub role: Role,
    /// The kiosk's name, or the doctor's name as kiosks see it.
    pub name: String,
    pub pmdc: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The same account connected again; the older connection goes.
    Replaced,
    RateLimited,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    Send(ConnId, ServerMessage),
    Close(ConnId, CloseReason),
    Record(ConsultRecord),
}

#[derive(Debug)]
struct Connection {
    account: String,
    bucket: TokenBucket,
    strikes: u64,
}

#[derive(Debug)]
struct Account {
    participant: Participant,
    conn: Option<ConnId>,
    gone_since_ms: Option<u64>,
    /// Doctors: `Online` or `Away` as they set it (busy is derived from their consults).
    presence: Presence,
}

/// The signalling state machine. See the crate documentation for how it is driven.
#[derive(Debug)]
pub struct Switchboard {
    instance: String,
    minted: u64,
    conns: BTreeMap<ConnId, Connection>,
    accounts: BTreeMap<String, Account>,
    consults: BTreeMap<String, Consult>,
    /// What each queued consult's kiosk was last told (position, estimate).
    told: BTreeMap<String, (u32, Option<u64>)>,
    outputs: VecDeque<Output>,
    positions_due_ms: Option<u64>,
    mean_consult_ms: u64,
    doctors_online_told: Option<u32>,
}

type Handled = Result<(), (ErrorCode, &'static str)>;

impl Switchboard {
    /// `instance` prefixes consult ids so ids from two server runs never collide (the driver passes a random
    /// value; tests pass a fixed one).
    pub fn new(instance: &str) -> Self {
        Self {
            instance: instance.to_owned(),
            minted: 0,
            conns: BTreeMap::new(),
            accounts: BTreeMap::new(),
            consults: BTreeMap::new(),
            told: BTreeMap::new(),
            outputs: VecDeque::new(),
            positions_due_ms: None,
            mean_consult_ms: DEFAULT_CONSULT_MS,
            doctors_online_told: None,
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When `handle_timeout` should next run, if anything is pending.
    pub fn poll_timeout(&self) -> Option<u64> {
        let graces = self.consults.values().filter_map(|c| self.abandon_at(c));
        graces.chain(self.positions_due_ms).min()
    }

    pub fn queue_len(&self) -> usize {
        self.consults.values().filter(|c| c.stage == Stage::Queued).count()
    }

    pub fn consult_count(&self) -> usize {
        self.consults.len()
    }

    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// The kiosk and (once accepted) doctor account of a consult.
    pub fn participants(&self, consult_id: &str) -> Option<(&str, Option<&str>)> {
        self.consults.get(consult_id).map(|c| (c.kiosk.as_str(), c.doctor()))
    }

    /// The account on a connection.
    pub fn account_of(&self, conn: ConnId) -> Option<&str> {
        self.conns.get(&conn).map(|c| c.account.as_str())
    }

    pub fn handle_connect(&mut self, now_ms: u64, conn: ConnId, participant: Participant) {
        let account_id = participant.account_id.clone();
        let role = participant.role;
        if let Some(old) = self.accounts.get(&account_id).and_then(|a| a.conn) {
            self.conns.remove(&old);
            self.outputs.push_back(Output::Close(old, CloseReason::Replaced));
        }
        self.conns
            .insert(conn, Connection { account: account_id.clone(), bucket: TokenBucket::full(now_ms), strikes: 0 });
        let name = participant.name.clone();
        let account = self.accounts.entry(account_id.clone()).or_insert_with(|| Account {
            participant: participant.clone(),
            conn: None,
            gone_since_ms: None,
            presence: Presence::Online,
        });
        account.participant = participant;
        account.conn = Some(conn);
        let was_gone = account.gone_since_ms.take().is_some();
        self.send_conn(conn, ServerMessage::Welcome { name, role });
        match role {
            Role::Kiosk => {
                let count = self.doctors_available().1;
                self.send_conn(conn, ServerMessage::DoctorsOnline { count });
            }
            Role::Doctor => {
                let entries = ordered(self.consults.values()).into_iter().map(|c| self.entry(c, now_ms)).collect();
                self.send_conn(conn, ServerMessage::QueueSnapshot { entries });
            }
        }
        self.resume(now_ms, &account_id, role, was_gone);
        if role == Role::Doctor {
            self.doctors_changed(now_ms);
        }
    }

    /// Tells a (re)connected participant about its open consults, and their peers that it is back.
    fn resume(&mut self, now_ms: u64, account_id: &str, role: Role, was_gone: bool) {
        let mine: Vec<Consult> = self.consults.values().filter(|c| c.has_participant(account_id)).cloned().collect();
        for consult in mine {
            match (&consult.stage, role) {
                (Stage::Queued, _) => {
                    self.told.remove(&consult.id);
                    self.mark_positions(now_ms);
                    let entry = self.entry(&consult, now_ms);
                    self.send_doctors(&ServerMessage::QueueUpdated { entry });
                }
                (Stage::Active { doctor, .. }, Role::Kiosk) => {
                    let card = self.card(doctor);
                    self.send_account(
                        account_id,
                        ServerMessage::Accepted { consult_id: consult.id.clone(), doctor: card },
                    );
                }
                (Stage::Active { .. }, Role::Doctor) => {
                    let started = started_message(&consult, self.name(&consult.kiosk));
                    self.send_account(account_id, started);
                }
            }
            if was_gone && let Some(peer) = consult.peer_of(account_id) {
                self.send_account(peer, ServerMessage::PeerBack { consult_id: consult.id.clone() });
            }
        }
    }

    pub fn handle_disconnect(&mut self, now_ms: u64, conn: ConnId) {
        let Some(connection) = self.conns.remove(&conn) else { return };
        let Some(account) = self.accounts.get_mut(&connection.account) else { return };
        if account.conn != Some(conn) {
            return;
        }
        account.conn = None;
        account.gone_since_ms = Some(now_ms);
        let role = account.participant.role;
        let account_id = connection.account;
        let mine: Vec<Consult> = self.consults.values().filter(|c| c.has_participant(&account_id)).cloned().collect();
        for consult in &mine {
            if consult.stage == Stage::Queued {
                let entry = self.entry(consult, now_ms);
                self.send_doctors(&ServerMessage::QueueUpdated { entry });
            } else if let Some(peer) = consult.peer_of(&account_id) {
                self.send_account(peer, ServerMessage::PeerAway { consult_id: consult.id.clone() });
            }
        }
        if mine.is_empty() {
            self.accounts.remove(&account_id);
        }
        if role == Role::Doctor {
            self.doctors_changed(now_ms);
        }
    }

    pub fn handle_timeout(&mut self, now_ms: u64) {
        let expired: Vec<String> = self
            .consults
            .values()
            .filter(|c| self.abandon_at(c).is_some_and(|at| at <= now_ms))
            .map(|c| c.id.clone())
            .collect();
        for id in expired {
            self.end(now_ms, &id, Outcome::Abandoned);
        }
        if self.positions_due_ms.is_some_and(|due| due <= now_ms) {
            self.flush_positions();
        }
    }

    /// One text message from a connection.
    pub fn handle_text(&mut self, now_ms: u64, conn: ConnId, text: &str) {
        let Some(connection) = self.conns.get_mut(&conn) else { return };
        if !connection.bucket.take(now_ms) {
            connection.strikes += 1;
            let strikes = connection.strikes;
            if strikes >= STRIKES_BEFORE_CLOSE {
                self.outputs.push_back(Output::Close(conn, CloseReason::RateLimited));
                self.handle_disconnect(now_ms, conn);
            } else if strikes == 1 {
                self.send_error(conn, ErrorCode::RateLimited, "too many messages; slow down", None);
            }
            return;
        }
        connection.strikes = 0;
        let account_id = connection.account.clone();
        let message = match parse_client(text) {
            Ok(message) => message,
            Err(error) => {
                let text = error.to_string();
                self.send_error_text(conn, error.code(), text, None);
                return;
            }
        };
        let consult_id = consult_of(&message).map(str::to_owned);
        if let Err((code, why)) = self.dispatch(now_ms, conn, &account_id, message) {
            self.send_error(conn, code, why, consult_id);
        }
    }

    fn dispatch(&mut self, now_ms: u64, conn: ConnId, account_id: &str, message: ClientMessage) -> Handled {
        let role =
            self.accounts.get(account_id).map(|a| a.participant.role).ok_or((ErrorCode::NotAllowed, "no account"))?;
        use ClientMessage as M;
        match (message, role) {
            (M::Ping { nonce }, _) => {
                self.send_conn(conn, ServerMessage::Pong { nonce });
                Ok(())
            }
            (M::QueuePatient { ticket, label, priority }, Role::Kiosk) => {
                self.queue_patient(now_ms, account_id, ticket, label, priority)
            }
            (M::CancelQueue { consult_id }, Role::Kiosk) => {
                let consult = self.own_consult(account_id, &consult_id)?;
                if consult.stage != Stage::Queued {
                    return Err((ErrorCode::OutOfOrder, "already accepted: end the consult instead"));
                }
                self.end(now_ms, &consult_id, Outcome::Cancelled);
                Ok(())
            }
            (M::SetPresence { status }, Role::Doctor) => {
                if let Some(account) = self.accounts.get_mut(account_id) {
                    account.presence = status;
                }
                self.doctors_changed(now_ms);
                Ok(())
            }
            (M::Accept { consult_id }, Role::Doctor) => {
                self.check_free(account_id)?;
                let consult = self.consults.get(&consult_id).ok_or((ErrorCode::UnknownConsult, "no such consult"))?;
                if consult.stage != Stage::Queued {
                    return Err((ErrorCode::UnknownConsult, "no such consult waiting"));
                }
                if !self.connected(&consult.kiosk) {
                    return Err((ErrorCode::PeerAway, "the kiosk is reconnecting"));
                }
                self.activate(now_ms, &consult_id, account_id);
                Ok(())
            }
            (M::TakeNext, Role::Doctor) => {
                self.check_free(account_id)?;
                let next = ordered(self.consults.values())
                    .into_iter()
                    .find(|c| self.connected(&c.kiosk))
                    .map(|c| c.id.clone());
                let consult_id = next.ok_or((ErrorCode::QueueEmpty, "no patient is waiting"))?;
                self.activate(now_ms, &consult_id, account_id);
                Ok(())
            }
            (M::Offer { consult_id, sdp }, Role::Doctor) => {
                self.negotiate(
                    account_id,
                    &consult_id,
                    &[Negotiation::Accepted, Negotiation::Offered, Negotiation::Answered],
                    Some(Negotiation::Offered),
                )?;
                self.relay(account_id, &consult_id, ServerMessage::Offer { consult_id: consult_id.clone(), sdp })
            }
            (M::Answer { consult_id, sdp }, Role::Kiosk) => {
                self.negotiate(account_id, &consult_id, &[Negotiation::Offered], Some(Negotiation::Answered))?;
                self.relay(account_id, &consult_id, ServerMessage::Answer { consult_id: consult_id.clone(), sdp })
            }
            (M::Candidate { consult_id, candidate, sdp_mid, sdp_mline_index }, role) => {
                let allowed: &[Negotiation] = match role {
                    Role::Doctor => &[Negotiation::Offered, Negotiation::Answered],
                    Role::Kiosk => &[Negotiation::Answered],
                };
                self.negotiate(account_id, &consult_id, allowed, None)?;
                let relayed =
                    ServerMessage::Candidate { consult_id: consult_id.clone(), candidate, sdp_mid, sdp_mline_index };
                self.relay(account_id, &consult_id, relayed)
            }
            (M::End { consult_id }, _) => {
                let consult = self.own_consult(account_id, &consult_id)?;
                let outcome = if consult.stage == Stage::Queued { Outcome::Cancelled } else { Outcome::Completed };
                self.end(now_ms, &consult_id, outcome);
                Ok(())
            }
            _ => Err((ErrorCode::NotAllowed, "not a message for this role")),
        }
    }

    fn queue_patient(
        &mut self,
        now_ms: u64,
        kiosk: &str,
        ticket: String,
        label: String,
        priority: crate::Priority,
    ) -> Handled {
        let existing = self.consults.values().find(|c| c.kiosk == kiosk && c.ticket == ticket).cloned();
        if let Some(consult) = existing {
            // A retry of a request that already went through: answer it again, queue nothing new.
            match &consult.stage {
                Stage::Queued => self.send_queued(&consult),
                Stage::Active { doctor, .. } => {
                    let card = self.card(doctor);
                    self.send_account(kiosk, ServerMessage::Accepted { consult_id: consult.id.clone(), doctor: card });
                }
            }
            return Ok(());
        }
        let waiting = self.consults.values().filter(|c| c.kiosk == kiosk && c.stage == Stage::Queued).count();
        if waiting >= MAX_QUEUED_PER_KIOSK {
            return Err((ErrorCode::QueueFull, "this kiosk has too many patients waiting"));
        }
        self.minted += 1;
        let id = format!("{}-{}", self.instance, self.minted);
        let consult = Consult {
            id: id.clone(),
            kiosk: kiosk.to_owned(),
            ticket,
            label,
            priority,
            queued_at_ms: now_ms,
            stage: Stage::Queued,
        };
        self.consults.insert(id.clone(), consult.clone());
        self.record(&id, ConsultEvent::Queued { kiosk: kiosk.to_owned(), priority });
        self.send_queued(&consult);
        let entry = self.entry(&consult, now_ms);
        self.send_doctors(&ServerMessage::QueueUpdated { entry });
        self.mark_positions(now_ms);
        Ok(())
    }

    fn send_queued(&mut self, consult: &Consult) {
        let (position, estimated_wait_s) = self.position_of(&consult.id);
        self.told.insert(consult.id.clone(), (position, estimated_wait_s));
        let message = ServerMessage::Queued {
            ticket: consult.ticket.clone(),
            consult_id: consult.id.clone(),
            position,
            estimated_wait_s,
        };
        self.send_account(&consult.kiosk, message);
    }

    fn position_of(&self, consult_id: &str) -> (u32, Option<u64>) {
        let position = ordered(self.consults.values()).iter().position(|c| c.id == consult_id).map_or(0, |i| i + 1);
        let position = u32::try_from(position).unwrap_or(u32::MAX);
        let (free, online) = self.doctors_available();
        (position, estimated_wait_s(position, free, online, self.mean_consult_ms))
    }

    fn check_free(&self, doctor: &str) -> Handled {
        let account = self.accounts.get(doctor).ok_or((ErrorCode::NotAllowed, "no account"))?;
        if account.presence != Presence::Online {
            return Err((ErrorCode::NotOnline, "set presence to online first"));
        }
        if self.consults.values().any(|c| c.doctor() == Some(doctor)) {
            return Err((ErrorCode::Busy, "already in a consult"));
        }
        Ok(())
    }

    fn activate(&mut self, now_ms: u64, consult_id: &str, doctor: &str) {
        let Some(consult) = self.consults.get_mut(consult_id) else { return };
        consult.stage =
            Stage::Active { doctor: doctor.to_owned(), negotiation: Negotiation::Accepted, accepted_at_ms: now_ms };
        let consult = consult.clone();
        self.told.remove(consult_id);
        self.record(consult_id, ConsultEvent::Accepted { doctor: doctor.to_owned() });
        let card = self.card(doctor);
        self.send_account(&consult.kiosk, ServerMessage::Accepted { consult_id: consult_id.to_owned(), doctor: card });
        let started = started_message(&consult, self.name(&consult.kiosk));
        self.send_account(doctor, started);
        self.send_doctors(&ServerMessage::QueueRemoved { consult_id: consult_id.to_owned() });
        self.doctors_changed(now_ms);
    }

    /// Checks that `account` takes part in an active consult whose negotiation is in one of `allowed`, and
    /// moves it to `next`.
    fn negotiate(
        &mut self,
        account: &str,
        consult_id: &str,
        allowed: &[Negotiation],
        next: Option<Negotiation>,
    ) -> Handled {
        let consult = self.own_consult(account, consult_id)?;
        let Stage::Active { negotiation, .. } = &consult.stage else {
            return Err((ErrorCode::OutOfOrder, "the consult has not been accepted"));
        };
        if !allowed.contains(negotiation) {
            return Err((ErrorCode::OutOfOrder, "not expected at this point of the negotiation"));
        }
        let peer = consult.peer_of(account).unwrap_or_default().to_owned();
        if !self.connected(&peer) {
            return Err((ErrorCode::PeerAway, "the other side is reconnecting"));
        }
        if let (Some(next), Some(consult)) = (next, self.consults.get_mut(consult_id))
            && let Stage::Active { negotiation, .. } = &mut consult.stage
        {
            *negotiation = next;
        }
        Ok(())
    }

    fn relay(&mut self, from: &str, consult_id: &str, message: ServerMessage) -> Handled {
        let peer = self.consults.get(consult_id).and_then(|c| c.peer_of(from)).map(str::to_owned);
        let peer = peer.ok_or((ErrorCode::UnknownConsult, "no such consult"))?;
        self.send_account(&peer, message);
        Ok(())
    }

    fn own_consult(&self, account: &str, consult_id: &str) -> Result<&Consult, (ErrorCode, &'static str)> {
        self.consults
            .get(consult_id)
            .filter(|c| c.has_participant(account))
            .ok_or((ErrorCode::UnknownConsult, "no such consult"))
    }

    fn end(&mut self, now_ms: u64, consult_id: &str, outcome: Outcome) {
        let Some(consult) = self.consults.remove(consult_id) else { return };
        self.told.remove(consult_id);
        self.record(consult_id, ConsultEvent::Ended { outcome });
        let ended = ServerMessage::Ended { consult_id: consult_id.to_owned(), outcome };
        self.send_account(&consult.kiosk, ended.clone());
        match &consult.stage {
            Stage::Queued => {
                self.send_doctors(&ServerMessage::QueueRemoved { consult_id: consult_id.to_owned() });
                self.mark_positions(now_ms);
            }
            Stage::Active { doctor, accepted_at_ms, .. } => {
                self.send_account(doctor, ended);
                if outcome == Outcome::Completed {
                    self.mean_consult_ms = updated_mean(self.mean_consult_ms, now_ms.saturating_sub(*accepted_at_ms));
                }
                self.forget_if_idle(doctor);
                self.doctors_changed(now_ms);
            }
        }
        self.forget_if_idle(&consult.kiosk);
    }

    /// Drops a disconnected account once nothing of it is left.
    fn forget_if_idle(&mut self, account: &str) {
        let gone = self.accounts.get(account).is_some_and(|a| a.conn.is_none());
        if gone && !self.consults.values().any(|c| c.has_participant(account)) {
            self.accounts.remove(account);
        }
    }

    /// When a consult is abandoned: its kiosk (or, once active, either side) gone longer than the grace.
    fn abandon_at(&self, consult: &Consult) -> Option<u64> {
        let gone = |account: &str| self.accounts.get(account).and_then(|a| a.gone_since_ms);
        match consult.doctor() {
            None => gone(&consult.kiosk).map(|since| since + QUEUE_GRACE_MS),
            Some(doctor) => {
                [gone(&consult.kiosk), gone(doctor)].into_iter().flatten().min().map(|since| since + CONSULT_GRACE_MS)
            }
        }
    }

    /// Connected doctors who are online: (free, all of them).
    fn doctors_available(&self) -> (u32, u32) {
        let online: Vec<&str> = self
            .accounts
            .iter()
            .filter(|(_, a)| a.participant.role == Role::Doctor && a.conn.is_some() && a.presence == Presence::Online)
            .map(|(id, _)| id.as_str())
            .collect();
        let free = online.iter().filter(|d| !self.consults.values().any(|c| c.doctor() == Some(d))).count();
        (u32::try_from(free).unwrap_or(u32::MAX), u32::try_from(online.len()).unwrap_or(u32::MAX))
    }

    fn doctors_changed(&mut self, now_ms: u64) {
        let count = self.doctors_available().1;
        if self.doctors_online_told != Some(count) {
            self.doctors_online_told = Some(count);
            self.send_kiosks(&ServerMessage::DoctorsOnline { count });
        }
        self.mark_positions(now_ms);
    }

    fn mark_positions(&mut self, now_ms: u64) {
        if self.positions_due_ms.is_none() && self.queue_len() > 0 {
            self.positions_due_ms = Some(now_ms + POSITION_FLUSH_MS);
        }
    }

    fn flush_positions(&mut self) {
        self.positions_due_ms = None;
        let (free, online) = self.doctors_available();
        let queue: Vec<(String, String)> =
            ordered(self.consults.values()).into_iter().map(|c| (c.id.clone(), c.kiosk.clone())).collect();
        for (index, (consult_id, kiosk)) in queue.into_iter().enumerate() {
            let position = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let place = (position, estimated_wait_s(position, free, online, self.mean_consult_ms));
            if self.told.get(&consult_id) == Some(&place) || !self.connected(&kiosk) {
                continue;
            }
            self.told.insert(consult_id.clone(), place);
            self.send_account(
                &kiosk,
                ServerMessage::Position { consult_id, position: place.0, estimated_wait_s: place.1 },
            );
        }
    }

    fn entry(&self, consult: &Consult, now_ms: u64) -> QueueEntry {
        QueueEntry {
            consult_id: consult.id.clone(),
            kiosk: self.name(&consult.kiosk),
            label: consult.label.clone(),
            priority: consult.priority,
            queued_for_s: now_ms.saturating_sub(consult.queued_at_ms) / 1000,
            kiosk_connected: self.connected(&consult.kiosk),
        }
    }

    fn name(&self, account: &str) -> String {
        self.accounts.get(account).map(|a| a.participant.name.clone()).unwrap_or_default()
    }

    fn card(&self, doctor: &str) -> DoctorCard {
        let participant = self.accounts.get(doctor).map(|a| &a.participant);
        DoctorCard { name: self.name(doctor), pmdc: participant.and_then(|p| p.pmdc.clone()) }
    }

    fn connected(&self, account: &str) -> bool {
        self.accounts.get(account).is_some_and(|a| a.conn.is_some())
    }

    fn record(&mut self, consult_id: &str, event: ConsultEvent) {
        self.outputs.push_back(Output::Record(ConsultRecord { consult_id: consult_id.to_owned(), event }));
    }

    fn send_conn(&mut self, conn: ConnId, message: ServerMessage) {
        self.outputs.push_back(Output::Send(conn, message));
    }

    fn send_account(&mut self, account: &str, message: ServerMessage) {
        if let Some(conn) = self.accounts.get(account).and_then(|a| a.conn) {
            self.send_conn(conn, message);
        }
    }

    fn send_role(&mut self, role: Role, message: &ServerMessage) {
        let conns: Vec<ConnId> =
            self.accounts.values().filter(|a| a.participant.role == role).filter_map(|a| a.conn).collect();
        for conn in conns {
            self.send_conn(conn, message.clone());
        }
    }

    fn send_doctors(&mut self, message: &ServerMessage) {
        self.send_role(Role::Doctor, message);
    }

    fn send_kiosks(&mut self, message: &ServerMessage) {
        self.send_role(Role::Kiosk, message);
    }

    fn send_error(&mut self, conn: ConnId, code: ErrorCode, message: &str, consult_id: Option<String>) {
        self.send_error_text(conn, code, message.to_owned(), consult_id);
    }

    fn send_error_text(&mut self, conn: ConnId, code: ErrorCode, message: String, consult_id: Option<String>) {
        self.send_conn(conn, ServerMessage::Error { code, message, consult_id });
    }
}

fn started_message(consult: &Consult, kiosk_name: String) -> ServerMessage {
    ServerMessage::ConsultStarted {
        consult_id: consult.id.clone(),
        kiosk: kiosk_name,
        label: consult.label.clone(),
        priority: consult.priority,
    }
}

fn consult_of(message: &ClientMessage) -> Option<&str> {
    use ClientMessage as M;
    match message {
        M::CancelQueue { consult_id }
        | M::Accept { consult_id }
        | M::Offer { consult_id, .. }
        | M::Answer { consult_id, .. }
        | M::Candidate { consult_id, .. }
        | M::End { consult_id } => Some(consult_id),
        M::QueuePatient { .. } | M::SetPresence { .. } | M::TakeNext | M::Ping { .. } => None,
    }
}
