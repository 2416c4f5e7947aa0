#![no_main]

use eclinic_call::channel::Message;
use libfuzzer_sys::fuzz_target;

// Whatever decodes must encode back to the same frame.
fuzz_target!(|data: &[u8]| {
    if let Ok(message) = Message::decode(data) {
        assert_eq!(message.encode().ok().as_deref(), Some(data));
    }
});
