#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use eclinic_media::audio::opus_codec::{Decoded, OpusSettings, VoiceDecoder, VoiceEncoder, packet_has_fec};
use eclinic_media::audio::{AudioSource, SyntheticVoice, samples_per_ms};

fn encode_voice(settings: OpusSettings, seconds: u32) -> (Vec<Vec<i16>>, Vec<Vec<u8>>) {
    let mut encoder = VoiceEncoder::new(settings).unwrap();
    let mut voice = SyntheticVoice::new();
    let frames = seconds * 1000 / settings.frame_ms;
    (0..frames)
        .map(|_| {
            let mut pcm = vec![0; encoder.frame_samples()];
            voice.read(&mut pcm).unwrap();
            let packet = encoder.encode(&pcm).unwrap();
            (pcm, packet)
        })
        .unzip()
}

fn energy_error(a: &[i16], b: &[i16]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2)).sum()
}

#[test]
fn fec_engages_with_enough_bitrate_and_expected_loss_and_only_then() {
    let check = |settings: OpusSettings, expect_fec: bool| {
        let (_, packets) = encode_voice(settings, 5);
        let with_fec = packets.iter().filter(|p| packet_has_fec(p)).count();
        if expect_fec {
            assert!(with_fec * 3 >= packets.len(), "{settings:?}: {with_fec} of {} packets", packets.len());
        } else {
            assert_eq!(with_fec, 0, "{settings:?}");
        }
    };
    let base = OpusSettings { bitrate_bps: 18_000, frame_ms: 20, expected_loss_pct: 10, fec: true, dtx: false };
    check(base, true);
    check(OpusSettings { frame_ms: 60, ..base }, true);
    check(OpusSettings { bitrate_bps: 24_000, expected_loss_pct: 5, ..base }, true);
    // What the allocator knows: below these rates libopus spends nothing on FEC.
    check(OpusSettings { bitrate_bps: 16_000, ..base }, false);
    check(OpusSettings { bitrate_bps: 18_000, expected_loss_pct: 5, ..base }, false);
    check(OpusSettings { fec: false, ..base }, false);
    check(OpusSettings { expected_loss_pct: 0, ..base }, false);
}

#[test]
fn a_lost_frame_rebuilt_from_fec_is_closer_than_concealment() {
    let settings = OpusSettings { bitrate_bps: 18_000, frame_ms: 20, expected_loss_pct: 10, fec: true, dtx: false };
    let (_, packets) = encode_voice(settings, 4);
    let frame = samples_per_ms(20);
    let reference = {
        let mut decoder = VoiceDecoder::new().unwrap();
        packets.iter().map(|p| decoder.decode(p).unwrap().to_vec()).collect::<Vec<_>>()
    };
    let (mut fec_error, mut plc_error, mut compared) = (0.0, 0.0, 0);
    for lost in (10..packets.len() - 1).step_by(7) {
        if !packet_has_fec(&packets[lost + 1]) {
            continue;
        }
        let mut fec = VoiceDecoder::new().unwrap();
        let mut plc = VoiceDecoder::new().unwrap();
        for packet in &packets[..lost] {
            fec.decode(packet).unwrap();
            plc.decode(packet).unwrap();
        }
        let (how, recovered) = fec.lost(frame, Some(&packets[lost + 1])).unwrap();
        assert_eq!(how, Decoded::Recovered);
        fec_error += energy_error(recovered, &reference[lost]);
        let (how, concealed) = plc.lost(frame, None).unwrap();
        assert_eq!(how, Decoded::Concealed);
        plc_error += energy_error(concealed, &reference[lost]);
        compared += 1;
    }
    assert!(compared >= 10, "{compared} losses compared");
    assert!(fec_error * 2.0 < plc_error, "FEC error {fec_error:.3e} vs concealment {plc_error:.3e}");
}

#[test]
fn dtx_sends_tiny_packets_in_pauses() {
    let settings = OpusSettings { bitrate_bps: 16_000, frame_ms: 20, expected_loss_pct: 0, fec: false, dtx: true };
    let (_, packets) = encode_voice(settings, 5);
    let tiny = packets.iter().filter(|p| p.len() <= 3).count();
    assert!(tiny * 10 >= packets.len(), "{tiny} of {} packets were DTX", packets.len());
    let bytes: usize = packets.iter().map(Vec::len).sum();
    let kbps = bytes as f64 * 8.0 / 5.0 / 1000.0;
    assert!(kbps < 16.0 * 1.1, "{kbps:.1} kb/s");
}

#[test]
fn frame_sizes_and_settings_are_checked() {
    for frame_ms in [20, 40, 60] {
        let settings = OpusSettings { frame_ms, ..OpusSettings::default() };
        let (pcm, packets) = encode_voice(settings, 1);
        let mut decoder = VoiceDecoder::new().unwrap();
        assert_eq!(decoder.decode(&packets[3]).unwrap().len(), pcm[3].len(), "{frame_ms} ms");
    }
    let refused = |settings: OpusSettings| VoiceEncoder::new(settings).unwrap_err().code();
    assert_eq!(refused(OpusSettings { frame_ms: 30, ..OpusSettings::default() }), "invalid_setting");
    assert_eq!(refused(OpusSettings { bitrate_bps: 1_000, ..OpusSettings::default() }), "invalid_setting");
    let mut encoder = VoiceEncoder::new(OpusSettings::default()).unwrap();
    assert_eq!(encoder.encode(&[0; 100]).unwrap_err().code(), "invalid_frame");
}

#[test]
fn hostile_packets_are_errors_or_audio() {
    let (_, packets) = encode_voice(OpusSettings::default(), 1);
    let mut decoder = VoiceDecoder::new().unwrap();
    for packet in &packets[..10] {
        for end in 0..=packet.len() {
            let _ = decoder.decode(&packet[..end]);
            let _ = packet_has_fec(&packet[..end]);
            let _ = decoder.lost(samples_per_ms(20), Some(&packet[..end]));
        }
    }
    let mut state = 0x9e37_79b9u32;
    for length in 0..2_000usize {
        let noise: Vec<u8> = (0..length % 300)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .collect();
        let _ = decoder.decode(&noise);
        let _ = decoder.lost(samples_per_ms(20), Some(&noise));
    }
    assert_eq!(decoder.decode(&[]).unwrap_err().code(), "opus");
    assert_eq!(decoder.decode(&[0; 5_000]).unwrap_err().code(), "opus");
}
