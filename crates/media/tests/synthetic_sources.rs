#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_media::audio::{AudioSource, SyntheticVoice, samples_per_ms};
use eclinic_media::quality::psnr_y;
use eclinic_media::video::stamp::read_stamp;
use eclinic_media::video::{SYNTHETIC_STILL, VideoSource, decode_jpeg};
use support::{frames, synthetic};

#[test]
fn the_scene_moves_and_is_the_same_on_every_run() {
    let first = frames(320, 240, 15, 30);
    let second = frames(320, 240, 15, 30);
    assert_eq!(first, second, "same frame index, same picture");
    for pair in first.windows(2) {
        assert!(psnr_y(&pair[0], &pair[1]).unwrap() < 40.0, "consecutive frames differ like a camera's");
    }
}

#[test]
fn every_frame_carries_its_number_and_capture_time() {
    for (width, height) in [(160, 120), (320, 240), (640, 360)] {
        for (index, frame) in frames(width, height, 15, 20).iter().enumerate() {
            let stamp = read_stamp(frame, frame.capture_us() / 1000 + 5_000).unwrap();
            assert_eq!(stamp.frame_number, index as u32, "{width}x{height}");
            assert_eq!(stamp.capture_ms, frame.capture_us() / 1000);
        }
    }
}

#[test]
fn stills_are_full_resolution_whatever_the_video_size() {
    let mut source = synthetic(160, 120, 10);
    let photo = source.capture_still().unwrap();
    assert_eq!((photo.width, photo.height), SYNTHETIC_STILL);
    let decoded = decode_jpeg(&photo.jpeg, 0).unwrap();
    assert_eq!((decoded.width(), decoded.height()), SYNTHETIC_STILL);
    assert_eq!(source.next_frame().unwrap().unwrap().width(), 160, "video continues at its own size");
}

#[test]
fn the_voice_talks_in_spurts_with_pauses() {
    let mut voice = SyntheticVoice::new();
    let mut samples = vec![0i16; samples_per_ms(5_000)];
    assert_eq!(voice.read(&mut samples).unwrap(), samples.len());
    let loudness: Vec<f64> = samples
        .chunks(samples_per_ms(100))
        .map(|chunk| (chunk.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / chunk.len() as f64).sqrt())
        .collect();
    let loud = loudness.iter().filter(|&&rms| rms > 500.0).count();
    let quiet = loudness.iter().filter(|&&rms| rms < 50.0).count();
    assert!(loud >= 20 && quiet >= 10, "loud {loud}, quiet {quiet} of {}", loudness.len());
}
