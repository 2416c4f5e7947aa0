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

pub(crate) struct WithRepairStream<I>(pub(crate) I);

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
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = Error;
    type Time = Instant;

    fn handle_read(&mut self, msg: TaggedPacket) -> Result<(), Error> {
        self.0.handle_read(msg)
    }

    fn poll_read(&mut self) -> Option<TaggedPacket> {
        self.0.poll_read()
    }

    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Error> {
        self.0.handle_write(msg)
    }

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        self.0.poll_write()
    }

    fn handle_event(&mut self, event: ()) -> Result<(), Error> {
        self.0.handle_event(event)
    }

    fn poll_event(&mut self) -> Option<()> {
        self.0.poll_event()
    }

    fn handle_timeout(&mut self, now: Instant) -> Result<(), Error> {
        self.0.handle_timeout(now)
    }

    fn poll_timeout(&mut self) -> Option<Instant> {
        self.0.poll_timeout()
    }

    fn close(&mut self) -> Result<(), Error> {
        self.0.close()
    }
}

impl<I: Interceptor> Interceptor for WithRepairStream<I> {
    fn bind_local_stream(&mut self, info: &StreamInfo) {
        self.0.bind_local_stream(info);
        if let Some(repair) = repair_stream(info) {
            self.0.bind_local_stream(&repair);
        }
    }

    fn unbind_local_stream(&mut self, info: &StreamInfo) {
        self.0.unbind_local_stream(info);
        if let Some(repair) = repair_stream(info) {
            self.0.unbind_local_stream(&repair);
        }
    }

    fn bind_remote_stream(&mut self, info: &StreamInfo) {
        self.0.bind_remote_stream(info);
    }

    fn unbind_remote_stream(&mut self, info: &StreamInfo) {
        self.0.unbind_remote_stream(info);
    }
}
