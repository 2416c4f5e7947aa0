#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The estimator behind webrtc-rs's congestion-control seam: packet reports in (arrived or not, departure
//! instants, arrival on the receiver's clock), a target out.

use std::time::{Duration, Instant};

use eclinic_call::bwe::{RtcEstimator, START_BPS};
use rtc::interceptor::{BandwidthEstimator, PacketReport};
use rtc::rtcp::transport_feedbacks::cc_feedback_report::Ecn;

fn report(id: u64, departure: Instant, arrival: Option<Duration>) -> PacketReport {
    PacketReport {
        ssrc: 1,
        id,
        rtp_sequence_number: u16::try_from(id % 65_536).unwrap(),
        is_twcc: true,
        twcc_sequence_number: u16::try_from(id % 65_536).unwrap(),
        size: 1200,
        arrived: arrival.is_some(),
        departure,
        arrival,
        ecn: Ecn::NotEct,
    }
}

#[test]
fn reports_move_the_target_and_losses_count() {
    let start = Instant::now();
    let mut estimator = RtcEstimator::new(1_000_000.0);
    assert_eq!(estimator.target_bitrate(), START_BPS);
    // Four seconds of a flow on an empty 1 Mb/s path, one packet in ten lost, fed back every 100 ms.
    let mut id = 0;
    for batch in 0..40u32 {
        let reports: Vec<PacketReport> = (0..5u32)
            .map(|k| {
                id += 1;
                let sent = Duration::from_millis(u64::from(batch * 100 + k * 20));
                let arrival = (id % 10 != 0).then_some(sent + Duration::from_millis(500_080));
                report(id, start + sent, arrival)
            })
            .collect();
        estimator.on_reports(start + Duration::from_millis(u64::from(batch * 100 + 200)), &reports);
    }
    assert!(estimator.target_bitrate() > START_BPS, "an empty path lets it grow: {}", estimator.target_bitrate());
    let loss = estimator.estimator().recent_loss();
    assert!((0.05..=0.15).contains(&loss), "one in ten lost: {loss}");
}
