//! A bounds-checked little-endian cursor over a characteristic value.

use crate::error::DecodeError;
use crate::ieee11073::{self, Numeric};

/// Date Time (0x2A08) as sent, with unknown parts as `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceTime {
    pub year: Option<u16>,
    pub month: Option<u8>,
    pub day: Option<u8>,
    pub hours: u8,
    pub minutes: u8,
    pub seconds: u8,
}

pub(crate) struct Reader<'a> {
    what: &'static str,
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    pub fn new(what: &'static str, bytes: &'a [u8]) -> Self {
        Self { what, bytes, offset: 0 }
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let rest = &self.bytes[self.offset.min(self.bytes.len())..];
        let chunk: [u8; N] = rest.get(..N).and_then(|c| c.try_into().ok()).ok_or(DecodeError::Truncated {
            what: self.what,
            offset: self.offset,
            needed: N - rest.len().min(N),
        })?;
        self.offset += N;
        Ok(chunk)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        self.take::<1>().map(|[b]| b)
    }

    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        self.take::<2>().map(u16::from_le_bytes)
    }

    pub fn i16(&mut self) -> Result<i16, DecodeError> {
        self.take::<2>().map(i16::from_le_bytes)
    }

    pub fn u24(&mut self) -> Result<u32, DecodeError> {
        self.take::<3>().map(|[a, b, c]| u32::from_le_bytes([a, b, c, 0]))
    }

    pub fn sfloat(&mut self) -> Result<Numeric, DecodeError> {
        self.u16().map(ieee11073::sfloat)
    }

    pub fn float(&mut self) -> Result<Numeric, DecodeError> {
        self.take::<4>().map(|b| ieee11073::float(u32::from_le_bytes(b)))
    }

    pub fn date_time(&mut self) -> Result<DeviceTime, DecodeError> {
        let year = self.u16()?;
        let [month, day, hours, minutes, seconds] = self.take::<5>()?;
        let valid =
            month <= 12 && day <= 31 && hours < 24 && minutes < 60 && seconds < 60 && (year == 0 || year >= 1582);
        if !valid {
            return Err(DecodeError::BadDateTime { what: self.what });
        }
        Ok(DeviceTime {
            year: (year != 0).then_some(year),
            month: (month != 0).then_some(month),
            day: (day != 0).then_some(day),
            hours,
            minutes,
            seconds,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.offset >= self.bytes.len()
    }
}
