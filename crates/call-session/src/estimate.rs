//! The bandwidth estimate, read by the rate controller while webrtc-rs's congestion-control interceptor owns
//! the estimator: a thin wrapper publishes the estimate and the recent loss after every report.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use eclinic_call::bwe::{Decision, RtcEstimator, START_BPS};
use rtc::interceptor::{BandwidthEstimator, PacketReport};

/// What the estimator last concluded, readable from any task.
#[derive(Debug, Clone)]
pub(crate) struct EstimateHandle {
    target_bps: Arc<AtomicU64>,
    loss: Arc<AtomicU64>,
}

impl EstimateHandle {
    pub(crate) fn target_bps(&self) -> f64 {
        f64::from_bits(self.target_bps.load(Ordering::Relaxed))
    }

    /// The fraction of recently sent packets the far end reported lost.
    pub(crate) fn loss(&self) -> f64 {
        f64::from_bits(self.loss.load(Ordering::Relaxed))
    }
}

#[derive(Debug)]
pub(crate) struct PublishingEstimator {
    inner: RtcEstimator,
    handle: EstimateHandle,
}

impl PublishingEstimator {
    pub(crate) fn new(max_bps: f64) -> (Self, EstimateHandle) {
        let handle = EstimateHandle {
            target_bps: Arc::new(AtomicU64::new(START_BPS.to_bits())),
            loss: Arc::new(AtomicU64::new(0f64.to_bits())),
        };
        (Self { inner: RtcEstimator::new(max_bps), handle: handle.clone() }, handle)
    }
}

impl BandwidthEstimator for PublishingEstimator {
    fn on_reports(&mut self, now: Instant, reports: &[PacketReport]) {
        let before = self.inner.target_bitrate();
        self.inner.on_reports(now, reports);
        let estimator = self.inner.estimator();
        if matches!(estimator.decision(), Decision::DelayOveruse | Decision::ExcessLoss)
            && estimator.target_bps() < before
        {
            tracing::info!(
                "estimate cut from {:.0} to {:.0} kb/s: {:?}, queue {:.0} ms, loss {:.3} (the link's own {:.3})",
                before / 1000.0,
                estimator.target_bps() / 1000.0,
                estimator.decision(),
                estimator.queue_delay_ms(),
                estimator.recent_loss(),
                estimator.inherent_loss(),
            );
        }
        self.handle.target_bps.store(self.inner.target_bitrate().to_bits(), Ordering::Relaxed);
        self.handle.loss.store(self.inner.estimator().recent_loss().to_bits(), Ordering::Relaxed);
    }

    fn target_bitrate(&self) -> f64 {
        self.inner.target_bitrate()
    }
}
