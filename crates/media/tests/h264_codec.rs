#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_media::quality::psnr_y;
use eclinic_media::video::h264::{EncodedFrame, H264Decoder, H264Encoder};
use eclinic_media::video::stamp::read_stamp;
use eclinic_media::video::{I420Frame, KeyframeGate, LADDER, Rung, SyntheticVideo, VideoSource};
use support::synthetic;

fn rung(width: u32, height: u32, fps: u32) -> Rung {
    LADDER.iter().copied().find(|r| (r.width, r.height) == (width, height)).map(|r| Rung { fps, ..r }).unwrap()
}

/// Encodes `seconds` of the synthetic scene; returns each source frame and its encoding (None when skipped).
fn encode_for(encoder: &mut H264Encoder, seconds: u32, start_ms: u64) -> Vec<(I420Frame, Option<EncodedFrame>)> {
    let Rung { width, height, fps, .. } = encoder.rung();
    encode_from(&mut synthetic(width, height, fps), encoder, seconds, start_ms)
}

fn encode_from(
    source: &mut SyntheticVideo,
    encoder: &mut H264Encoder,
    seconds: u32,
    start_ms: u64,
) -> Vec<(I420Frame, Option<EncodedFrame>)> {
    let fps = encoder.rung().fps;
    (0..seconds * fps)
        .map(|index| {
            let frame = source.next_frame().unwrap().unwrap();
            let encoded = encoder.encode(&frame, start_ms + u64::from(index) * 1000 / u64::from(fps)).unwrap();
            (frame, encoded)
        })
        .collect()
}

fn kbps(frames: &[(I420Frame, Option<EncodedFrame>)], fps: u32) -> f64 {
    let bytes: usize = frames.iter().filter_map(|(_, e)| e.as_ref()).map(|e| e.annex_b.len()).sum();
    bytes as f64 * 8.0 / (frames.len() as f64 / f64::from(fps)) / 1000.0
}

#[test]
fn encoded_pictures_decode_with_their_stamps() {
    let mut encoder = H264Encoder::new(rung(320, 240, 15), 150_000, KeyframeGate::new(1_000)).unwrap();
    let encoded = encode_for(&mut encoder, 4, 0);
    assert!(encoded[0].1.as_ref().unwrap().keyframe, "the stream starts with a keyframe");
    let mut decoder = H264Decoder::new().unwrap();
    let (mut decoded, mut stamped) = (0, 0);
    for (source, frame) in &encoded {
        let Some(frame) = frame else { continue };
        let picture = decoder.decode(&frame.annex_b, frame.capture_us).unwrap().unwrap();
        decoded += 1;
        assert!(psnr_y(source, &picture).unwrap() > 25.0);
        if read_stamp(&picture, picture.capture_us() / 1000).is_some_and(|s| s.capture_ms == source.capture_us() / 1000)
        {
            stamped += 1;
        }
    }
    assert!(decoded >= encoded.len() * 8 / 10, "{decoded} of {} frames sent", encoded.len());
    assert_eq!(stamped, decoded, "every decoded picture's stamp reads back");
}

#[test]
fn the_bitrate_changes_at_run_time_without_a_keyframe() {
    let mut encoder = H264Encoder::new(rung(320, 240, 15), 400_000, KeyframeGate::new(1_000)).unwrap();
    let mut source = synthetic(320, 240, 15);
    let high = encode_from(&mut source, &mut encoder, 8, 0);
    encoder.set_bitrate(120_000).unwrap();
    let low = encode_from(&mut source, &mut encoder, 8, 8_000);
    let (high_kbps, low_kbps) = (kbps(&high[30..], 15), kbps(&low[30..], 15));
    assert!((340.0..=460.0).contains(&high_kbps), "at 400 kb/s: {high_kbps:.1}");
    assert!((100.0..=140.0).contains(&low_kbps), "after lowering to 120 kb/s: {low_kbps:.1}");
    assert!(!low[0].1.as_ref().is_some_and(|f| f.keyframe), "a bitrate change is not a keyframe");
    encoder.set_bitrate(300_000).unwrap();
    let raised = encode_from(&mut source, &mut encoder, 8, 16_000);
    let raised_kbps = kbps(&raised[30..], 15);
    assert!((255.0..=345.0).contains(&raised_kbps), "after raising to 300 kb/s: {raised_kbps:.1}");
    assert_eq!(encoder.set_bitrate(10).unwrap_err().code(), "invalid_setting");

    // Above the bitrate the encoder started with (its layer's initial maximum), in small steps as the rate
    // controller makes them.
    let mut encoder = H264Encoder::new(rung(320, 240, 15), 110_000, KeyframeGate::new(1_000)).unwrap();
    encode_from(&mut source, &mut encoder, 1, 24_000);
    for bps in [112_000, 130_000, 260_000] {
        encoder.set_bitrate(bps).unwrap();
    }
    let above_start = encode_from(&mut source, &mut encoder, 8, 25_000);
    let above_kbps = kbps(&above_start[30..], 15);
    assert!((220.0..=300.0).contains(&above_kbps), "after raising past the start to 260 kb/s: {above_kbps:.1}");
}

#[test]
fn a_burst_of_keyframe_requests_gives_one_keyframe_per_interval() {
    let mut encoder = H264Encoder::new(rung(320, 240, 15), 200_000, KeyframeGate::new(1_000)).unwrap();
    let mut source = synthetic(320, 240, 15);
    let mut keyframes = Vec::new();
    for index in 0..45u64 {
        // A PLI on every frame of the first two seconds.
        if index < 30 {
            encoder.request_keyframe();
        }
        let time_ms = index * 1000 / 15;
        let frame = source.next_frame().unwrap().unwrap();
        if encoder.encode(&frame, time_ms).unwrap().is_some_and(|f| f.keyframe) {
            keyframes.push(time_ms);
        }
    }
    // The first frame (an IDR anyway), one a second later and one at two seconds for the last request.
    assert!(keyframes.len() <= 3, "keyframes at {keyframes:?}");
    assert!(keyframes.windows(2).all(|pair| pair[1] - pair[0] >= 1_000), "keyframes at {keyframes:?}");
    assert!(keyframes.len() >= 2, "requests after the first keyframe were served: {keyframes:?}");
}

#[test]
fn the_gate_serves_a_late_request_when_the_quiet_period_ends() {
    let mut gate = KeyframeGate::new(1_000);
    let check = |gate: &mut KeyframeGate, request: bool, now: u64, expect: bool| {
        if request {
            gate.request();
        }
        assert_eq!(gate.poll_force(now), expect, "at {now} ms");
    };
    check(&mut gate, false, 0, false);
    check(&mut gate, true, 10, true);
    check(&mut gate, true, 20, false);
    check(&mut gate, false, 500, false);
    check(&mut gate, false, 1_010, true);
    check(&mut gate, false, 1_020, false);
    gate.note_keyframe(1_500);
    check(&mut gate, true, 2_000, false);
    check(&mut gate, false, 2_500, true);
}

#[test]
fn a_new_rung_scales_frames_and_starts_with_a_keyframe() {
    let mut encoder = H264Encoder::new(rung(320, 240, 15), 200_000, KeyframeGate::new(1_000)).unwrap();
    encode_for(&mut encoder, 1, 0);
    encoder.set_rung(rung(160, 120, 10), 60_000).unwrap();
    let mut source = synthetic(320, 240, 15);
    let frame = source.next_frame().unwrap().unwrap();
    let encoded = encoder.encode(&frame, 1_000).unwrap().unwrap();
    assert!(encoded.keyframe);
    let picture = H264Decoder::new().unwrap().decode(&encoded.annex_b, 0).unwrap().unwrap();
    assert_eq!((picture.width(), picture.height()), (160, 120));
}
