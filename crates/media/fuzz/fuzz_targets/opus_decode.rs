#![no_main]

use eclinic_media::audio::opus_codec::{VoiceDecoder, packet_has_fec};
use eclinic_media::audio::samples_per_ms;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut decoder) = VoiceDecoder::new() else { return };
    let packets: Vec<&[u8]> = data.split(|&byte| byte == 0xFF).collect();
    for (index, packet) in packets.iter().enumerate() {
        let _ = packet_has_fec(packet);
        if decoder.decode(packet).is_err() {
            let _ = decoder.lost(samples_per_ms(20), packets.get(index + 1).copied());
        }
    }
});
