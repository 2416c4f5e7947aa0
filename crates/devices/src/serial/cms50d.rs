//! Contec CMS50D+ live data (19200 baud, 8-O-1): 5-byte packets, only the first with bit 7 set.

use super::{SyncFrame, SyncParser};
use eclinic_domain::Timestamp;

/// The serial line settings the oximeter speaks.
pub const BAUD: u32 = 19_200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cms50Sample {
    pub received_at: Timestamp,
    pub signal_strength: u8,
    pub finger_out: bool,
    pub spo2_dropping: bool,
    pub beep: bool,
    pub pleth: u8,
    pub bar_graph: u8,
    pub probe_error: bool,
    pub searching: bool,
    /// Beats per minute; `None` while the device has no valid value (it sends 0 or 255 then).
    pub pulse_rate: Option<u16>,
    /// %; `None` while the device has no valid value (0 or 127).
    pub spo2: Option<u8>,
}

impl SyncFrame for Cms50Sample {
    const LEN: usize = 5;

    fn decode(at: Timestamp, frame: &[u8]) -> Option<Self> {
        <[u8; 5]>::try_from(frame).ok().map(|f| sample(at, f))
    }
}

fn sample(at: Timestamp, [b0, b1, b2, b3, b4]: [u8; 5]) -> Cms50Sample {
    let pulse = (u16::from(b2 & 0x40) << 1) | u16::from(b3 & 0x7F);
    let spo2 = b4 & 0x7F;
    Cms50Sample {
        received_at: at,
        signal_strength: b0 & 0x0F,
        finger_out: b0 & 0x10 != 0,
        spo2_dropping: b0 & 0x20 != 0,
        beep: b0 & 0x40 != 0,
        pleth: b1 & 0x7F,
        bar_graph: b2 & 0x0F,
        probe_error: b2 & 0x10 != 0,
        searching: b2 & 0x20 != 0,
        pulse_rate: (pulse != 0 && pulse != 0xFF).then_some(pulse),
        spo2: (spo2 != 0 && spo2 != 0x7F).then_some(spo2),
    }
}

/// Parser for the CMS50D+ live stream.
pub type Cms50dParser = SyncParser<Cms50Sample>;

/// Written to the oximeter to start sending its stored recording, and to stop it.
pub const START_DOWNLOAD: [u8; 2] = [0xF5, 0xF5];
pub const STOP_DOWNLOAD: [u8; 3] = [0xF6, 0xF6, 0xF6];

const PREAMBLE: [u8; 3] = [0xF2, 0x80, 0x00];
const PREAMBLE_REPEATS: usize = 3;

/// One second of a stored recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredSample {
    /// Position in the recording (0 = its first second).
    pub index: u32,
    pub pulse_rate: Option<u16>,
    pub spo2: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Download {
    /// Counting preamble bytes seen in sequence (three preambles of three bytes).
    Preamble(usize),
    Length(Vec<u8>),
    Records {
        expected: u32,
    },
    Complete,
}

/// Sans-IO parser for the CMS50D+ stored-data download: after [`START_DOWNLOAD`], the preamble `F2 80 00`
/// arrives three times, then a 3-byte length, then 3-byte records `[F0 | PR bit 7] [80 | PR bits 0-6] [SpO2]`.
/// The length is read as the number of record bytes, seven bits per byte, least significant first (the
/// protocol is reverse engineered and firmware variants differ: records are also accepted past it, and the
/// driver ends the download when the device falls silent). Bytes that fit no record are counted and
/// skipped.
#[derive(Debug, Clone)]
pub struct StoredDataParser {
    state: Download,
    partial: Vec<u8>,
    next_index: u32,
    pending: std::collections::VecDeque<StoredSample>,
    rejected_bytes: u64,
}

impl Default for StoredDataParser {
    fn default() -> Self {
        Self {
            state: Download::Preamble(0),
            partial: Vec::new(),
            next_index: 0,
            pending: std::collections::VecDeque::new(),
            rejected_bytes: 0,
        }
    }
}

impl StoredDataParser {
    pub fn handle_bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.handle_byte(byte);
        }
    }

    fn handle_byte(&mut self, byte: u8) {
        match &mut self.state {
            Download::Preamble(matched) => {
                if byte == PREAMBLE[*matched % PREAMBLE.len()] {
                    *matched += 1;
                } else {
                    self.rejected_bytes += 1;
                    *matched = usize::from(byte == PREAMBLE[0]);
                }
                if *matched == PREAMBLE.len() * PREAMBLE_REPEATS {
                    self.state = Download::Length(Vec::with_capacity(3));
                }
            }
            Download::Length(length) => {
                length.push(byte & 0x7F);
                if let [a, b, c] = length[..] {
                    let record_bytes = u32::from(a) | u32::from(b) << 7 | u32::from(c) << 14;
                    self.state = Download::Records { expected: record_bytes / 3 };
                }
            }
            Download::Records { .. } | Download::Complete => self.handle_record_byte(byte),
        }
    }

    fn handle_record_byte(&mut self, byte: u8) {
        let starts_record = byte & 0xF0 == 0xF0;
        if self.partial.is_empty() && !starts_record {
            self.rejected_bytes += 1;
            return;
        }
        if self.partial.len() == 1 && byte & 0x80 == 0 {
            self.rejected_bytes += 2;
            self.partial.clear();
            return;
        }
        self.partial.push(byte);
        if let [b0, b1, spo2] = self.partial[..] {
            self.partial.clear();
            let pulse = u16::from(b0 & 0x01) << 7 | u16::from(b1 & 0x7F);
            let spo2 = spo2 & 0x7F;
            self.pending.push_back(StoredSample {
                index: self.next_index,
                pulse_rate: (pulse != 0 && pulse != 0xFF).then_some(pulse),
                spo2: (spo2 != 0 && spo2 != 0x7F).then_some(spo2),
            });
            self.next_index = self.next_index.saturating_add(1);
            if let Download::Records { expected } = self.state
                && self.next_index >= expected
            {
                self.state = Download::Complete;
            }
        }
    }

    pub fn poll_sample(&mut self) -> Option<StoredSample> {
        self.pending.pop_front()
    }

    /// How many records the device announced, once its length has arrived.
    pub fn announced(&self) -> Option<u32> {
        match self.state {
            Download::Records { expected } => Some(expected),
            Download::Complete => Some(self.next_index),
            _ => None,
        }
    }

    /// Every announced record has arrived.
    pub fn is_complete(&self) -> bool {
        self.state == Download::Complete
    }

    pub fn rejected_bytes(&self) -> u64 {
        self.rejected_bytes
    }
}
