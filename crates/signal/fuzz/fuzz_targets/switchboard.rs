#![no_main]

//! Three connections (two kiosks, a doctor) send arbitrary text in an arbitrary order, with time moving
//! forward and disconnects between; the switchboard must never panic and must keep draining.

use eclinic_signal::{ConnId, Participant, Role, Switchboard};
use libfuzzer_sys::fuzz_target;

fn participant(index: u64) -> Participant {
    let role = if index == 2 { Role::Doctor } else { Role::Kiosk };
    Participant { account_id: format!("account-{index}"), role, name: format!("name {index}"), pmdc: None }
}

fuzz_target!(|data: &[u8]| {
    let mut board = Switchboard::new("fuzz");
    let mut now_ms = 0u64;
    for index in 0..3 {
        board.handle_connect(now_ms, ConnId(index), participant(index));
    }
    // Each record: one control byte (who, and what happens to time), then text up to a 0xFF separator.
    for record in data.split(|&byte| byte == 0xFF) {
        let Some((&control, text)) = record.split_first() else { continue };
        let conn = ConnId(u64::from(control % 3));
        now_ms += u64::from(control >> 2) * 250;
        match control & 0x03 {
            3 => {
                board.handle_disconnect(now_ms, conn);
                board.handle_connect(now_ms, conn, participant(conn.0));
            }
            _ => board.handle_text(now_ms, conn, &String::from_utf8_lossy(text)),
        }
        board.handle_timeout(now_ms);
        while board.poll_output().is_some() {}
    }
});
