//! The call engine between a kiosk and a doctor. So far: the bandwidth estimator ([`bwe`]), which decides
//! how many bits a rural link can carry, and its adapter to webrtc-rs's congestion-control seam.

pub mod bwe;
