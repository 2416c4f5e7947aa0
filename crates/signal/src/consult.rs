//! A consult from queue to end, and the events the server records about it.

use crate::wire::{Outcome, Priority};

/// Where the description exchange stands; decides which relay messages are in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Negotiation {
    /// The doctor accepted; the doctor offers next.
    Accepted,
    Offered,
    Answered,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    Queued,
    Active { doctor: String, negotiation: Negotiation, accepted_at_ms: u64 },
}

#[derive(Clone, Debug)]
pub(crate) struct Consult {
    pub(crate) id: String,
    pub(crate) kiosk: String,
    pub(crate) ticket: String,
    pub(crate) label: String,
    pub(crate) priority: Priority,
    pub(crate) queued_at_ms: u64,
    pub(crate) stage: Stage,
}

impl Consult {
    pub(crate) fn doctor(&self) -> Option<&str> {
        match &self.stage {
            Stage::Queued => None,
            Stage::Active { doctor, .. } => Some(doctor),
        }
    }

    pub(crate) fn has_participant(&self, account: &str) -> bool {
        self.kiosk == account || self.doctor() == Some(account)
    }

    /// The other participant of an active consult.
    pub(crate) fn peer_of(&self, account: &str) -> Option<&str> {
        let doctor = self.doctor()?;
        if account == self.kiosk {
            Some(doctor)
        } else if account == doctor {
            Some(&self.kiosk)
        } else {
            None
        }
    }
}

/// What happened to a consult, for the server's consult log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsultEvent {
    Queued { kiosk: String, priority: Priority },
    Accepted { doctor: String },
    Ended { outcome: Outcome },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsultRecord {
    pub consult_id: String,
    pub event: ConsultEvent,
}
