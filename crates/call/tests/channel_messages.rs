#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The data-channel protocol: every message survives the trip, and malformed frames — cut, padded, from
//! another version, oversized, hostile text — are typed errors, never a panic.

use eclinic_call::channel::{
    CameraCommand, ChannelError, HistoryPush, LiveVital, MAX_CHUNK_BYTES, MAX_FRAME_BYTES, MAX_HISTORY_VITALS,
    MAX_ITEMS, MAX_TEXT_BYTES, Message, NotesPush, PastVisit, PastVital, PrescribedItem, PrescriptionPush,
};

fn history(vitals: usize) -> HistoryPush {
    HistoryPush {
        name: "Rukhsana Bibi".into(),
        sex: "female".into(),
        age_years: 44,
        visits: vec![PastVisit {
            started_at_ms: 1_790_000_000_000,
            reason: "کھانسی".into(),
            assessment: "bronchitis".into(),
            plan: "steam, fluids".into(),
            medicines: "Paracetamol 500 mg".into(),
        }],
        vitals: (0..vitals)
            .map(|i| PastVital {
                loinc: "59408-5".into(),
                value: format!("{}", 90 + i % 10),
                unit: "%".into(),
                at_ms: 1_790_000_000_000 + i as u64 * 60_000,
            })
            .collect(),
    }
}

fn paracetamol() -> PrescribedItem {
    PrescribedItem {
        drug: "Paracetamol".into(),
        dose: "500 mg".into(),
        route: "oral".into(),
        frequency: "three times a day".into(),
        duration: "3 days".into(),
        instructions: "کھانے کے بعد".into(),
    }
}

fn every_kind() -> Vec<Message> {
    vec![
        Message::Vital(LiveVital {
            loinc: "59408-5".into(),
            mantissa: 97,
            exponent: 0,
            unit: "%".into(),
            at_ms: 61_250,
        }),
        Message::Vital(LiveVital {
            loinc: "8310-5".into(),
            mantissa: -368,
            exponent: -1,
            unit: "Cel".into(),
            at_ms: 0,
        }),
        Message::Chat { text: "بخار کب سے ہے؟\nSince when?".into() },
        Message::PhotoOffer { photo_id: 7, total_bytes: 250_000 },
        Message::PhotoChunk { photo_id: 7, offset: 12_288, bytes: vec![0xFF, 0xD8, 0xFF, 0xE0] },
        Message::PhotoAck { photo_id: 7, received: 24_576 },
        Message::Camera(CameraCommand::Switch),
        Message::Camera(CameraCommand::Zoom(250)),
        Message::Camera(CameraCommand::TakePhoto),
        Message::Cameras { count: 2 },
        Message::Notes(NotesPush {
            record_id: [7; 16],
            subjective: "fever 3 days\ncough".into(),
            objective: "38.4 Cel".into(),
            assessment: String::new(),
            plan: "ORS, review in 2 days".into(),
        }),
        Message::Prescription(PrescriptionPush { record_id: [9; 16], items: vec![paracetamol(); 3] }),
        Message::Receipt { record_id: [9; 16], stored: true },
        Message::History(history(3)),
        Message::History(HistoryPush { visits: vec![], vitals: vec![], ..history(0) }),
        Message::Receipt { record_id: [7; 16], stored: false },
        Message::QualitySummary { seconds: 600, mean_kbps: 180, freeze_ms: 1_200, audio_concealed_permille: 14 },
    ]
}

#[test]
fn every_message_survives_the_trip() {
    for message in every_kind() {
        let frame = message.encode().unwrap();
        assert!(frame.len() <= MAX_FRAME_BYTES);
        assert_eq!(Message::decode(&frame).unwrap(), message);
    }
}

#[test]
fn every_cut_of_every_message_is_an_error() {
    for message in every_kind() {
        let frame = message.encode().unwrap();
        for len in 0..frame.len() {
            assert!(Message::decode(&frame[..len]).is_err(), "{message:?} cut at {len}");
        }
        let mut padded = frame.clone();
        padded.push(0);
        assert_eq!(Message::decode(&padded), Err(ChannelError::TrailingBytes(1)));
    }
}

fn check(frame: &[u8], expect: ChannelError) {
    assert_eq!(Message::decode(frame), Err(expect), "{frame:02x?}");
}

#[test]
fn malformed_frames_are_refused_with_their_reason() {
    check(&[], ChannelError::Empty);
    check(&[2, 2, 0, 0], ChannelError::UnsupportedVersion(2));
    check(&[1], ChannelError::Truncated("message type"));
    check(&[1, 42], ChannelError::UnknownType(42));
    check(&[1, 2, 0, 2, 0xC3, 0x28], ChannelError::Invalid { field: "chat text", reason: "not UTF-8" });
    check(&[1, 2, 0, 3, b'a', 0x07, b'b'], ChannelError::Invalid { field: "chat text", reason: "control characters" });
    check(&[1, 6, 9], ChannelError::Invalid { field: "camera command", reason: "unknown" });
    check(&[1, 6, 1, 0, 50], ChannelError::Invalid { field: "zoom", reason: "100 to 800 %" });
    check(&[1, 3, 0, 0, 0, 1, 0, 0, 0, 0], ChannelError::Invalid { field: "photo size", reason: "empty photo" });
    check(&[1, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], ChannelError::Invalid { field: "photo chunk", reason: "1 to 12 KiB" });
    check(&vec![1; MAX_FRAME_BYTES + 1], ChannelError::TooLarge(MAX_FRAME_BYTES + 1));
    check(
        &[&[1, 8][..], &[0; 16], &[0]].concat(),
        ChannelError::Invalid { field: "prescription", reason: "1 to 20 items" },
    );
    check(
        &[&[1, 8][..], &[0; 16], &[21]].concat(),
        ChannelError::Invalid { field: "prescription", reason: "1 to 20 items" },
    );
    check(
        &[&[1, 10][..], &[0; 16], &[2]].concat(),
        ChannelError::Invalid { field: "receipt", reason: "unknown outcome" },
    );
    let long_chat = [&[1, 2, 0x20, 0x01][..], &vec![b'a'; MAX_TEXT_BYTES + 1]].concat();
    check(&long_chat, ChannelError::Invalid { field: "chat text", reason: "too long" });
}

#[test]
fn nothing_is_sent_that_the_other_side_must_refuse() {
    let refused = [
        Message::Chat { text: "a\u{1b}[2Jb".into() },
        Message::PhotoChunk { photo_id: 1, offset: 0, bytes: vec![0; MAX_CHUNK_BYTES + 1] },
        Message::Vital(LiveVital { loinc: String::new(), mantissa: 1, exponent: 0, unit: "%".into(), at_ms: 0 }),
        Message::Vital(LiveVital { loinc: "x".into(), mantissa: 1, exponent: 0, unit: "per cent".into(), at_ms: 0 }),
        Message::Camera(CameraCommand::Zoom(900)),
        Message::Prescription(PrescriptionPush { record_id: [1; 16], items: vec![] }),
        Message::Prescription(PrescriptionPush { record_id: [1; 16], items: vec![paracetamol(); MAX_ITEMS + 1] }),
        Message::Prescription(PrescriptionPush {
            record_id: [1; 16],
            items: vec![PrescribedItem { drug: "x".repeat(2_000), ..paracetamol() }],
        }),
    ];
    for message in refused {
        assert!(matches!(message.encode(), Err(ChannelError::Invalid { .. })), "{message:?}");
    }
}

#[test]
fn a_note_too_large_for_one_frame_is_refused_before_sending() {
    let section = "a".repeat(MAX_TEXT_BYTES);
    let notes = NotesPush {
        record_id: [2; 16],
        subjective: section.clone(),
        objective: section.clone(),
        assessment: section,
        plan: String::new(),
    };
    assert!(matches!(Message::Notes(notes).encode(), Err(ChannelError::TooLarge(_))));
}

#[test]
fn random_frames_never_panic() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
    };
    let mut decoded = 0;
    for _ in 0..50_000 {
        let len = usize::from(next() % 48);
        let mut frame: Vec<u8> = (0..len).map(|_| next()).collect();
        if let Some(first) = frame.first_mut() {
            *first = 1;
        }
        if let Some(kind) = frame.get_mut(1) {
            *kind %= 11;
        }
        decoded += usize::from(Message::decode(&frame).is_ok());
    }
    assert!(decoded > 0, "the sweep reaches whole messages too");
}

#[test]
fn a_long_history_is_cut_to_one_frame_keeping_the_newest() {
    let long = history(MAX_HISTORY_VITALS + 50);
    let newest = long.vitals.last().cloned();
    let fitted = long.fitted().unwrap();
    assert!(Message::History(fitted.clone()).encode().unwrap().len() <= MAX_FRAME_BYTES);
    assert!(fitted.vitals.len() >= 300, "most of it still fits: {}", fitted.vitals.len());
    assert_eq!(fitted.vitals.last().cloned(), newest);
    assert_eq!(fitted.visits.len(), 1);
    let short = history(3);
    assert_eq!(short.clone().fitted().unwrap(), short, "a history that fits is sent whole");
}

#[test]
fn long_notes_do_not_crowd_out_the_trends() {
    let note = "x".repeat(1000);
    let visit = |i: u64| PastVisit {
        started_at_ms: 1_790_000_000_000 - i * 86_400_000,
        reason: note.clone(),
        assessment: note.clone(),
        plan: note.clone(),
        medicines: note.clone(),
    };
    let mut crowded = history(300);
    crowded.visits = (0..20).map(visit).collect();
    let fitted = crowded.fitted().unwrap();
    assert!(Message::History(fitted.clone()).encode().unwrap().len() <= MAX_FRAME_BYTES);
    assert!(fitted.vitals.len() >= 100, "trends kept: {} readings", fitted.vitals.len());
    assert_eq!(fitted.visits.first().cloned(), Some(visit(0)), "the newest visit kept");
}
