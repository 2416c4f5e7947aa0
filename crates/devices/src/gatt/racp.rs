//! Record Access Control Point (0x2A52): how a glucose meter is asked for the records it stored while no one
//! was listening. Requests are written (with indications on), records arrive as Glucose Measurement values,
//! and the procedure ends with a response code. [`GlucoseDownload`] is the sans-IO procedure.

use std::collections::VecDeque;

use super::glucose::{self, Glucose, GlucoseDeduplicator};
use crate::error::DecodeError;
use crate::reader::Reader;

/// The Record Access Control Point characteristic.
pub const RACP_UUID16: u16 = 0x2A52;

const REPORT_STORED_RECORDS: u8 = 0x01;
const ABORT_OPERATION: u8 = 0x03;
const REPORT_NUMBER_OF_RECORDS: u8 = 0x04;
const NUMBER_OF_RECORDS_RESPONSE: u8 = 0x05;
const RESPONSE_CODE: u8 = 0x06;
const OPERATOR_NULL: u8 = 0x00;
const OPERATOR_ALL: u8 = 0x01;
const OPERATOR_GREATER_OR_EQUAL: u8 = 0x03;
const FILTER_SEQUENCE_NUMBER: u8 = 0x01;

/// A meter has 30 s to finish a procedure (the profile's RACP timeout); after that it is abandoned.
pub const PROCEDURE_TIMEOUT_MS: u64 = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RacpRequest {
    ReportAll,
    /// Records with a sequence number at or above this one.
    ReportFrom(u16),
    CountAll,
    Abort,
}

impl RacpRequest {
    pub fn encode(self) -> Vec<u8> {
        match self {
            RacpRequest::ReportAll => vec![REPORT_STORED_RECORDS, OPERATOR_ALL],
            RacpRequest::ReportFrom(sequence) => {
                let [low, high] = sequence.to_le_bytes();
                vec![REPORT_STORED_RECORDS, OPERATOR_GREATER_OR_EQUAL, FILTER_SEQUENCE_NUMBER, low, high]
            }
            RacpRequest::CountAll => vec![REPORT_NUMBER_OF_RECORDS, OPERATOR_ALL],
            RacpRequest::Abort => vec![ABORT_OPERATION, OPERATOR_NULL],
        }
    }
}

impl RacpRequest {
    /// Reads a request as a meter does (simulated meters answer with it); `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [REPORT_STORED_RECORDS, OPERATOR_ALL] => Some(RacpRequest::ReportAll),
            [REPORT_STORED_RECORDS, OPERATOR_GREATER_OR_EQUAL, FILTER_SEQUENCE_NUMBER, low, high] => {
                Some(RacpRequest::ReportFrom(u16::from_le_bytes([*low, *high])))
            }
            [REPORT_NUMBER_OF_RECORDS, OPERATOR_ALL] => Some(RacpRequest::CountAll),
            [ABORT_OPERATION, OPERATOR_NULL] => Some(RacpRequest::Abort),
            _ => None,
        }
    }
}

/// The response codes of the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RacpCode {
    Success,
    OpCodeNotSupported,
    InvalidOperator,
    OperatorNotSupported,
    InvalidOperand,
    NoRecordsFound,
    AbortUnsuccessful,
    ProcedureNotCompleted,
    OperandNotSupported,
    Other(u8),
}

impl From<u8> for RacpCode {
    fn from(value: u8) -> Self {
        match value {
            1 => RacpCode::Success,
            2 => RacpCode::OpCodeNotSupported,
            3 => RacpCode::InvalidOperator,
            4 => RacpCode::OperatorNotSupported,
            5 => RacpCode::InvalidOperand,
            6 => RacpCode::NoRecordsFound,
            7 => RacpCode::AbortUnsuccessful,
            8 => RacpCode::ProcedureNotCompleted,
            9 => RacpCode::OperandNotSupported,
            other => RacpCode::Other(other),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RacpResponse {
    NumberOfRecords(u16),
    /// The end of the procedure started by `request_opcode`.
    Done {
        request_opcode: u8,
        code: RacpCode,
    },
}

pub fn decode_response(bytes: &[u8]) -> Result<RacpResponse, DecodeError> {
    let mut r = Reader::new("RACP response", bytes);
    let opcode = r.u8()?;
    let operator = r.u8()?;
    if operator != OPERATOR_NULL {
        return Err(DecodeError::Reserved { what: "RACP response operator", value: operator.into() });
    }
    match opcode {
        NUMBER_OF_RECORDS_RESPONSE => Ok(RacpResponse::NumberOfRecords(r.u16()?)),
        RESPONSE_CODE => Ok(RacpResponse::Done { request_opcode: r.u8()?, code: r.u8()?.into() }),
        other => Err(DecodeError::Reserved { what: "RACP response op code", value: other.into() }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadState {
    Running,
    /// The meter said it sent everything asked for (or had nothing new).
    Finished,
    /// The meter refused or did not answer in time; records already received stay received.
    Failed(DownloadFailure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadFailure {
    Refused(RacpCode),
    TimedOut,
}

/// Downloads a meter's stored glucose records newer than those already seen. Feed it the meter's
/// Glucose Measurement and RACP indications with `handle_*`, write what `poll_write` gives to the RACP
/// characteristic, take new records from `poll_record`, and call `handle_timeout` at `poll_timeout`.
#[derive(Debug)]
pub struct GlucoseDownload {
    seen: GlucoseDeduplicator,
    writes: VecDeque<Vec<u8>>,
    records: VecDeque<Glucose>,
    state: DownloadState,
    deadline_ms: u64,
    rejected: u64,
}

impl GlucoseDownload {
    /// Starts a download. `seen` holds the sequence numbers already recorded from this meter.
    pub fn start(now_ms: u64, seen: GlucoseDeduplicator) -> Self {
        let request = match seen.last_sequence() {
            Some(last) if last < u16::MAX => RacpRequest::ReportFrom(last + 1),
            _ => RacpRequest::ReportAll,
        };
        Self {
            seen,
            writes: VecDeque::from([request.encode()]),
            records: VecDeque::new(),
            state: DownloadState::Running,
            deadline_ms: now_ms.saturating_add(PROCEDURE_TIMEOUT_MS),
            rejected: 0,
        }
    }

    /// A Glucose Measurement indication. Each record keeps the procedure alive.
    pub fn handle_measurement(&mut self, now_ms: u64, bytes: &[u8]) {
        match glucose::decode(bytes) {
            Ok(record) => {
                if self.seen.is_new(&record) {
                    self.records.push_back(record);
                }
                if self.state == DownloadState::Running {
                    self.deadline_ms = now_ms.saturating_add(PROCEDURE_TIMEOUT_MS);
                }
            }
            Err(_) => self.rejected += 1,
        }
    }

    /// An RACP indication.
    pub fn handle_racp(&mut self, _now_ms: u64, bytes: &[u8]) {
        if self.state != DownloadState::Running {
            return;
        }
        match decode_response(bytes) {
            Ok(RacpResponse::Done { request_opcode: REPORT_STORED_RECORDS, code }) => {
                self.state = match code {
                    RacpCode::Success | RacpCode::NoRecordsFound => DownloadState::Finished,
                    refused => DownloadState::Failed(DownloadFailure::Refused(refused)),
                };
            }
            Ok(_) => {}
            Err(_) => self.rejected += 1,
        }
    }

    pub fn handle_timeout(&mut self, now_ms: u64) {
        if self.state == DownloadState::Running && now_ms >= self.deadline_ms {
            self.state = DownloadState::Failed(DownloadFailure::TimedOut);
            self.writes.push_back(RacpRequest::Abort.encode());
        }
    }

    pub fn poll_write(&mut self) -> Option<Vec<u8>> {
        self.writes.pop_front()
    }

    pub fn poll_record(&mut self) -> Option<Glucose> {
        self.records.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<u64> {
        (self.state == DownloadState::Running).then_some(self.deadline_ms)
    }

    pub fn state(&self) -> DownloadState {
        self.state
    }

    /// Values that did not decode (counted, never guessed at).
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// What was seen, to persist for the next download from this meter.
    pub fn into_seen(self) -> GlucoseDeduplicator {
        self.seen
    }
}
