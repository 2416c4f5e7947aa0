//! Nonin 9560 data format 13: spot-check records, one frame per measurement (or per record read from the
//! device's memory).
//!
//! Frame, as e-clinic reads the OEM description (multi-byte fields most significant byte first):
//! `00 02` (start), type u16, length u16, then `length` bytes of payload — a 7-byte date and time (century,
//! year, month, day, hour, minute, second), status u16 (`0x0200` SmartPoint, `0x0100` no measurement,
//! `0x0010` from memory, `0x0001` low battery), heart rate u16 (`0x01FF` none), a reserved byte, SpO2
//! (`0x7F` none) — then a checksum (the low byte of the sum of type, length and payload bytes) and `03`.
//! A frame whose checksum or end byte is wrong is dropped and counted; the parser looks for the next start.

use eclinic_domain::Timestamp;
use std::collections::VecDeque;

const START: [u8; 2] = [0x00, 0x02];
const END: u8 = 0x03;
/// Date and time, status, heart rate, reserved, SpO2.
const PAYLOAD_LEN: usize = 7 + 2 + 2 + 1 + 1;
/// Start, type, length, payload, checksum, end.
const FRAME_LEN: usize = 2 + 2 + 2 + PAYLOAD_LEN + 1 + 1;
const MAX_PENDING: usize = 1024;

/// The device's own clock at the measurement, as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoninTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoninSpotCheck {
    pub received_at: Timestamp,
    pub record_type: u16,
    pub device_time: NoninTime,
    /// Beats per minute; `None` when the device sends 0x1FF.
    pub heart_rate: Option<u16>,
    /// %; `None` when the device sends 0x7F.
    pub spo2: Option<u8>,
    pub smartpoint: bool,
    pub no_measurement: bool,
    pub from_memory: bool,
    pub low_battery: bool,
}

/// Sans-IO parser: `handle_bytes` with what the port delivered, then drain `poll_sample`.
#[derive(Debug, Clone, Default)]
pub struct NoninFormat13Parser {
    buffer: Vec<u8>,
    pending: VecDeque<NoninSpotCheck>,
    rejected_frames: u64,
}

impl NoninFormat13Parser {
    pub fn handle_bytes(&mut self, now: Timestamp, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
        loop {
            let Some(start) = self.buffer.windows(2).position(|w| w == START) else {
                // Keep a trailing 00: it may be the first half of the next start.
                let keep = usize::from(self.buffer.last() == Some(&START[0]));
                self.buffer.drain(..self.buffer.len() - keep);
                return;
            };
            self.buffer.drain(..start);
            if self.buffer.len() < FRAME_LEN {
                return;
            }
            match decode(now, &self.buffer[..FRAME_LEN]) {
                Some(sample) => {
                    if self.pending.len() == MAX_PENDING {
                        self.pending.pop_front();
                    }
                    self.pending.push_back(sample);
                    self.buffer.drain(..FRAME_LEN);
                }
                None => {
                    // Not a frame after all: skip this start and look for the next.
                    self.rejected_frames += 1;
                    self.buffer.drain(..1);
                }
            }
        }
    }

    pub fn poll_sample(&mut self) -> Option<NoninSpotCheck> {
        self.pending.pop_front()
    }

    /// Frames dropped for a wrong length, checksum or end byte.
    pub fn rejected_frames(&self) -> u64 {
        self.rejected_frames
    }
}

fn be16(high: u8, low: u8) -> u16 {
    u16::from_be_bytes([high, low])
}

fn decode(now: Timestamp, frame: &[u8]) -> Option<NoninSpotCheck> {
    let frame: &[u8; FRAME_LEN] = frame.try_into().ok()?;
    let [_, _, type_high, type_low, length_high, length_low, body @ .., checksum, end] = frame;
    if *end != END || usize::from(be16(*length_high, *length_low)) != PAYLOAD_LEN {
        return None;
    }
    let sum = frame[2..FRAME_LEN - 2].iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte));
    if sum != *checksum {
        return None;
    }
    let [century, year, month, day, hour, minute, second, status_high, status_low, hr_high, hr_low, _, spo2] = *body;
    let valid_time = (1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && minute < 60 && second < 60;
    if !valid_time || century > 99 || year > 99 {
        return None;
    }
    let status = be16(status_high, status_low);
    let heart_rate = be16(hr_high, hr_low) & 0x01FF;
    let spo2 = spo2 & 0x7F;
    Some(NoninSpotCheck {
        received_at: now,
        record_type: be16(*type_high, *type_low),
        device_time: NoninTime { year: u16::from(century) * 100 + u16::from(year), month, day, hour, minute, second },
        heart_rate: (heart_rate != 0x01FF).then_some(heart_rate),
        spo2: (spo2 != 0x7F).then_some(spo2),
        smartpoint: status & 0x0200 != 0,
        no_measurement: status & 0x0100 != 0,
        from_memory: status & 0x0010 != 0,
        low_battery: status & 0x0001 != 0,
    })
}
