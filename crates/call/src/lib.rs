//! The call engine between a kiosk and a doctor. So far: the bandwidth estimator ([`bwe`]), which decides
//! how many bits a rural link can carry, with its adapter to webrtc-rs's congestion-control seam; and the
//! data-channel protocol ([`channel`]) for live vitals, chat, photos, camera control and pushed notes, with
//! resumable photo transfer over it ([`photo`]).

pub mod bwe;
pub mod channel;
pub mod photo;
