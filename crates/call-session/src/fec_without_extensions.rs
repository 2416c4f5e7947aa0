//! Runs a FlexFEC encoder or decoder on media packets without their RTP header extensions. FlexFEC protects
//! everything after the fixed RTP header, extensions included, but the extensions a packet carries change
//! on its way: the transport-wide sequence number is stamped after the encoder has protected the packet, so
//! the receiver's copy never matched what was protected and every "recovered" packet was garbage (the
//! decoder refused it and the picture froze until the next keyframe). Both ends strip the extensions from
//! what the FEC code sees and hand the untouched packets on; a rebuilt packet comes out without extensions,
//! which nothing after the decoder needs.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use rtc::interceptor::{Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtp;
use rtc::sansio::Protocol;
use rtc::shared::error::Error;

use crate::delegate::delegate_protocol;

/// Packets waiting for the FEC code to pass them on; it does so at once, so this bound is never reached
/// unless something is wrong, and then forgetting them costs only their extensions.
const MAX_WAITING: usize = 1_024;

pub struct FecWithoutExtensions<I> {
    inner: I,
    /// Media packets as they arrived, by SSRC and sequence number, while the FEC code holds their stripped copy.
    originals: HashMap<(u32, u16), rtp::Packet>,
    /// Repair flows: swallowed by the decoder, so never held here.
    repair_ssrcs: HashSet<u32>,
}

impl<I> std::fmt::Debug for FecWithoutExtensions<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FecWithoutExtensions").field("waiting", &self.originals.len()).finish_non_exhaustive()
    }
}

impl<I> FecWithoutExtensions<I> {
    pub fn new(inner: I) -> Self {
        Self { inner, originals: HashMap::new(), repair_ssrcs: HashSet::new() }
    }

    fn strip(&mut self, msg: &mut TaggedPacket) {
        let Packet::Rtp(packet) = &mut msg.message.packet else { return };
        if !packet.header.extension || self.repair_ssrcs.contains(&packet.header.ssrc) {
            return;
        }
        if self.originals.len() >= MAX_WAITING {
            self.originals.clear();
        }
        self.originals.insert((packet.header.ssrc, packet.header.sequence_number), packet.clone());
        packet.header.extension = false;
        packet.header.extension_profile = 0;
        packet.header.extensions.clear();
        packet.header.extensions_padding = 0;
    }

    fn restore(&mut self, mut msg: TaggedPacket) -> TaggedPacket {
        if let Packet::Rtp(packet) = &mut msg.message.packet
            && let Some(original) = self.originals.remove(&(packet.header.ssrc, packet.header.sequence_number))
        {
            *packet = original;
        }
        msg
    }
}

impl<I: Interceptor> Protocol<TaggedPacket, TaggedPacket, ()> for FecWithoutExtensions<I> {
    delegate_protocol!(except_packets);

    fn handle_read(&mut self, mut msg: TaggedPacket) -> Result<(), Error> {
        self.strip(&mut msg);
        self.inner.handle_read(msg)
    }

    fn poll_read(&mut self) -> Option<TaggedPacket> {
        let msg = self.inner.poll_read()?;
        Some(self.restore(msg))
    }

    fn handle_write(&mut self, mut msg: TaggedPacket) -> Result<(), Error> {
        self.strip(&mut msg);
        self.inner.handle_write(msg)
    }

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        let msg = self.inner.poll_write()?;
        Some(self.restore(msg))
    }
}

impl<I: Interceptor> Interceptor for FecWithoutExtensions<I> {
    fn bind_local_stream(&mut self, info: &StreamInfo) {
        self.inner.bind_local_stream(info);
    }

    fn unbind_local_stream(&mut self, info: &StreamInfo) {
        self.inner.unbind_local_stream(info);
    }

    fn bind_remote_stream(&mut self, info: &StreamInfo) {
        self.repair_ssrcs.extend(info.ssrc_fec);
        self.inner.bind_remote_stream(info);
    }

    fn unbind_remote_stream(&mut self, info: &StreamInfo) {
        if let Some(repair) = info.ssrc_fec {
            self.repair_ssrcs.remove(&repair);
        }
        self.inner.unbind_remote_stream(info);
    }
}
