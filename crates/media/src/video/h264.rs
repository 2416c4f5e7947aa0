//! H.264 through openh264: the real-time camera profile, bitrate rate control with frame skipping, run-time
//! bitrate changes, rate-limited keyframes, and the decoder.

use openh264::decoder::Decoder;
use openh264::encoder::{
    BitRate, Complexity, Encoder, EncoderConfig, FrameRate, FrameType, IntraFramePeriod, Profile, RateControlMode,
    UsageType,
};
use openh264::formats::{YUVSlices, YUVSource};
use openh264::{OpenH264API, Timestamp};

use super::{I420Frame, KeyframeGate, Rung};
use crate::MediaError;

/// A periodic IDR bounds how long a receiver that missed a PLI stays broken.
const INTRA_PERIOD_SECONDS: u32 = 10;

/// One encoded picture in Annex-B form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedFrame {
    pub annex_b: Vec<u8>,
    pub keyframe: bool,
    /// Capture time of the source picture (Unix microseconds), carried for latency measurement.
    pub capture_us: u64,
}

/// The video encoder at one rung of the ladder and a target bitrate.
pub struct H264Encoder {
    encoder: Encoder,
    /// openh264 initialises itself on the first frame; options can only be set after that (the denoiser is
    /// turned on right then).
    initialised: bool,
    rung: Rung,
    bitrate_bps: u32,
    gate: KeyframeGate,
}

impl std::fmt::Debug for H264Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "H264Encoder({}x{}@{}, {} b/s)", self.rung.width, self.rung.height, self.rung.fps, self.bitrate_bps)
    }
}

fn encode_error(e: openh264::Error) -> MediaError {
    MediaError::H264Encode(e.to_string())
}

fn check_bitrate(bitrate_bps: u32) -> Result<i32, MediaError> {
    match i32::try_from(bitrate_bps) {
        Ok(bps) if bps >= 1_000 => Ok(bps),
        _ => Err(MediaError::InvalidSetting(format!("video bitrate {bitrate_bps} b/s"))),
    }
}

fn new_encoder(rung: Rung, bitrate_bps: u32) -> Result<Encoder, MediaError> {
    check_bitrate(bitrate_bps)?;
    let config = EncoderConfig::new()
        .usage_type(UsageType::CameraVideoRealTime)
        .profile(Profile::Baseline)
        // Timestamp mode budgets bits by the capture clock rather than a nominal frame rate: a camera's rate
        // wanders, and on the benchmark clip it gained 0.7 dB at 150 kb/s over plain bitrate mode, which skipped
        // frames after every keyframe.
        .rate_control_mode(RateControlMode::Timestamp)
        .bitrate(BitRate::from_bps(bitrate_bps))
        .max_frame_rate(FrameRate::from_hz(rung.fps as f32))
        // Without frame skipping the rate controller cannot hold the bitrate on a busy scene.
        .skip_frames(true)
        .intra_frame_period(IntraFramePeriod::from_num_frames(rung.fps * INTRA_PERIOD_SECONDS))
        .complexity(Complexity::Medium)
        // Background detection coarsens what it takes for still background; on the benchmark clip (texture
        // and sensor-like noise everywhere) it misjudged, and turning it off gained 0.1 dB at 150 kb/s
        // 320x240 and 0.27 dB at 300 kb/s 640x360 (`eclinic bench media`).
        .background_detection(false)
        .num_threads(1);
    Encoder::with_api_config(OpenH264API::from_source(), config).map_err(encode_error)
}

impl H264Encoder {
    pub fn new(rung: Rung, bitrate_bps: u32, gate: KeyframeGate) -> Result<Self, MediaError> {
        Ok(Self { encoder: new_encoder(rung, bitrate_bps)?, initialised: false, rung, bitrate_bps, gate })
    }

    pub fn rung(&self) -> Rung {
        self.rung
    }

    pub fn bitrate_bps(&self) -> u32 {
        self.bitrate_bps
    }

    /// Changes the target bitrate between frames, keeping the encoder's state (no keyframe).
    pub fn set_bitrate(&mut self, bitrate_bps: u32) -> Result<(), MediaError> {
        let bps = check_bitrate(bitrate_bps)?;
        if self.initialised {
            raw::set_bitrate(&mut self.encoder, bps, bitrate_bps > self.bitrate_bps)?;
        } else {
            self.encoder = new_encoder(self.rung, bitrate_bps)?;
        }
        self.bitrate_bps = bitrate_bps;
        Ok(())
    }

    /// Moves to another rung: a new encoder (the next frame is a keyframe), frames are scaled to it.
    pub fn set_rung(&mut self, rung: Rung, bitrate_bps: u32) -> Result<(), MediaError> {
        self.encoder = new_encoder(rung, bitrate_bps)?;
        self.initialised = false;
        self.rung = rung;
        self.bitrate_bps = bitrate_bps;
        Ok(())
    }

    /// A receiver lost the picture (PLI/FIR): a keyframe as soon as the gate allows.
    pub fn request_keyframe(&mut self) {
        self.gate.request();
    }

    /// Encodes one picture (scaled to the rung when it is another size) at media time `now_ms`. `None` when the
    /// rate controller skipped the frame to hold the bitrate.
    pub fn encode(&mut self, frame: &I420Frame, now_ms: u64) -> Result<Option<EncodedFrame>, MediaError> {
        let scaled;
        let frame = if (frame.width(), frame.height()) == (self.rung.width, self.rung.height) {
            frame
        } else {
            scaled = frame.scaled(self.rung.width, self.rung.height)?;
            &scaled
        };
        if self.gate.poll_force(now_ms) && self.initialised {
            self.encoder.force_intra_frame();
        }
        let (width, height) = (frame.width() as usize, frame.height() as usize);
        let source = YUVSlices::new((frame.y(), frame.u(), frame.v()), (width, height), (width, width / 2, width / 2));
        let bitstream = self.encoder.encode_at(&source, Timestamp::from_millis(now_ms)).map_err(encode_error)?;
        let frame_type = bitstream.frame_type();
        let annex_b = bitstream.to_vec();
        if !self.initialised {
            raw::denoise(&mut self.encoder)?;
            self.initialised = true;
        }
        let keyframe = matches!(frame_type, FrameType::IDR | FrameType::I);
        if matches!(frame_type, FrameType::Skip | FrameType::Invalid) || annex_b.is_empty() {
            return Ok(None);
        }
        if keyframe {
            self.gate.note_keyframe(now_ms);
        }
        Ok(Some(EncodedFrame { annex_b, keyframe, capture_us: frame.capture_us() }))
    }
}

/// The one place that touches openh264's raw option API.
#[allow(unsafe_code)]
mod raw {
    use std::ptr::addr_of_mut;

    use openh264::encoder::Encoder;
    use openh264_sys2::{
        ENCODER_OPTION_BITRATE, ENCODER_OPTION_MAX_BITRATE, ENCODER_OPTION_SVC_ENCODE_PARAM_EXT, SBitrateInfo,
        SEncParamExt, SPATIAL_LAYER_0, SPATIAL_LAYER_ALL,
    };

    use crate::MediaError;

    /// Turns on openh264's denoiser, which the wrapper's configuration does not offer. A camera's grain costs
    /// bits and buys nothing; filtered out before encoding, the bits go to the picture (libwebrtc denoises
    /// camera video too). On the benchmark clip: +1.9 dB PSNR at 150 kb/s 320x240@15 and no skipped frames at
    /// 100 kb/s (26 of 150 before, +5 dB), +0.2 to +0.5 dB from 300 kb/s up; encoding takes 0.3 ms more a
    /// 320x240 frame and 1.1 ms more a 640x360 one (2.6 ms at most).
    pub(super) fn denoise(encoder: &mut Encoder) -> Result<(), MediaError> {
        let mut params = SEncParamExt::default();
        let failed = |what: &str, status: i32| {
            MediaError::H264Encode(format!("{what} the encoder's parameters: status {status}"))
        };
        // SAFETY: the encoder is initialised (the caller has encoded a frame), and both calls take a pointer
        // to an SEncParamExt, which lives on this stack frame for the whole call; the parameters written back
        // are the encoder's own with one switch changed, so nothing the wrapper relies on moves.
        let status =
            unsafe { encoder.raw_api().get_option(ENCODER_OPTION_SVC_ENCODE_PARAM_EXT, addr_of_mut!(params).cast()) };
        if status != 0 {
            return Err(failed("reading", status));
        }
        params.bEnableDenoise = true;
        // SAFETY: as above.
        let status =
            unsafe { encoder.raw_api().set_option(ENCODER_OPTION_SVC_ENCODE_PARAM_EXT, addr_of_mut!(params).cast()) };
        if status != 0 {
            return Err(failed("writing", status));
        }
        Ok(())
    }

    /// Sets the target and the maximum bitrate. openh264 refuses a target above a maximum, so the maximum
    /// moves first when raising and last when lowering. The maximum is set for all layers *and* for layer 0:
    /// the all-layers option leaves the layer's own maximum (set at initialisation to the first bitrate)
    /// where it was, and a target above it is refused.
    pub(super) fn set_bitrate(encoder: &mut Encoder, bps: i32, raising: bool) -> Result<(), MediaError> {
        let target = (ENCODER_OPTION_BITRATE, SPATIAL_LAYER_ALL);
        let maximum = [(ENCODER_OPTION_MAX_BITRATE, SPATIAL_LAYER_ALL), (ENCODER_OPTION_MAX_BITRATE, SPATIAL_LAYER_0)];
        let steps = if raising { [maximum[0], maximum[1], target] } else { [target, maximum[0], maximum[1]] };
        for (option, layer) in steps {
            let mut info = SBitrateInfo { iLayer: layer, iBitrate: bps };
            // SAFETY: the encoder is initialised (the caller checks: options are only set after the first frame),
            // both options take a pointer to an SBitrateInfo which lives on this stack frame for the whole call,
            // and neither is a parameter the wrapper relies on (it re-reads sizes and formats per frame).
            let status = unsafe { encoder.raw_api().set_option(option, addr_of_mut!(info).cast()) };
            if status != 0 {
                return Err(MediaError::H264Encode(format!("setting the bitrate to {bps} b/s: status {status}")));
            }
        }
        Ok(())
    }
}

/// The video decoder. Corrupt input is an error or no picture, never a panic.
pub struct H264Decoder {
    decoder: Decoder,
}

impl std::fmt::Debug for H264Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("H264Decoder")
    }
}

impl H264Decoder {
    pub fn new() -> Result<Self, MediaError> {
        Ok(Self { decoder: Decoder::new().map_err(|e| MediaError::H264Decode(e.to_string()))? })
    }

    /// Decodes one access unit (Annex-B). `capture_us` is stamped on the picture it yields.
    pub fn decode(&mut self, annex_b: &[u8], capture_us: u64) -> Result<Option<I420Frame>, MediaError> {
        let decoded = self.decoder.decode(annex_b).map_err(|e| MediaError::H264Decode(e.to_string()))?;
        let Some(picture) = decoded else { return Ok(None) };
        let (width, height) = picture.dimensions();
        let (y_stride, u_stride, v_stride) = picture.strides();
        let to_u32 = |side: usize| u32::try_from(side).map_err(|_| MediaError::H264Decode("picture too large".into()));
        I420Frame::from_strided(
            to_u32(width)?,
            to_u32(height)?,
            [(picture.y(), y_stride), (picture.u(), u_stride), (picture.v(), v_stride)],
            capture_us,
        )
        .map(Some)
        .map_err(|e| MediaError::H264Decode(e.to_string()))
    }
}
