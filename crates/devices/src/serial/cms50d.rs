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
