//! Opus for speech at 12-24 kb/s: wideband, VoIP mode, in-band FEC tuned to the link's loss, DTX, 20/40/60 ms
//! frames; the decoder conceals a lost frame or rebuilds it from the next packet's FEC data.

use opus::{Application, Bandwidth, Bitrate, Channels, Signal};

use super::{SAMPLE_RATE, samples_per_ms};
use crate::MediaError;

/// The largest packet libopus produces for one frame; bigger input is not an Opus packet of ours.
const MAX_PACKET: usize = 1_500;
/// The longest frame an Opus packet can carry (120 ms).
const MAX_FRAME_SAMPLES: usize = samples_per_ms(120);

fn opus_error(what: &'static str) -> impl FnOnce(opus::Error) -> MediaError {
    move |e| MediaError::Opus(format!("{what}: {e}"))
}

/// Encoder settings; [`VoiceEncoder::reconfigure`] applies a new set between frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpusSettings {
    pub bitrate_bps: u32,
    /// 20, 40 or 60 ms. Longer frames save header overhead on slow links at the cost of delay.
    pub frame_ms: u32,
    /// The loss the link is expected to have (percent); sizes the FEC data.
    pub expected_loss_pct: u8,
    pub fec: bool,
    pub dtx: bool,
}

impl Default for OpusSettings {
    fn default() -> Self {
        Self { bitrate_bps: 16_000, frame_ms: 20, expected_loss_pct: 10, fec: true, dtx: true }
    }
}

impl OpusSettings {
    fn frame_samples(&self) -> Result<usize, MediaError> {
        match self.frame_ms {
            20 | 40 | 60 => Ok(samples_per_ms(self.frame_ms)),
            other => Err(MediaError::InvalidSetting(format!("Opus frame of {other} ms (20, 40 or 60)"))),
        }
    }

    fn bitrate(&self) -> Result<i32, MediaError> {
        match self.bitrate_bps {
            6_000..=64_000 => Ok(self.bitrate_bps as i32),
            other => Err(MediaError::InvalidSetting(format!("Opus bitrate {other} b/s (6000-64000)"))),
        }
    }
}

/// Speech encoder, 48 kHz mono in.
pub struct VoiceEncoder {
    encoder: opus::Encoder,
    settings: OpusSettings,
    frame_samples: usize,
}

impl std::fmt::Debug for VoiceEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VoiceEncoder({:?})", self.settings)
    }
}

impl VoiceEncoder {
    pub fn new(settings: OpusSettings) -> Result<Self, MediaError> {
        let encoder =
            opus::Encoder::new(SAMPLE_RATE, Channels::Mono, Application::Voip).map_err(opus_error("new encoder"))?;
        let mut voice = Self { encoder, settings, frame_samples: settings.frame_samples()? };
        voice.reconfigure(settings)?;
        voice.encoder.set_signal(Signal::Voice).map_err(opus_error("signal"))?;
        voice.encoder.set_max_bandwidth(Bandwidth::Wideband).map_err(opus_error("bandwidth"))?;
        voice.encoder.set_vbr(true).map_err(opus_error("vbr"))?;
        voice.encoder.set_vbr_constraint(true).map_err(opus_error("constrained vbr"))?;
        Ok(voice)
    }

    pub fn settings(&self) -> OpusSettings {
        self.settings
    }

    /// Samples per frame this encoder takes.
    pub fn frame_samples(&self) -> usize {
        self.frame_samples
    }

    /// Applies new settings between frames (the allocator changes bitrate and FEC as the link changes).
    pub fn reconfigure(&mut self, settings: OpusSettings) -> Result<(), MediaError> {
        let bitrate = settings.bitrate()?;
        self.frame_samples = settings.frame_samples()?;
        let encoder = &mut self.encoder;
        encoder.set_bitrate(Bitrate::Bits(bitrate)).map_err(opus_error("bitrate"))?;
        encoder.set_inband_fec(settings.fec).map_err(opus_error("fec"))?;
        encoder.set_packet_loss_perc(i32::from(settings.expected_loss_pct.min(100))).map_err(opus_error("loss"))?;
        encoder.set_dtx(settings.dtx).map_err(opus_error("dtx"))?;
        self.settings = settings;
        Ok(())
    }

    /// Encodes exactly one frame. During silence with DTX on, packets of 1-2 bytes come out (the receiver
    /// plays comfort noise); they may be sent or dropped.
    pub fn encode(&mut self, pcm: &[i16]) -> Result<Vec<u8>, MediaError> {
        if pcm.len() != self.frame_samples {
            return Err(MediaError::InvalidFrame(format!(
                "{} samples for a {}-sample frame",
                pcm.len(),
                self.frame_samples
            )));
        }
        self.encoder.encode_vec(pcm, MAX_PACKET).map_err(opus_error("encode"))
    }
}

/// How a frame of output came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoded {
    /// From its own packet.
    Packet,
    /// Rebuilt from the FEC data in the next packet.
    Recovered,
    /// Invented by packet-loss concealment.
    Concealed,
}

/// Speech decoder, 48 kHz mono out.
pub struct VoiceDecoder {
    decoder: opus::Decoder,
    buffer: Vec<i16>,
}

impl std::fmt::Debug for VoiceDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoiceDecoder")
    }
}

impl VoiceDecoder {
    pub fn new() -> Result<Self, MediaError> {
        let decoder = opus::Decoder::new(SAMPLE_RATE, Channels::Mono).map_err(opus_error("new decoder"))?;
        Ok(Self { decoder, buffer: vec![0; MAX_FRAME_SAMPLES] })
    }

    /// Decodes a received packet. A corrupt packet is an error; the caller conceals instead.
    pub fn decode(&mut self, packet: &[u8]) -> Result<&[i16], MediaError> {
        if packet.is_empty() || packet.len() > MAX_PACKET {
            return Err(MediaError::Opus(format!("a packet of {} bytes", packet.len())));
        }
        let samples = self.decoder.decode(packet, &mut self.buffer, false).map_err(opus_error("decode"))?;
        Ok(&self.buffer[..samples])
    }

    /// A lost frame of `frame_samples`: rebuilt from `next_packet`'s FEC data when it carries some, else
    /// concealed.
    pub fn lost(&mut self, frame_samples: usize, next_packet: Option<&[u8]>) -> Result<(Decoded, &[i16]), MediaError> {
        let frame_samples = frame_samples.min(MAX_FRAME_SAMPLES);
        let buffer = &mut self.buffer[..frame_samples];
        let how = match next_packet {
            Some(next) if next.len() <= MAX_PACKET && packet_has_fec(next) => {
                self.decoder.decode(next, buffer, true).map_err(opus_error("FEC"))?;
                Decoded::Recovered
            }
            _ => {
                self.decoder.decode(&[], buffer, false).map_err(opus_error("concealment"))?;
                Decoded::Concealed
            }
        };
        Ok((how, &self.buffer[..frame_samples]))
    }
}

/// Whether a packet carries in-band FEC (SILK LBRR) data for the frame before it. SILK codes one VAD flag per
/// 20 ms frame and then the LBRR flag as equiprobable bits, which the range coder puts at the top of the first
/// byte of the first frame (libopus's `opus_packet_has_lbrr` reads the same bit).
pub fn packet_has_fec(packet: &[u8]) -> bool {
    let Some(&toc) = packet.first() else { return false };
    let config = toc >> 3;
    let celt_only = config >= 16;
    if celt_only {
        return false;
    }
    let Ok(parsed) = opus::packet::parse(packet) else { return false };
    let Some(first_frame) = parsed.frames.first().and_then(|frame| frame.first()) else { return false };
    let silk_frames = match opus::packet::get_samples_per_frame(packet, SAMPLE_RATE) {
        Ok(samples) if samples > samples_per_ms(20) => samples / samples_per_ms(20),
        Ok(_) => 1,
        Err(_) => return false,
    };
    silk_frames < 8 && (first_frame >> (7 - silk_frames)) & 1 == 1
}
