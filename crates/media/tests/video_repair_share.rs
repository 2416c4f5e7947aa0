//! Video's repair packets take a sixth of its budget only when the far end negotiated the repair stream;
//! without one the picture gets that share.

use eclinic_media::allocator::{LinkStats, VIDEO_PACKETS_PER_REPAIR, VideoRepair, allocate};

fn video_bps(target_kbps: u32, repair: VideoRepair) -> u32 {
    let allocation = allocate(target_kbps * 1_000, &LinkStats::default(), repair, None, 0);
    allocation.video.map_or(0, |v| v.bitrate_bps)
}

fn check(target_kbps: u32) {
    let (with, without) =
        (video_bps(target_kbps, VideoRepair::Negotiated), video_bps(target_kbps, VideoRepair::Absent));
    let expected = u64::from(without) * u64::from(VIDEO_PACKETS_PER_REPAIR) / u64::from(VIDEO_PACKETS_PER_REPAIR + 1);
    assert!(with > 0, "{target_kbps} kb/s carries a picture");
    assert!(u64::from(with).abs_diff(expected) <= 1, "{target_kbps} kb/s: {with} with repair, {without} without");
}

#[test]
fn without_a_repair_stream_the_picture_gets_its_share() {
    for target_kbps in [60, 150, 384, 1_000] {
        check(target_kbps);
    }
}
