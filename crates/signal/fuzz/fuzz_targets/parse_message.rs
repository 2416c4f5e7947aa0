#![no_main]

use eclinic_signal::wire::{encode_client, encode_server, parse_client, parse_server};
use libfuzzer_sys::fuzz_target;

// Whatever parses must encode and parse back to the same message.
fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(message) = parse_client(text) {
        assert_eq!(parse_client(&encode_client(&message)).ok(), Some(message));
    }
    if let Ok(message) = parse_server(text) {
        assert_eq!(parse_server(&encode_server(&message)).ok(), Some(message));
    }
});
