//! A camera's grain is filtered out before encoding. On the benchmark's clip (a test pattern under ffmpeg's
//! temporal noise, as a cheap camera in a dim room gives) at 100 kb/s, spending bits on the grain made the
//! rate controller skip frames and left the rest blurred; filtered, every frame is sent and the picture is
//! closer to the source.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use eclinic_media::bench::{VideoBench, make_clip, run_video_bench};
use eclinic_media::video::VideoFormat;

#[test]
fn a_grainy_picture_keeps_its_frames_at_a_hundred_kilobits() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.y4m");
    make_clip(&clip, VideoFormat { width: 320, height: 240, fps: 15 }, 6).unwrap();
    let bench = VideoBench { input: clip, kbps: 100, fps: None, decoded_out: None, x264: false };
    let report = run_video_bench(&bench).unwrap();
    assert_eq!(report.skipped_frames, 0, "{report:?}");
    assert!(report.psnr_y_db >= 30.0, "{report:?}");
}
