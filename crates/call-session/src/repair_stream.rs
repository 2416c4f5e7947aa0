//! Makes a sent stream's FlexFEC repair flow visible to congestion control. webrtc-rs 0.21.1 binds a local
//! stream's repair SSRC only as part of the media stream, so the transport-wide sequence numbering and the
//! send history keyed on media SSRCs skip repair packets: the estimator never saw a sixth of the video on
//! the wire, judged the link by the rest and held the estimate below what the link carried. Wrapped in this,
//! an interceptor also gets the repair flow bound in its own right, as webrtc-rs already does for received
//! streams.

use std::time::Instant;

use rtc::interceptor::{Interceptor, StreamInfo, TaggedPacket};
use rtc::sansio::Protocol;
use rtc::shared::error::Error;

use crate::delegate::delegate_protocol;

pub(crate) struct WithRepairStream<I> {
    inner: I,
}

impl<I> WithRepairStream<I> {
    pub(crate) fn new(inner: I) -> Self {
        Self { inner }
    }
}

/// The repair flow of `media` as a stream of its own, if it has one.
fn repair_stream(media: &StreamInfo) -> Option<StreamInfo> {
    let (ssrc, payload_type) = (media.ssrc_fec?, media.payload_type_fec?);
    Some(StreamInfo {
        ssrc,
        payload_type,
        ssrc_fec: None,
        payload_type_fec: None,
        ssrc_rtx: None,
        payload_type_rtx: None,
        ..media.clone()
    })
}

impl<I: Interceptor> Protocol<TaggedPacket, TaggedPacket, ()> for WithRepairStream<I> {
    delegate_protocol!(all);
}

impl<I: Interceptor> Interceptor for WithRepairStream<I> {
    fn bind_local_stream(&mut self, info: &StreamInfo) {
        self.inner.bind_local_stream(info);
        if let Some(repair) = repair_stream(info) {
            self.inner.bind_local_stream(&repair);
        }
    }

    fn unbind_local_stream(&mut self, info: &StreamInfo) {
        self.inner.unbind_local_stream(info);
        if let Some(repair) = repair_stream(info) {
            self.inner.unbind_local_stream(&repair);
        }
    }

    fn bind_remote_stream(&mut self, info: &StreamInfo) {
        self.inner.bind_remote_stream(info);
    }

    fn unbind_remote_stream(&mut self, info: &StreamInfo) {
        self.inner.unbind_remote_stream(info);
    }
}
