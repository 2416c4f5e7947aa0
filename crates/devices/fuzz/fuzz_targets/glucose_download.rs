#![no_main]

use eclinic_devices::gatt::GlucoseDeduplicator;
use eclinic_devices::gatt::racp::GlucoseDownload;
use libfuzzer_sys::fuzz_target;

// Indications split at 0xFF; the first byte of each says which characteristic it came from and how much
// time passed.
fuzz_target!(|data: &[u8]| {
    let mut download = GlucoseDownload::start(0, GlucoseDeduplicator::default());
    let mut now_ms = 0u64;
    for indication in data.split(|&byte| byte == 0xFF) {
        let Some((&control, value)) = indication.split_first() else { continue };
        now_ms += u64::from(control >> 1) * 500;
        if control & 1 == 0 {
            download.handle_measurement(now_ms, value);
        } else {
            download.handle_racp(now_ms, value);
        }
        download.handle_timeout(now_ms);
        while download.poll_record().is_some() || download.poll_write().is_some() {}
    }
});
