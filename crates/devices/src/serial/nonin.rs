//! Nonin 9560 data format 8: 4-byte frames. The status byte carries the sync bit (bit 7), the other bytes
//! have bit 7 clear, which is how the parser finds frame starts in a byte stream.

use super::{SyncFrame, SyncParser};
use eclinic_domain::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoninSample {
    pub received_at: Timestamp,
    /// Beats per minute; `None` when the device sends its "missing" value (511).
    pub heart_rate: Option<u16>,
    /// %; `None` when the device sends its "missing" value (127).
    pub spo2: Option<u8>,
    pub out_of_track: bool,
    pub low_perfusion: bool,
    pub marginal_perfusion: bool,
    pub artifact: bool,
    pub smartpoint: bool,
    pub sensor_alarm: bool,
    pub low_battery: bool,
}

impl SyncFrame for NoninSample {
    const LEN: usize = 4;

    fn decode(at: Timestamp, frame: &[u8]) -> Option<Self> {
        <[u8; 4]>::try_from(frame).ok().map(|f| sample(at, f))
    }
}

fn sample(at: Timestamp, [status, hr_low, spo2, status2]: [u8; 4]) -> NoninSample {
    // Heart-rate bits 7-8 come from the status byte and are joined with `|` (an open-source parser used `&`,
    // which zeroes every rate).
    let heart_rate = (u16::from(status & 0x03) << 7) | u16::from(hr_low & 0x7F);
    let spo2 = spo2 & 0x7F;
    NoninSample {
        received_at: at,
        heart_rate: (heart_rate != 0x1FF).then_some(heart_rate),
        spo2: (spo2 != 0x7F).then_some(spo2),
        out_of_track: status & 0x20 != 0,
        low_perfusion: status & 0x10 != 0,
        marginal_perfusion: status & 0x08 != 0,
        artifact: status & 0x04 != 0,
        smartpoint: status2 & 0x20 != 0,
        sensor_alarm: status2 & 0x08 != 0,
        low_battery: status2 & 0x01 != 0,
    }
}

/// Parser for data format 8.
pub type NoninFormat8Parser = SyncParser<NoninSample>;
