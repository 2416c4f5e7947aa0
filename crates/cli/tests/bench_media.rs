#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use support::eclinic;

#[test]
fn bench_media_reports_every_figure_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.y4m");
    let clip_text = clip.to_str().unwrap();
    let made = eclinic(dir.path(), &["bench", "make-clip", clip_text, "--seconds", "2"], "");
    assert_eq!(made.status, 0, "{}", made.stderr);
    let decoded = dir.path().join("decoded.y4m");
    let run = eclinic(
        dir.path(),
        &[
            "--json",
            "bench",
            "media",
            "--input",
            clip_text,
            "--kbps",
            "150",
            "--decoded-out",
            decoded.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let report = run.json();
    for key in [
        "actual_kbps",
        "psnr_y_db",
        "ssim",
        "encode_ms_per_frame",
        "decode_ms_per_frame",
        "x264_kbps",
        "x264_psnr_y_db",
    ] {
        assert!(report[key].as_f64().is_some_and(|v| v > 0.0), "{key} in {report}");
    }
    assert_eq!(report["frames"], 30);
    let opus = report["opus"].as_array().unwrap();
    assert_eq!(opus.len(), 2);
    assert_eq!((opus[0]["fec"].as_bool(), opus[1]["fec"].as_bool()), (Some(false), Some(true)));
    assert!(decoded.exists());
}

#[test]
fn a_missing_clip_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = eclinic(dir.path(), &["--json", "bench", "media", "--input", "/nonexistent.y4m"], "");
    assert_eq!(run.status, 1);
    let error: serde_json::Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(error["error"]["code"], "io");
}
