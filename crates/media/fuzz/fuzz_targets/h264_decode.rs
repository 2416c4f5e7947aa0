#![no_main]

use eclinic_media::video::h264::H264Decoder;
use libfuzzer_sys::fuzz_target;

// Splits the input into access units at 0xFF bytes so one run feeds a decoder a stream, as a call does.
fuzz_target!(|data: &[u8]| {
    let Ok(mut decoder) = H264Decoder::new() else { return };
    for unit in data.split(|&byte| byte == 0xFF) {
        let _ = decoder.decode(unit, 0);
    }
});
