//! The call engine between a kiosk and a doctor, sans-IO: everything here is fed the time and what arrived,
//! and drained of what to do. `eclinic-call-session` drives it over webrtc-rs.
//!
//! - [`bwe`]: the bandwidth estimator for lossy radio links, with its adapter to webrtc-rs's congestion
//!   control seam; [`rate`] turns its estimate into encoder settings.
//! - [`video_rx`] and [`audio_rx`]: received RTP back into pictures (waiting for retransmissions, asking for
//!   keyframes) and speech (concealing or FEC-recovering lost frames); [`nack_spacing`]: when a lost
//!   packet is asked for again.
//! - [`meter`]: the call's per-second statistics and summary.
//! - [`reconnect`]: when the offering end restarts ICE after the connection went down;
//!   [`connect_attempts`]: when either end starts over with a fresh connection that could not be set up.
//! - [`channel`] and [`photo`]: the data-channel protocol for vitals, chat, photos, camera control and
//!   pushed notes, and resumable photo transfer over it.

pub mod audio_rx;
pub mod bwe;
pub mod channel;
pub mod connect_attempts;
pub mod meter;
pub mod nack_spacing;
pub mod photo;
pub mod rate;
pub mod reconnect;
mod sequence;
pub mod video_rx;
