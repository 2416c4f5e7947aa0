//! Received Opus RTP packets into speech, with every lost frame filled in.
//!
//! Audio is not retransmitted (a resent voice frame would come too late to play), so a gap in the sequence
//! numbers is filled at once: the frame just before the packet that ended the gap is rebuilt from that
//! packet's in-band FEC when it carries some, the others are concealed. A packet older than one already
//! played is dropped. DTX silence keeps the sequence numbers contiguous, so it is not counted as loss.

use rtc::rtp::packet::Packet;

use eclinic_media::MediaError;
use eclinic_media::audio::opus_codec::{Decoded, VoiceDecoder};
use eclinic_media::audio::samples_per_ms;

use crate::sequence::SequenceExtender;

/// A gap longer than this is a new talk spurt after an outage, not a run of frames to conceal.
const MAX_CONCEALED_FRAMES: u64 = 10;

/// Counters for the call's statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AudioCounters {
    pub packets: u64,
    pub late_packets: u64,
    pub corrupt_packets: u64,
    /// Samples decoded from their own packets.
    pub decoded_samples: u64,
    /// Samples rebuilt from the next packet's FEC.
    pub recovered_samples: u64,
    /// Samples invented by concealment.
    pub concealed_samples: u64,
}

impl AudioCounters {
    /// The share of played samples that were invented.
    pub fn concealed_fraction(&self) -> f64 {
        let total = self.decoded_samples + self.recovered_samples + self.concealed_samples;
        if total == 0 { 0.0 } else { self.concealed_samples as f64 / total as f64 }
    }
}

#[derive(Debug)]
pub struct AudioReceiver {
    decoder: VoiceDecoder,
    sequence: SequenceExtender,
    /// Extended sequence number of the last packet played.
    last: Option<u64>,
    /// Samples per frame of the last packet (the size a lost frame is assumed to have).
    frame_samples: usize,
    counters: AudioCounters,
}

impl AudioReceiver {
    pub fn new() -> Result<Self, MediaError> {
        Ok(Self {
            decoder: VoiceDecoder::new()?,
            sequence: SequenceExtender::default(),
            last: None,
            frame_samples: samples_per_ms(20),
            counters: AudioCounters::default(),
        })
    }

    pub fn counters(&self) -> AudioCounters {
        self.counters
    }

    /// Plays one packet: appends to `out` the samples of any frames lost before it, then its own.
    pub fn handle_packet(&mut self, packet: &Packet, out: &mut Vec<i16>) {
        let sequence = self.sequence.extend(packet.header.sequence_number);
        let missing = match self.last {
            Some(last) if sequence <= last => {
                self.counters.late_packets += 1;
                return;
            }
            Some(last) => (sequence - last - 1).min(MAX_CONCEALED_FRAMES),
            None => 0,
        };
        self.counters.packets += 1;
        self.last = Some(sequence);
        for lost in 0..missing {
            let next = (lost + 1 == missing).then_some(&packet.payload[..]);
            match self.decoder.lost(self.frame_samples, next) {
                Ok((how, samples)) => {
                    let count = samples.len() as u64;
                    match how {
                        Decoded::Recovered => self.counters.recovered_samples += count,
                        Decoded::Concealed | Decoded::Packet => self.counters.concealed_samples += count,
                    }
                    out.extend_from_slice(samples);
                }
                Err(_) => self.counters.corrupt_packets += 1,
            }
        }
        match self.decoder.decode(&packet.payload) {
            Ok(samples) => {
                self.frame_samples = samples.len().max(1);
                self.counters.decoded_samples += samples.len() as u64;
                out.extend_from_slice(samples);
            }
            Err(_) => {
                self.counters.corrupt_packets += 1;
                if let Ok((_, samples)) = self.decoder.lost(self.frame_samples, None) {
                    self.counters.concealed_samples += samples.len() as u64;
                    out.extend_from_slice(samples);
                }
            }
        }
    }
}
