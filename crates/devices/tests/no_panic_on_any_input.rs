//! Any byte sequence gives readings, errors or nothing: every prefix of real values, and a deterministic
//! pseudo-random sweep through every decoder and stream parser.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use eclinic_devices::DecodeError;
use eclinic_devices::gatt::GlucoseDeduplicator;
use eclinic_devices::gatt::racp::GlucoseDownload;
use eclinic_devices::gatt::{Characteristic, decode};
use eclinic_devices::serial::cms50d::{Cms50dParser, StoredDataParser};
use eclinic_devices::serial::nonin::NoninFormat8Parser;
use eclinic_devices::serial::nonin13::NoninFormat13Parser;
use eclinic_domain::Timestamp;

const FULL_VALUES: [(Characteristic, &[u8]); 8] = [
    (
        Characteristic::BloodPressureMeasurement,
        &[0x1E, 0x78, 0, 0x50, 0, 0x5D, 0, 0xEA, 7, 11, 23, 10, 15, 30, 0x48, 0, 1, 5, 0],
    ),
    (Characteristic::IntermediateCuffPressure, &[0x01, 0xA0, 0xF0, 0x6B, 0xF0, 0xFF, 0x07]),
    (Characteristic::TemperatureMeasurement, &[0x07, 0xDA, 3, 0, 0xFF, 0xEA, 7, 11, 23, 10, 15, 30, 6]),
    (Characteristic::HeartRateMeasurement, &[0x19, 0x2C, 0x01, 0x0A, 0x00, 0x00, 0x04]),
    (
        Characteristic::GlucoseMeasurement,
        &[0x0B, 1, 0, 0xEA, 7, 11, 23, 8, 0, 0, 0xFB, 0xFF, 0x6E, 0xB0, 0x11, 0x40, 0],
    ),
    (
        Characteristic::PlxSpotCheckMeasurement,
        &[0x1F, 0x61, 0, 0x4C, 0, 0xEA, 7, 11, 23, 10, 15, 30, 0, 0, 0, 4, 0, 0x19, 0xF0],
    ),
    (
        Characteristic::PlxContinuousMeasurement,
        &[0x1F, 0x61, 0, 0x4C, 0, 0x60, 0, 0x4E, 0, 0x62, 0, 0x4A, 0, 0, 0x40, 0x20, 0x01, 0, 0x19, 0xF0],
    ),
    (Characteristic::WeightMeasurement, &[0x0E, 0xB0, 0x36, 0xEA, 7, 11, 23, 10, 15, 30, 2, 0xE5, 0, 0xD6, 6]),
];

#[test]
fn every_prefix_of_a_full_value_is_a_truncation_error() {
    for (characteristic, bytes) in FULL_VALUES {
        assert!(decode(characteristic, bytes).is_ok(), "{characteristic:?} full value decodes");
        for len in 0..bytes.len() {
            let got = decode(characteristic, &bytes[..len]);
            let rr_boundary = characteristic == Characteristic::HeartRateMeasurement && len == 5;
            assert!(
                rr_boundary || matches!(got, Err(DecodeError::Truncated { .. })),
                "{characteristic:?} prefix of {len}: {got:?}"
            );
        }
    }
}

/// xorshift64*: a fixed, dependency-free byte source so the sweep is the same on every run.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u8 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut source = Bytes(0x9E37_79B9_7F4A_7C15);
    let mut cms50 = Cms50dParser::default();
    let mut nonin = NoninFormat8Parser::default();
    let mut stored = StoredDataParser::default();
    let mut nonin13 = NoninFormat13Parser::default();
    let mut download = GlucoseDownload::start(0, GlucoseDeduplicator::default());
    let now = Timestamp::from_unix_ms(0);
    let mut decoded = 0;
    for round in 0..60_000 {
        let len = usize::from(source.next() % 40);
        let bytes: Vec<u8> = (0..len).map(|_| source.next()).collect();
        let characteristic = Characteristic::ALL[round % Characteristic::ALL.len()];
        decoded += usize::from(decode(characteristic, &bytes).is_ok());
        cms50.handle_bytes(now, &bytes);
        nonin.handle_bytes(now, &bytes);
        stored.handle_bytes(&bytes);
        nonin13.handle_bytes(now, &bytes);
        download.handle_measurement(0, &bytes);
        download.handle_racp(0, &bytes);
        while cms50.poll_sample().is_some() {}
        while nonin.poll_sample().is_some() {}
        while stored.poll_sample().is_some() || nonin13.poll_sample().is_some() {}
        while download.poll_record().is_some() || download.poll_write().is_some() {}
    }
    assert!(decoded > 0, "the sweep reaches successful decodes too, not only early errors");
}
