#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Stored glucose records through the Record Access Control Point: the request written, the records taken
//! once each, the end of the procedure, refusals and a meter that falls silent.
mod support;

use eclinic_devices::DecodeError;
use eclinic_devices::gatt::GlucoseDeduplicator;
use eclinic_devices::gatt::racp::{
    DownloadFailure, DownloadState, GlucoseDownload, PROCEDURE_TIMEOUT_MS, RacpCode, RacpRequest, RacpResponse,
    decode_response,
};
use support::hex;

/// A glucose record with this sequence number (mg/dL concentration, capillary whole blood, finger).
fn record(sequence: u16) -> Vec<u8> {
    let [low, high] = sequence.to_le_bytes();
    let mut bytes = vec![0x02, low, high];
    bytes.extend(hex("EA07 0B 17 0A 0F 1E B0F0 11"));
    bytes
}

fn sequences(download: &mut GlucoseDownload) -> Vec<u16> {
    std::iter::from_fn(|| download.poll_record()).map(|r| r.sequence).collect()
}

#[test]
fn requests_encode_as_the_profile_says() {
    for (request, expect) in [
        (RacpRequest::ReportAll, "01 01"),
        (RacpRequest::ReportFrom(0x0102), "01 03 01 02 01"),
        (RacpRequest::CountAll, "04 01"),
        (RacpRequest::Abort, "03 00"),
    ] {
        assert_eq!(request.encode(), hex(expect), "{request:?}");
    }
}

#[test]
fn responses_decode_or_fail_typed() {
    for (bytes, expect) in [
        ("05 00 0700", Ok(RacpResponse::NumberOfRecords(7))),
        ("06 00 01 01", Ok(RacpResponse::Done { request_opcode: 1, code: RacpCode::Success })),
        ("06 00 01 06", Ok(RacpResponse::Done { request_opcode: 1, code: RacpCode::NoRecordsFound })),
        ("06 00 04 02", Ok(RacpResponse::Done { request_opcode: 4, code: RacpCode::OpCodeNotSupported })),
        ("06 00 01 2A", Ok(RacpResponse::Done { request_opcode: 1, code: RacpCode::Other(0x2A) })),
        ("06 01 01 01", Err(DecodeError::Reserved { what: "RACP response operator", value: 1 })),
        ("09 00", Err(DecodeError::Reserved { what: "RACP response op code", value: 9 })),
        ("06 00 01", Err(DecodeError::Truncated { what: "RACP response", offset: 3, needed: 1 })),
        ("", Err(DecodeError::Truncated { what: "RACP response", offset: 0, needed: 1 })),
    ] {
        assert_eq!(decode_response(&hex(bytes)), expect, "{bytes}");
    }
}

#[test]
fn a_first_download_asks_for_everything_and_takes_each_record_once() {
    let mut download = GlucoseDownload::start(0, GlucoseDeduplicator::default());
    assert_eq!(download.poll_write(), Some(hex("01 01")));
    assert_eq!(download.poll_write(), None);
    for sequence in [1, 2, 2, 3, 1] {
        download.handle_measurement(100, &record(sequence));
    }
    download.handle_measurement(150, &hex("02 0400"));
    assert_eq!(download.rejected(), 1, "a truncated record is counted, not guessed at");
    assert_eq!(sequences(&mut download), [1, 2, 3]);
    assert_eq!(download.state(), DownloadState::Running);
    download.handle_racp(200, &hex("06 00 01 01"));
    assert_eq!(download.state(), DownloadState::Finished);
    assert_eq!(download.poll_timeout(), None);
    assert_eq!(download.into_seen().last_sequence(), Some(3));
}

#[test]
fn a_later_download_asks_only_for_newer_records() {
    let mut first = GlucoseDownload::start(0, GlucoseDeduplicator::default());
    first.handle_measurement(10, &record(41));
    let mut second = GlucoseDownload::start(1_000, first.into_seen());
    assert_eq!(second.poll_write(), Some(hex("01 03 01 2A 00")));
    second.handle_measurement(1_100, &record(41));
    second.handle_measurement(1_100, &record(42));
    second.handle_racp(1_200, &hex("06 00 01 06"));
    assert_eq!(sequences(&mut second), [42]);
    assert_eq!(second.state(), DownloadState::Finished, "no new records is a finished download");
}

#[test]
fn a_refusal_or_silence_ends_the_download_and_keeps_what_arrived() {
    let mut refused = GlucoseDownload::start(0, GlucoseDeduplicator::default());
    refused.handle_racp(10, &hex("06 00 01 03"));
    assert_eq!(refused.state(), DownloadState::Failed(DownloadFailure::Refused(RacpCode::InvalidOperator)));

    let mut silent = GlucoseDownload::start(0, GlucoseDeduplicator::default());
    silent.poll_write();
    silent.handle_measurement(20_000, &record(5));
    assert_eq!(silent.poll_timeout(), Some(20_000 + PROCEDURE_TIMEOUT_MS), "each record extends the deadline");
    silent.handle_timeout(20_000 + PROCEDURE_TIMEOUT_MS - 1);
    assert_eq!(silent.state(), DownloadState::Running);
    silent.handle_timeout(20_000 + PROCEDURE_TIMEOUT_MS);
    assert_eq!(silent.state(), DownloadState::Failed(DownloadFailure::TimedOut));
    assert_eq!(silent.poll_write(), Some(hex("03 00")), "the meter is told to abort");
    assert_eq!(sequences(&mut silent), [5]);
    silent.handle_racp(60_000, &hex("06 00 01 01"));
    assert_eq!(silent.state(), DownloadState::Failed(DownloadFailure::TimedOut), "a late answer changes nothing");
}
