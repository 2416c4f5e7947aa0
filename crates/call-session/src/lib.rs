//! Drives a call over webrtc-rs: the IO half of the call engine. The sans-IO parts (estimator, rate control,
//! reassembly, statistics, data-channel protocol) live in `eclinic-call`; this crate owns the peer
//! connection, the tokio tasks that pump media from sources through the encoders to the tracks, and the
//! receivers that turn remote tracks back into pictures and speech.

mod call;
mod connecting;
mod delegate;
mod engine;
mod error;
mod estimate;
mod fec_without_extensions;
mod fingerprint;
mod hooks;
mod pass_through;
mod peer;
mod photos;
mod receive;
mod recorder;
mod repair_stream;
mod restart;
mod send;
mod shared;
mod spaced_nacks;

pub use call::{Call, CallReport, Media};
pub use error::SessionError;
pub use fec_without_extensions::FecWithoutExtensions;
pub use hooks::{CallCommand, CallHooks, CallObserver, Description, Unobserved};
pub use peer::{IceServer, NetworkSetup};
pub use photos::PhotoProgress;
pub use send::OtherCameras;
pub use spaced_nacks::SpacedNacks;
