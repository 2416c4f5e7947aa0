#![no_main]

use eclinic_devices::serial::cms50d::{Cms50dParser, StoredDataParser};
use eclinic_devices::serial::nonin::NoninFormat8Parser;
use eclinic_devices::serial::nonin13::NoninFormat13Parser;
use eclinic_domain::Timestamp;
use libfuzzer_sys::fuzz_target;

// The same bytes, in reads of fuzzed sizes, through every serial stream parser.
fuzz_target!(|data: &[u8]| {
    let now = Timestamp::from_unix_ms(0);
    let (mut live, mut nonin, mut stored) =
        (Cms50dParser::default(), NoninFormat8Parser::default(), StoredDataParser::default());
    let mut spot_checks = NoninFormat13Parser::default();
    let mut rest = data;
    while let Some((&size, tail)) = rest.split_first() {
        let (chunk, next) = tail.split_at(usize::from(size % 16).min(tail.len()));
        live.handle_bytes(now, chunk);
        nonin.handle_bytes(now, chunk);
        stored.handle_bytes(chunk);
        spot_checks.handle_bytes(now, chunk);
        while live.poll_sample().is_some() || nonin.poll_sample().is_some() || stored.poll_sample().is_some() {}
        while spot_checks.poll_sample().is_some() {}
        rest = next;
    }
});
