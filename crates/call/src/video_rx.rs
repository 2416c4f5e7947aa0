//! Received H.264 RTP packets back into whole pictures.
//!
//! Packets arrive out of order, twice, or late (a NACK-driven retransmission takes a round trip). The
//! reassembler holds them by sequence number and hands out an access unit once every packet from the
//! picture's first to its marker packet is there. A picture still incomplete after [`VideoReassembler::new`]'s
//! wait is given up; the pictures after it would decode into garbage, so everything up to the next keyframe is
//! dropped and a keyframe is requested (again every [`KEYFRAME_REPEAT`] while none comes). Sans-IO: fed
//! packets and the time, drained with [`VideoReassembler::poll_event`].

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use bytes::Bytes;
use rtc::rtp::packet::Packet;

use crate::sequence::SequenceExtender;

/// Packets held at most; a sender this far ahead means the buffer is lost anyway.
const MAX_HELD_PACKETS: usize = 4_096;
/// While waiting for a keyframe, the request is repeated this often (a PLI can be lost too).
pub const KEYFRAME_REPEAT: Duration = Duration::from_millis(1_000);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VideoEvent {
    /// A whole picture in Annex-B form, in sending order.
    Picture { annex_b: Vec<u8>, rtp_timestamp: u32, keyframe: bool },
    /// The picture is broken until a keyframe: send a PLI.
    RequestKeyframe,
}

/// Counters for the call's statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReassemblyCounters {
    pub pictures: u64,
    /// Pictures given up on, and those dropped after them while waiting for a keyframe.
    pub pictures_dropped: u64,
    pub duplicate_packets: u64,
    pub malformed_packets: u64,
}

#[derive(Debug, Clone)]
struct Held {
    timestamp: u32,
    marker: bool,
    payload: Bytes,
    arrived: Duration,
}

#[derive(Debug, Clone)]
pub struct VideoReassembler {
    wait: Duration,
    /// Packets by extended sequence number.
    held: BTreeMap<u64, Held>,
    /// The extended sequence number of the next picture's first packet, once known.
    next_picture_start: Option<u64>,
    sequence: SequenceExtender,
    awaiting_keyframe: bool,
    /// While awaiting a keyframe, no request before this: at the start of a stream the first keyframe may
    /// simply be arriving out of order.
    keyframe_request_from: Option<Duration>,
    last_keyframe_request: Option<Duration>,
    events: VecDeque<VideoEvent>,
    counters: ReassemblyCounters,
}

const SPS_NALU_TYPE: u8 = 7;
const STAPA_NALU_TYPE: u8 = 24;
const FUA_NALU_TYPE: u8 = 28;
const START_CODE: [u8; 4] = [0, 0, 0, 1];

/// A payload that is not H.264 as RFC 6184 packs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Malformed;

/// One RTP payload (a single NAL unit, a STAP-A aggregate or an FU-A fragment) appended to `out` as Annex-B.
/// Our own rather than rtc-rtp's `H264Packet`, which indexes past the end of a truncated STAP-A and panics:
/// input from a peer must never do that.
fn depacketize(payload: &[u8], fragment: &mut Option<Vec<u8>>, out: &mut Vec<u8>) -> Result<(), Malformed> {
    let (&header, rest) = payload.split_first().ok_or(Malformed)?;
    match header & 0x1F {
        1..=23 => {
            out.extend_from_slice(&START_CODE);
            out.extend_from_slice(payload);
        }
        STAPA_NALU_TYPE => {
            let mut units = rest;
            while !units.is_empty() {
                let (size, tail) = units.split_at_checked(2).ok_or(Malformed)?;
                let size = usize::from(u16::from_be_bytes([size[0], size[1]]));
                let (unit, tail) = tail.split_at_checked(size).filter(|_| size > 0).ok_or(Malformed)?;
                out.extend_from_slice(&START_CODE);
                out.extend_from_slice(unit);
                units = tail;
            }
        }
        FUA_NALU_TYPE => {
            let (&fu_header, data) = rest.split_first().ok_or(Malformed)?;
            if fu_header & 0x80 != 0 {
                *fragment = Some(vec![(header & 0xE0) | (fu_header & 0x1F)]);
            }
            fragment.as_mut().ok_or(Malformed)?.extend_from_slice(data);
            if fu_header & 0x40 != 0 {
                let unit = fragment.take().ok_or(Malformed)?;
                out.extend_from_slice(&START_CODE);
                out.extend_from_slice(&unit);
            }
        }
        _ => return Err(Malformed),
    }
    Ok(())
}

fn is_keyframe_start(payload: &[u8]) -> bool {
    match payload.first().map(|b| b & 0x1F) {
        Some(SPS_NALU_TYPE) => true,
        // A STAP-A whose first unit (after the 1-byte header and 2-byte length) is the SPS.
        Some(STAPA_NALU_TYPE) => payload.get(3).is_some_and(|b| b & 0x1F == SPS_NALU_TYPE),
        _ => false,
    }
}

impl VideoReassembler {
    /// `wait`: how long a picture with a missing packet is waited for (a retransmission needs about one round
    /// trip) before it is given up.
    pub fn new(wait: Duration) -> Self {
        Self {
            wait,
            held: BTreeMap::new(),
            next_picture_start: None,
            sequence: SequenceExtender::default(),
            awaiting_keyframe: true,
            keyframe_request_from: None,
            last_keyframe_request: None,
            events: VecDeque::new(),
            counters: ReassemblyCounters::default(),
        }
    }

    /// Changes how long a picture with a missing packet is waited for (the round trip is learned as the
    /// call goes on).
    pub fn set_wait(&mut self, wait: Duration) {
        self.wait = wait;
    }

    pub fn counters(&self) -> ReassemblyCounters {
        self.counters
    }

    pub fn handle_packet(&mut self, now: Duration, packet: &Packet) {
        let extended = self.sequence.extend(packet.header.sequence_number);
        let stale = self.next_picture_start.is_some_and(|start| extended < start);
        if stale || self.held.contains_key(&extended) {
            self.counters.duplicate_packets += 1;
            return;
        }
        if packet.payload.is_empty() {
            self.counters.malformed_packets += 1;
            return;
        }
        let header = &packet.header;
        let held =
            Held { timestamp: header.timestamp, marker: header.marker, payload: packet.payload.clone(), arrived: now };
        self.held.insert(extended, held);
        if self.held.len() > MAX_HELD_PACKETS {
            self.give_up();
        }
        self.drain(now);
    }

    /// Gives up on pictures whose wait has run out; call it on a timer as well as on packets.
    pub fn handle_timeout(&mut self, now: Duration) {
        self.drain(now);
    }

    /// The decoder refused a picture this emitted: the pictures after it reference a broken one, so none is
    /// passed on until a keyframe, and one is asked for at once.
    pub fn handle_undecodable(&mut self, now: Duration) {
        self.lose_picture();
        self.drain(now);
    }

    pub fn poll_event(&mut self) -> Option<VideoEvent> {
        self.events.pop_front()
    }

    fn drain(&mut self, now: Duration) {
        loop {
            if self.awaiting_keyframe && !self.resync_on_keyframe() {
                self.request_keyframe(now);
                self.drop_all_but_newest_picture();
                return;
            }
            match self.complete_picture() {
                Some(last) => self.emit(last),
                None => {
                    let oldest_arrival = self.held.values().map(|h| h.arrived).min();
                    if oldest_arrival.is_some_and(|t| now.saturating_sub(t) >= self.wait) {
                        self.give_up();
                        continue;
                    }
                    return;
                }
            }
        }
    }

    /// While waiting for a keyframe: starts at the first held packet that opens one.
    fn resync_on_keyframe(&mut self) -> bool {
        let Some(start) = self.held.iter().find(|(_, h)| is_keyframe_start(&h.payload)).map(|(seq, _)| *seq) else {
            return false;
        };
        self.held = self.held.split_off(&start);
        self.next_picture_start = Some(start);
        self.awaiting_keyframe = false;
        true
    }

    /// Without a keyframe in sight, only the newest picture's packets can still matter.
    fn drop_all_but_newest_picture(&mut self) {
        let Some(newest_timestamp) = self.held.values().next_back().map(|h| h.timestamp) else { return };
        self.held.retain(|_, h| h.timestamp == newest_timestamp);
    }

    fn request_keyframe(&mut self, now: Duration) {
        let from = *self.keyframe_request_from.get_or_insert(now + self.wait);
        let due = now >= from && self.last_keyframe_request.is_none_or(|at| now.saturating_sub(at) >= KEYFRAME_REPEAT);
        if due {
            self.last_keyframe_request = Some(now);
            self.events.push_back(VideoEvent::RequestKeyframe);
        }
    }

    /// The sequence number of the marker packet closing the next picture, if all of its packets are held.
    fn complete_picture(&self) -> Option<u64> {
        let start = self.next_picture_start?;
        let timestamp = self.held.get(&start)?.timestamp;
        for (expected, (seq, held)) in (start..).zip(self.held.range(start..)) {
            if *seq != expected || held.timestamp != timestamp {
                return None;
            }
            if held.marker {
                return Some(*seq);
            }
        }
        None
    }

    fn emit(&mut self, last: u64) {
        let rest = self.held.split_off(&(last + 1));
        let packets = std::mem::replace(&mut self.held, rest);
        self.next_picture_start = Some(last + 1);
        let mut fragment = None;
        let mut annex_b = Vec::new();
        let mut keyframe = false;
        let mut rtp_timestamp = 0;
        for (index, held) in packets.into_values().enumerate() {
            if index == 0 {
                keyframe = is_keyframe_start(&held.payload);
                rtp_timestamp = held.timestamp;
            }
            match depacketize(&held.payload, &mut fragment, &mut annex_b) {
                Ok(()) => {}
                Err(Malformed) => {
                    self.counters.malformed_packets += 1;
                    self.lose_picture();
                    return;
                }
            }
        }
        self.counters.pictures += 1;
        self.events.push_back(VideoEvent::Picture { annex_b, rtp_timestamp, keyframe });
    }

    /// Drops the oldest held picture, which cannot be completed, and waits for a keyframe. Each call removes
    /// at least one packet, so the drain loop ends.
    fn give_up(&mut self) {
        let Some(stuck_timestamp) = self.held.values().next().map(|h| h.timestamp) else { return };
        let last_of_stuck = self.held.iter().filter(|(_, h)| h.timestamp == stuck_timestamp).map(|(seq, _)| *seq).max();
        if let Some(last) = last_of_stuck {
            self.held = self.held.split_off(&(last + 1));
        }
        self.lose_picture();
    }

    /// A picture is lost: nothing decodes until a keyframe, so ask for one at once.
    fn lose_picture(&mut self) {
        self.counters.pictures_dropped += 1;
        self.awaiting_keyframe = true;
        self.keyframe_request_from = Some(Duration::ZERO);
        self.next_picture_start = None;
    }
}
