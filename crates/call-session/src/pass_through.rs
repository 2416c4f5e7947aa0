//! An interceptor that passes every packet on unchanged, optionally counting the far end's keyframe
//! requests (PLI, FIR) for the encoder: inbound RTCP stops inside webrtc-rs's chain, so at the chain's end
//! this is how the video pump hears of them. Without the counter it stands in for the pacer (see
//! `engine`).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rtc::interceptor::{Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::sansio::Protocol;
use rtc::shared::error::Error;

/// After the jitter buffer (13,000): it only observes, and sees what the other interceptors have seen.
pub(crate) const KEYFRAME_TAP_SLOT: usize = 14_000;

#[derive(Default)]
pub(crate) struct PassThrough {
    keyframe_requests: Option<Arc<AtomicU64>>,
    read_queue: VecDeque<TaggedPacket>,
    write_queue: VecDeque<TaggedPacket>,
}

impl PassThrough {
    /// A pass-through that counts keyframe requests, and the counter.
    pub(crate) fn counting_keyframe_requests() -> (Self, Arc<AtomicU64>) {
        let requests = Arc::new(AtomicU64::new(0));
        (Self { keyframe_requests: Some(Arc::clone(&requests)), ..Self::default() }, requests)
    }
}

fn is_keyframe_request(packet: &dyn rtc::rtcp::Packet) -> bool {
    let packet = packet.as_any();
    packet.is::<PictureLossIndication>() || packet.is::<FullIntraRequest>()
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for PassThrough {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = Error;
    type Time = Instant;

    fn handle_read(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        if let (Some(counter), Packet::Rtcp(packets)) = (&self.keyframe_requests, &msg.message.packet) {
            let requests = packets.iter().filter(|p| is_keyframe_request(p.as_ref())).count() as u64;
            if requests > 0 {
                counter.fetch_add(requests, Ordering::Relaxed);
            }
        }
        self.read_queue.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<Self::Rout> {
        self.read_queue.pop_front()
    }

    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        self.write_queue.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<Self::Wout> {
        self.write_queue.pop_front()
    }
}

impl Interceptor for PassThrough {
    fn bind_local_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _info: &StreamInfo) {}
    fn bind_remote_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _info: &StreamInfo) {}
}
