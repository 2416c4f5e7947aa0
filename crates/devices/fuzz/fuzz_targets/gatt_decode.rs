#![no_main]

use eclinic_devices::gatt::{Characteristic, decode};
use eclinic_devices::observe::{Context, from_measurement};
use eclinic_domain::{PatientId, RequiredText, Timestamp};
use libfuzzer_sys::fuzz_target;

fn context() -> Option<Context> {
    let at = Timestamp::from_unix_ms(1_795_392_000_000);
    let model = RequiredText::parse("model", "fuzzed device", 200).ok()?;
    Some(Context { patient: PatientId::new(at), encounter: None, model, serial: None, at })
}

// The first byte picks the characteristic; what decodes must also become Observations (or reasons) cleanly.
fuzz_target!(|data: &[u8]| {
    let Some((&pick, value)) = data.split_first() else { return };
    let characteristic = Characteristic::ALL[usize::from(pick) % Characteristic::ALL.len()];
    if let (Ok(measurement), Some(context)) = (decode(characteristic, value), context()) {
        let _ = from_measurement(&measurement, &context);
    }
});
