//! Wraps webrtc-rs's NACK generator so that what it asks for goes through [`NackSpacing`]: a lost packet is
//! asked for again only after a round trip, not every 100 ms (see `eclinic_call::nack_spacing` for why).
//! The round trip comes from the call's statistics through a shared cell, in milliseconds (0 while unknown).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use eclinic_call::nack_spacing::NackSpacing;
use rtc::interceptor::{Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtcp;
use rtc::rtcp::transport_feedbacks::transport_layer_nack::{TransportLayerNack, nack_pairs_from_sequence_numbers};
use rtc::sansio::Protocol;
use rtc::shared::error::Error;

use crate::delegate::delegate_protocol;

pub struct SpacedNacks<I> {
    inner: I,
    spacing: NackSpacing,
    round_trip_ms: Arc<AtomicU32>,
    /// The origin of the spacing's clock: the first request's instant.
    epoch: Option<Instant>,
}

impl<I> std::fmt::Debug for SpacedNacks<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpacedNacks").field("spacing", &self.spacing).finish_non_exhaustive()
    }
}

impl<I> SpacedNacks<I> {
    /// `round_trip_ms`: the link's round trip in milliseconds, 0 while unknown.
    pub fn new(inner: I, round_trip_ms: Arc<AtomicU32>) -> Self {
        Self { inner, spacing: NackSpacing::new(), round_trip_ms, epoch: None }
    }

    /// The NACK with only the packets due to be asked for, or `None` if none is.
    fn space(&mut self, now: Duration, nack: &TransportLayerNack) -> Option<TransportLayerNack> {
        let missing: Vec<u16> = nack.nacks.iter().flat_map(|pair| pair.packet_list()).collect();
        let due = self.spacing.handle_missing(now, nack.media_ssrc, &missing);
        (!due.is_empty()).then(|| TransportLayerNack { nacks: nack_pairs_from_sequence_numbers(&due), ..nack.clone() })
    }

    /// Thins the NACKs in an outgoing message; false if nothing is left of it.
    fn thin(&mut self, msg: &mut TaggedPacket) -> bool {
        let Packet::Rtcp(packets) = &mut msg.message.packet else { return true };
        if !packets.iter().any(|p| p.as_any().is::<TransportLayerNack>()) {
            return true;
        }
        match self.round_trip_ms.load(Ordering::Relaxed) {
            0 => {}
            ms => self.spacing.handle_round_trip(Duration::from_millis(u64::from(ms))),
        }
        let now = msg.now.saturating_duration_since(*self.epoch.get_or_insert(msg.now));
        let spaced: Vec<Box<dyn rtcp::Packet>> = std::mem::take(packets)
            .into_iter()
            .filter_map(|packet| match packet.as_any().downcast_ref::<TransportLayerNack>() {
                Some(nack) => self.space(now, nack).map(|n| Box::new(n) as Box<dyn rtcp::Packet>),
                None => Some(packet),
            })
            .collect();
        *packets = spaced;
        !packets.is_empty()
    }
}

impl<I: Interceptor> Protocol<TaggedPacket, TaggedPacket, ()> for SpacedNacks<I> {
    delegate_protocol!(except_poll_write);

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        loop {
            let mut msg = self.inner.poll_write()?;
            if self.thin(&mut msg) {
                return Some(msg);
            }
        }
    }
}

impl<I: Interceptor> Interceptor for SpacedNacks<I> {
    fn bind_local_stream(&mut self, info: &StreamInfo) {
        self.inner.bind_local_stream(info);
    }

    fn unbind_local_stream(&mut self, info: &StreamInfo) {
        self.inner.unbind_local_stream(info);
    }

    fn bind_remote_stream(&mut self, info: &StreamInfo) {
        self.inner.bind_remote_stream(info);
    }

    fn unbind_remote_stream(&mut self, info: &StreamInfo) {
        self.inner.unbind_remote_stream(info);
    }
}
