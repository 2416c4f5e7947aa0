#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_devices::serial::cms50d::{Cms50dParser, START_DOWNLOAD, STOP_DOWNLOAD, StoredDataParser};
use eclinic_devices::serial::nonin::NoninFormat8Parser;
use eclinic_devices::serial::nonin13::NoninFormat13Parser;
use eclinic_domain::Timestamp;

const NOW: Timestamp = Timestamp::from_unix_ms(1_795_392_000_000);

fn cms50(chunks: &[&[u8]]) -> Vec<(Option<u16>, Option<u8>, u8, bool)> {
    let mut parser = Cms50dParser::default();
    for chunk in chunks {
        parser.handle_bytes(NOW, chunk);
    }
    std::iter::from_fn(|| parser.poll_sample())
        .map(|s| (s.pulse_rate, s.spo2, s.signal_strength, s.finger_out))
        .collect()
}

#[test]
fn cms50d_live_packets() {
    assert_eq!(cms50(&[&[0x85, 0x40, 0x03, 0x48, 0x62]]), [(Some(72), Some(98), 5, false)]);
    assert_eq!(cms50(&[&[0x85, 0x40, 0x43, 0x16, 0x61]]), [(Some(150), Some(97), 5, false)], "pulse bit 7 in byte 2");
    assert_eq!(cms50(&[&[0x90, 0x00, 0x40, 0x7F, 0x7F]]), [(None, None, 0, true)], "finger out: no values");
    assert_eq!(
        cms50(&[&[0x85, 0x40], &[0x03, 0x48, 0x62, 0x86]]),
        [(Some(72), Some(98), 5, false)],
        "split across reads"
    );
    assert_eq!(
        cms50(&[&[0x12, 0x85, 0x40, 0x83, 0x40, 0x03, 0x48, 0x62]]),
        [(Some(72), Some(98), 3, false)],
        "garbage and a cut packet are skipped; the next sync byte restarts"
    );
    assert_eq!(cms50(&[&[0x00, 0x7F, 0x12, 0x34]]), [], "no sync byte, no samples");
}

#[test]
fn cms50d_never_holds_more_than_its_bound() {
    let mut parser = Cms50dParser::default();
    let packet = [0x85, 0x40, 0x03, 0x48, 0x62];
    for _ in 0..5000 {
        parser.handle_bytes(NOW, &packet);
    }
    assert_eq!(std::iter::from_fn(|| parser.poll_sample()).count(), 1024);
    assert_eq!(parser.dropped(), 5000 - 1024);
}

#[test]
fn nonin_format_8_frames() {
    let parse = |bytes: &[u8]| {
        let mut p = NoninFormat8Parser::default();
        p.handle_bytes(NOW, bytes);
        std::iter::from_fn(|| p.poll_sample()).collect::<Vec<_>>()
    };
    let high = parse(&[0x81, 0x16, 0x62, 0x00]);
    assert_eq!((high[0].heart_rate, high[0].spo2), (Some(150), Some(98)), "heart-rate bits 7-8 are ORed in");
    let missing = parse(&[0x83, 0x7F, 0x7F, 0x00]);
    assert_eq!((missing[0].heart_rate, missing[0].spo2), (None, None));
    let flagged = parse(&[0x94, 0x48, 0x61, 0x21]);
    let f = flagged[0];
    assert_eq!((f.heart_rate, f.spo2), (Some(72), Some(97)));
    assert!(f.low_perfusion && f.artifact && f.smartpoint && f.low_battery && !f.out_of_track && !f.sensor_alarm);
    assert_eq!(parse(&[0x48, 0x61, 0x81, 0x16, 0x62, 0x00, 0x81]).len(), 1, "resynchronises on the status byte");
}

/// (index, pulse, SpO2) of each record.
type StoredRows = Vec<(u32, Option<u16>, Option<u8>)>;

/// The records, the announced count, whether complete, and the bytes skipped.
fn stored(chunks: &[&[u8]]) -> (StoredRows, Option<u32>, bool, u64) {
    let mut parser = StoredDataParser::default();
    for chunk in chunks {
        parser.handle_bytes(chunk);
    }
    let samples = std::iter::from_fn(|| parser.poll_sample()).map(|s| (s.index, s.pulse_rate, s.spo2)).collect();
    (samples, parser.announced(), parser.is_complete(), parser.rejected_bytes())
}

const PREAMBLES: [u8; 9] = [0xF2, 0x80, 0x00, 0xF2, 0x80, 0x00, 0xF2, 0x80, 0x00];

#[test]
fn cms50d_stored_data_download() {
    assert_eq!(START_DOWNLOAD, [0xF5, 0xF5]);
    assert_eq!(STOP_DOWNLOAD, [0xF6, 0xF6, 0xF6]);
    // Two records (6 bytes): 72 bpm 98 %, then 150 bpm (bit 7 in the first byte) 97 %.
    let records: [u8; 6] = [0xF0, 0xC8, 0x62, 0xF1, 0x96, 0x61];
    let whole = [&PREAMBLES[..], &[0x86, 0x80, 0x80], &records].concat();
    let expect = vec![(0, Some(72), Some(98)), (1, Some(150), Some(97))];
    assert_eq!(stored(&[&whole]), (expect.clone(), Some(2), true, 0));
    let bytewise: Vec<&[u8]> = whole.chunks(1).collect();
    assert_eq!(stored(&bytewise), (expect, Some(2), true, 0), "one byte per read");

    let noisy = [&[0x85, 0x40, 0xF2, 0x80][..], &PREAMBLES, &[0x83, 0x80, 0x80], &[0x12, 0xF0, 0x00, 0xF0, 0x80, 0x7F]]
        .concat();
    assert_eq!(
        stored(&[&noisy]),
        (vec![(0, None, None)], Some(1), true, 6),
        "live bytes before the preamble and a broken record are skipped; 0 and 127 mean no value"
    );
    assert_eq!(stored(&[&PREAMBLES[..8]]), (vec![], None, false, 0), "no length yet");
}

/// A format 13 frame around `payload` (13 bytes), with a correct checksum unless `checksum` is given.
fn nonin13_frame(payload: &[u8], checksum: Option<u8>) -> Vec<u8> {
    let body = [&[0x00, 0x0D, 0x00, 0x0D][..], payload].concat();
    let sum = body.iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte));
    [&[0x00, 0x02][..], &body, &[checksum.unwrap_or(sum), 0x03]].concat()
}

#[test]
fn nonin_format_13_spot_checks() {
    let parse = |chunks: &[&[u8]]| {
        let mut parser = NoninFormat13Parser::default();
        for chunk in chunks {
            parser.handle_bytes(NOW, chunk);
        }
        (std::iter::from_fn(|| parser.poll_sample()).collect::<Vec<_>>(), parser.rejected_frames())
    };
    let good = nonin13_frame(&[20, 26, 11, 23, 10, 15, 30, 0x02, 0x11, 0x00, 0x96, 0x00, 0x61], None);
    let (samples, rejected) = parse(&[&good]);
    let s = samples[0];
    assert_eq!((s.heart_rate, s.spo2, s.record_type, rejected), (Some(150), Some(97), 13, 0));
    assert_eq!((s.device_time.year, s.device_time.month, s.device_time.minute), (2026, 11, 15));
    assert!(s.smartpoint && s.from_memory && s.low_battery && !s.no_measurement);

    let none = nonin13_frame(&[20, 26, 11, 23, 10, 15, 30, 0x01, 0x00, 0x01, 0xFF, 0x00, 0x7F], None);
    let (samples, _) = parse(&[&none]);
    assert_eq!((samples[0].heart_rate, samples[0].spo2, samples[0].no_measurement), (None, None, true));

    let bytewise: Vec<&[u8]> = good.chunks(1).collect();
    assert_eq!(parse(&bytewise).0.len(), 1, "one byte per read");
    let bad_sum = nonin13_frame(&[20, 26, 11, 23, 10, 15, 30, 0, 0, 0, 72, 0, 98], Some(0x55));
    let bad_month = nonin13_frame(&[20, 26, 13, 23, 10, 15, 30, 0, 0, 0, 72, 0, 98], None);
    let noisy = [&[0x00, 0x00, 0x02, 0x7F][..], &bad_sum, &bad_month, &[0x12], &good].concat();
    let (samples, rejected) = parse(&[&noisy]);
    assert_eq!((samples.len(), rejected), (1, 3), "a stray start, a bad checksum and a bad date are skipped");
    assert_eq!(parse(&[&good[..good.len() - 1]]).0.len(), 0, "a frame without its end waits");
}
