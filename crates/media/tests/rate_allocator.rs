#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use eclinic_media::allocator::{Allocation, LinkStats, VideoRepair, allocate};

/// (width, height) of the chosen rung, or None for audio only.
type Picture = Option<(u32, u32)>;

fn picture(allocation: &Allocation) -> Picture {
    allocation.video.map(|v| (v.rung.width, v.rung.height))
}

fn check(target_kbps: u32, loss: f32, expect: Picture, expect_fec: bool) {
    let allocation = allocate(target_kbps * 1000, &LinkStats { loss, rtt_ms: 300 }, VideoRepair::Negotiated, None, 0);
    assert_eq!(picture(&allocation), expect, "{target_kbps} kb/s, loss {loss}");
    let audio = allocation.audio;
    assert_eq!(audio.fec, expect_fec, "{target_kbps} kb/s, loss {loss}: {audio:?}");
    assert!((8_000..=24_000).contains(&audio.bitrate_bps), "{audio:?}");
    if audio.fec {
        assert!(audio.bitrate_bps >= if loss >= 0.08 { 18_000 } else { 24_000 }, "FEC needs the rate: {audio:?}");
    }
    let audio_wire = audio.bitrate_bps + 480 * 1000 / audio.frame_ms;
    let video_wire = allocation.video.map_or(0, |v| u64::from(v.bitrate_bps) * 9_280 / 8_800);
    assert!(
        u64::from(audio_wire) + video_wire <= u64::from(target_kbps) * 1000,
        "{allocation:?} exceeds {target_kbps} kb/s"
    );
}

#[test]
fn a_fresh_link_gets_the_rung_its_budget_fits() {
    check(20, 0.0, None, false);
    check(30, 0.05, None, false);
    check(30, 0.1, None, true);
    check(38, 0.0, None, false);
    check(45, 0.0, Some((160, 120)), false);
    check(65, 0.0, Some((160, 120)), false);
    check(80, 0.0, Some((160, 120)), false);
    check(120, 0.0, Some((240, 180)), false);
    check(100, 0.05, Some((160, 120)), true);
    check(175, 0.0, Some((320, 240)), false);
    check(180, 0.1, Some((320, 240)), true);
    check(340, 0.0, Some((480, 270)), false);
    check(600, 0.05, Some((640, 360)), true);
    check(2_000, 0.0, Some((960, 540)), false);
}

/// Follows a sequence of (time ms, estimate kb/s) and returns the picture after each.
fn follow(steps: &[(u64, u32)]) -> Vec<Picture> {
    let mut previous: Option<Allocation> = None;
    steps
        .iter()
        .map(|&(now, kbps)| {
            let next = allocate(kbps * 1000, &LinkStats::default(), VideoRepair::Negotiated, previous.as_ref(), now);
            previous = Some(next);
            picture(&next)
        })
        .collect()
}

#[test]
fn small_changes_do_not_flap_the_rung() {
    let wobble: Vec<(u64, u32)> = (0..40).map(|i| (i * 200, if i % 2 == 0 { 195 } else { 230 })).collect();
    let pictures = follow(&wobble);
    assert!(pictures.iter().all(|p| *p == pictures[0]), "{pictures:?}");
}

#[test]
fn steps_down_at_once_and_up_only_after_the_hold() {
    let pictures = follow(&[(0, 600), (200, 180), (400, 600), (2_000, 600), (4_600, 600)]);
    assert_eq!(pictures[0], Some((640, 360)));
    assert_eq!(pictures[1], Some((320, 240)), "down at once");
    assert_eq!(pictures[2], Some((320, 240)), "not straight back up");
    assert_eq!(pictures[3], Some((320, 240)));
    assert_eq!(pictures[4], Some((480, 270)), "one rung up after the hold");
}

#[test]
fn a_step_up_undone_at_once_doubles_the_hold_before_the_next() {
    // 180 kb/s gets 320x240; a dip to 120 drops to 240x180; the climb back is allowed after 4 s, fails at
    // once (its keyframe filled the queue), and the next try waits 8 s, then 16 s.
    let pictures = follow(&[
        (0, 180),
        (1_000, 120),
        (5_000, 180),
        (6_000, 120),
        (10_000, 180),
        (14_000, 180),
        (14_500, 120),
        (25_000, 180),
        (31_000, 180),
    ]);
    let small = Some((240, 180));
    let big = Some((320, 240));
    assert_eq!(pictures[..4], [big, small, big, small], "{pictures:?}");
    assert_eq!(pictures[4], small, "4 s after the failed step up is not enough: {pictures:?}");
    assert_eq!(pictures[5], big, "8 s is: {pictures:?}");
    assert_eq!(pictures[6], small);
    assert_eq!(pictures[7], small, "then 16 s: {pictures:?}");
    assert_eq!(pictures[8], big, "{pictures:?}");
}

#[test]
fn audio_only_below_the_threshold_and_back_with_margin() {
    let pictures = follow(&[(0, 120), (200, 36), (400, 50), (600, 50), (5_000, 75)]);
    assert!(pictures[0].is_some());
    assert_eq!(pictures[1], None, "too little for a picture");
    assert_eq!(pictures[2], None, "video resumes only with margin");
    assert_eq!(pictures[3], None);
    assert_eq!(pictures[4], Some((160, 120)), "back once the link recovers");
}

#[test]
fn slow_links_use_long_audio_frames() {
    let frame_ms =
        |kbps: u32| allocate(kbps * 1000, &LinkStats::default(), VideoRepair::Negotiated, None, 0).audio.frame_ms;
    assert_eq!((frame_ms(60), frame_ms(200), frame_ms(500)), (60, 40, 20));
}

#[test]
fn a_rung_keeps_the_sources_shape_and_never_upscales() {
    use eclinic_media::video::LADDER;
    let size = |rung: eclinic_media::video::Rung| (rung.width, rung.height);
    for (source, expect) in [
        ((320, 240), [(160, 120), (240, 180), (320, 240), (320, 240), (320, 240), (320, 240)]),
        ((640, 480), [(160, 120), (240, 180), (320, 240), (360, 270), (480, 360), (640, 480)]),
        ((1280, 720), [(212, 120), (320, 180), (426, 240), (480, 270), (640, 360), (960, 540)]),
    ] {
        let fitted: Vec<(u32, u32)> = LADDER.iter().map(|r| size(r.fitted_to(source.0, source.1))).collect();
        assert_eq!(fitted, expect, "{source:?}");
    }
}
