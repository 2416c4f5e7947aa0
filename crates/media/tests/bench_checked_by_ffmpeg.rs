//! The bench's figures agree with ffmpeg's own `psnr` and `ssim` filters run on its `--decoded-out` file.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::process::Command;

use eclinic_media::bench::{VideoBench, make_clip, run_opus_bench, run_video_bench};
use eclinic_media::video::VideoFormat;

/// Runs an ffmpeg comparison filter and returns the number after `key` in its summary line.
fn ffmpeg_metric(filter: &str, decoded: &std::path::Path, source: &std::path::Path, key: &str) -> f64 {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-i"])
        .arg(decoded)
        .arg("-i")
        .arg(source)
        .args(["-lavfi", filter, "-f", "null", "-"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    let line = log.lines().rev().find(|l| l.contains(key)).unwrap_or_else(|| panic!("{filter}: {log}"));
    let value = line.split(key).nth(1).unwrap().split_whitespace().next().unwrap();
    value.parse().unwrap()
}

#[test]
fn figures_match_ffmpeg_on_the_decoded_output() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.y4m");
    make_clip(&clip, VideoFormat { width: 320, height: 240, fps: 15 }, 4).unwrap();
    let decoded = dir.path().join("decoded.y4m");
    let bench =
        VideoBench { input: clip.clone(), kbps: 150, fps: None, decoded_out: Some(decoded.clone()), x264: true };
    let report = run_video_bench(&bench).unwrap();
    assert_eq!((report.width, report.height, report.fps, report.frames), (320, 240, 15, 60));
    assert!(report.actual_kbps > 0.0 && report.encode_ms_per_frame > 0.0 && report.decode_ms_per_frame > 0.0);
    let x264 = report.x264.clone().unwrap();
    assert!(x264.kbps > 50.0 && x264.psnr_y_db > 20.0, "{x264:?}");

    let decoded_frames = std::fs::read(&decoded).unwrap().windows(6).filter(|w| w == b"FRAME\n").count();
    assert_eq!(decoded_frames, 60, "one decoded frame per source frame");
    let ffmpeg_psnr = ffmpeg_metric("[0:v][1:v]psnr", &decoded, &clip, "y:");
    assert!((ffmpeg_psnr - report.psnr_y_db).abs() < 0.05, "ffmpeg {ffmpeg_psnr} vs ours {}", report.psnr_y_db);
    let ffmpeg_ssim = ffmpeg_metric("[0:v][1:v]ssim", &decoded, &clip, "Y:");
    assert!((ffmpeg_ssim - report.ssim).abs() < 0.005, "ffmpeg {ffmpeg_ssim} vs ours {}", report.ssim);
}

#[test]
fn opus_loss_table_counts_every_lost_frame() {
    let rows = run_opus_bench(18, 10, 20, 7).unwrap();
    let (plain, fec) = (&rows[0], &rows[1]);
    assert!(!plain.fec && fec.fec);
    assert_eq!(plain.lost, fec.lost, "the same loss pattern");
    assert!((60..=140).contains(&plain.lost), "about 10 % of 1000 frames: {}", plain.lost);
    assert_eq!(plain.recovered + plain.concealed, plain.lost);
    assert_eq!(plain.recovered, 0);
    assert_eq!(fec.recovered + fec.concealed, fec.lost);
    assert!(fec.concealed_ratio < plain.concealed_ratio / 2.0, "{fec:?} vs {plain:?}");
}
