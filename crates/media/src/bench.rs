//! The media benchmark behind `eclinic bench media`: our H.264 against a Y4M clip at a bitrate (actual bitrate,
//! PSNR/SSIM of what a receiver decodes, encode/decode time), the same clip through ffmpeg's libx264 for
//! comparison, and Opus under random loss with and without FEC.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::MediaError;
use crate::audio::opus_codec::{Decoded, OpusSettings, VoiceDecoder, VoiceEncoder, packet_has_fec};
use crate::audio::{AudioSource, SyntheticVoice};
use crate::quality::{luma_squared_error, psnr_db, ssim_y};
use crate::video::h264::{H264Decoder, H264Encoder};
use crate::video::{I420Frame, KeyframeGate, Rung, VideoFormat, VideoSource, Y4mSource, Y4mWriter};

/// What to measure.
#[derive(Clone, Debug)]
pub struct VideoBench {
    pub input: PathBuf,
    pub kbps: u32,
    /// The clip's own rate when `None`.
    pub fps: Option<u32>,
    /// Writes the decoded frames (a skipped frame repeats the previous picture), one per source frame.
    pub decoded_out: Option<PathBuf>,
    /// Also encode with ffmpeg's libx264 (needs ffmpeg).
    pub x264: bool,
}

/// What was measured.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoBenchReport {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub frames: u64,
    pub skipped_frames: u64,
    pub target_kbps: u32,
    pub actual_kbps: f64,
    pub psnr_y_db: f64,
    pub ssim: f64,
    pub encode_ms_per_frame: f64,
    pub decode_ms_per_frame: f64,
    pub x264: Option<X264Report>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct X264Report {
    pub kbps: f64,
    pub psnr_y_db: f64,
}

fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> MediaError {
    MediaError::io(what)
}

/// Frames of a clip as the bench's clock sees them: capture time = media time.
fn open_clip(path: &Path, fps: u32) -> Result<Y4mSource, MediaError> {
    let frame = std::sync::atomic::AtomicU64::new(0);
    let interval_us = 1_000_000 / u64::from(fps.max(1));
    Y4mSource::open(
        path,
        false,
        Box::new(move || frame.fetch_add(1, std::sync::atomic::Ordering::Relaxed) * interval_us),
    )
}

/// Running totals of decoded quality against the source.
#[derive(Default)]
struct Quality {
    squared_error: u64,
    samples: u64,
    ssim_sum: f64,
    frames: u64,
}

impl Quality {
    fn add(&mut self, source: &I420Frame, decoded: &I420Frame) -> Result<(), MediaError> {
        self.squared_error += luma_squared_error(source, decoded)?;
        self.samples += source.y().len() as u64;
        self.ssim_sum += ssim_y(source, decoded)?;
        self.frames += 1;
        Ok(())
    }

    fn psnr(&self) -> f64 {
        psnr_db(self.squared_error, self.samples)
    }

    fn ssim(&self) -> f64 {
        if self.frames == 0 { 0.0 } else { self.ssim_sum / self.frames as f64 }
    }
}

pub fn run_video_bench(bench: &VideoBench) -> Result<VideoBenchReport, MediaError> {
    let probe = Y4mSource::open(&bench.input, false, Box::new(|| 0))?.format();
    let fps = bench.fps.unwrap_or(probe.fps);
    if fps == 0 || bench.kbps == 0 {
        return Err(MediaError::InvalidSetting(format!("{} kb/s at {fps} fps", bench.kbps)));
    }
    let rung = Rung { width: probe.width, height: probe.height, fps, min_kbps: 0, max_kbps: u32::MAX };
    let mut source = open_clip(&bench.input, fps)?;
    let mut encoder = H264Encoder::new(rung, bench.kbps * 1000, KeyframeGate::new(1_000))?;
    let mut decoder = H264Decoder::new()?;
    let mut writer =
        bench.decoded_out.as_deref().map(|path| Y4mWriter::create(path, VideoFormat { fps, ..probe })).transpose()?;
    let (mut bytes, mut frames, mut skipped) = (0usize, 0u64, 0u64);
    let (mut encode_seconds, mut decode_seconds) = (0.0, 0.0);
    let mut quality = Quality::default();
    let mut shown: Option<I420Frame> = None;
    while let Some(frame) = source.next_frame()? {
        let media_ms = frames * 1000 / u64::from(fps);
        let started = Instant::now();
        let encoded = encoder.encode(&frame, media_ms)?;
        encode_seconds += started.elapsed().as_secs_f64();
        match encoded {
            Some(encoded) => {
                bytes += encoded.annex_b.len();
                let started = Instant::now();
                let picture = decoder.decode(&encoded.annex_b, encoded.capture_us)?;
                decode_seconds += started.elapsed().as_secs_f64();
                if picture.is_some() {
                    shown = picture;
                }
            }
            None => skipped += 1,
        }
        // Until the first picture arrives a receiver shows black.
        let displayed = match &shown {
            Some(picture) => picture.clone(),
            None => I420Frame::black(probe.width, probe.height, 0)?,
        };
        quality.add(&frame, &displayed)?;
        if let Some(writer) = &mut writer {
            writer.write(&displayed)?;
        }
        frames += 1;
    }
    if frames == 0 {
        return Err(MediaError::Y4m("the clip has no frames".into()));
    }
    let seconds = frames as f64 / f64::from(fps);
    let decoded_frames = (frames - skipped).max(1) as f64;
    let x264 = if bench.x264 { Some(run_x264(&bench.input, bench.kbps, fps)?) } else { None };
    Ok(VideoBenchReport {
        width: probe.width,
        height: probe.height,
        fps,
        frames,
        skipped_frames: skipped,
        target_kbps: bench.kbps,
        actual_kbps: bytes as f64 * 8.0 / seconds / 1000.0,
        psnr_y_db: quality.psnr(),
        ssim: quality.ssim(),
        encode_ms_per_frame: encode_seconds * 1000.0 / frames as f64,
        decode_ms_per_frame: decode_seconds * 1000.0 / decoded_frames,
        x264,
    })
}

fn ffmpeg(args: &[&str]) -> Result<(), MediaError> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .map_err(io("running ffmpeg"))?;
    if output.status.success() {
        Ok(())
    } else {
        let message = String::from_utf8_lossy(&output.stderr);
        Err(MediaError::Io { what: "ffmpeg", source: std::io::Error::other(message.trim().to_owned()) })
    }
}

/// The clip through libx264 (veryfast, zerolatency, CBR-like at the same bitrate and rate), decoded by ffmpeg,
/// scored with the same metric.
fn run_x264(input: &Path, kbps: u32, fps: u32) -> Result<X264Report, MediaError> {
    let dir = tempfile_dir()?;
    let stream = dir.join("x264.h264");
    let decoded = dir.join("x264.y4m");
    let (rate, fps_text) = (format!("{kbps}k"), fps.to_string());
    let input_text = input.display().to_string();
    let (stream_text, decoded_text) = (stream.display().to_string(), decoded.display().to_string());
    let keyint = (fps * 10).to_string();
    ffmpeg(&[
        "-r",
        &fps_text,
        "-i",
        &input_text,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "zerolatency",
        "-b:v",
        &rate,
        "-maxrate",
        &rate,
        "-bufsize",
        &rate,
        "-g",
        &keyint,
        "-pix_fmt",
        "yuv420p",
        "-f",
        "h264",
        &stream_text,
    ])?;
    ffmpeg(&["-r", &fps_text, "-i", &stream_text, "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", &decoded_text])?;
    let bytes = std::fs::metadata(&stream).map_err(io("reading the x264 stream"))?.len();
    let mut source = open_clip(input, fps)?;
    let mut x264 = open_clip(&decoded, fps)?;
    let mut quality = Quality::default();
    while let (Some(original), Some(picture)) = (source.next_frame()?, x264.next_frame()?) {
        quality.add(&original, &picture)?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let seconds = quality.frames.max(1) as f64 / f64::from(fps);
    Ok(X264Report { kbps: bytes as f64 * 8.0 / seconds / 1000.0, psnr_y_db: quality.psnr() })
}

fn tempfile_dir() -> Result<PathBuf, MediaError> {
    let dir = std::env::temp_dir().join(format!("eclinic-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(io("creating a scratch directory"))?;
    Ok(dir)
}

/// Writes a test clip with ffmpeg's lavfi sources: a moving test pattern with noise and a face-sized ellipse
/// sweeping across it, so it costs bits like a camera and nothing large is kept in the repository.
pub fn make_clip(path: &Path, format: VideoFormat, seconds: u32) -> Result<(), MediaError> {
    let VideoFormat { width, height, fps } = format;
    let (face_w, face_h) = ((height / 3) & !1, (height * 2 / 5) & !1);
    let graph = format!(
        "testsrc2=size={width}x{height}:rate={fps}:duration={seconds},noise=alls=12:allf=t+u[background];\
         color=c=0xC89878:size={face_w}x{face_h}:rate={fps}:duration={seconds},format=yuva420p,\
         geq=lum='p(X,Y)':cb='p(X,Y)':cr='p(X,Y)':a='if(lte(pow(X/W*2-1,2)+pow(Y/H*2-1,2),1),255,0)'[face];\
         [background][face]overlay=x='(W-w)/2+(W-w)/2*sin(t*0.9)':y='(H-h)/2+(H-h)/3*cos(t*1.3)',format=yuv420p"
    );
    let path_text = path.display().to_string();
    ffmpeg(&["-f", "lavfi", "-i", &graph, "-f", "yuv4mpegpipe", &path_text])
}

/// One row of the Opus table.
#[derive(Clone, Debug, PartialEq)]
pub struct OpusBenchRow {
    pub kbps: u32,
    pub loss_pct: u8,
    pub fec: bool,
    pub frames: u64,
    pub lost: u64,
    pub recovered: u64,
    pub concealed: u64,
    pub concealed_ratio: f64,
    /// Packets that carried FEC data.
    pub fec_packet_ratio: f64,
    pub actual_kbps: f64,
}

/// Speech through Opus (20 ms frames) with the same random loss pattern, FEC off and on.
pub fn run_opus_bench(kbps: u32, loss_pct: u8, seconds: u32, seed: u64) -> Result<Vec<OpusBenchRow>, MediaError> {
    [false, true]
        .into_iter()
        .map(|fec| {
            let settings =
                OpusSettings { bitrate_bps: kbps * 1000, frame_ms: 20, expected_loss_pct: loss_pct, fec, dtx: false };
            opus_under_loss(settings, seconds, seed)
        })
        .collect()
}

fn opus_under_loss(settings: OpusSettings, seconds: u32, seed: u64) -> Result<OpusBenchRow, MediaError> {
    let mut encoder = VoiceEncoder::new(settings)?;
    let mut voice = SyntheticVoice::new();
    let frames = seconds * 1000 / settings.frame_ms;
    let mut packets = Vec::with_capacity(frames as usize);
    let mut pcm = vec![0; encoder.frame_samples()];
    for _ in 0..frames {
        voice.read(&mut pcm)?;
        packets.push(encoder.encode(&pcm)?);
    }
    let mut random = seed.max(1);
    let mut next_random = move || {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        random
    };
    let lost: Vec<bool> =
        packets.iter().map(|_| next_random() % 1000 < u64::from(settings.expected_loss_pct) * 10).collect();
    let mut decoder = VoiceDecoder::new()?;
    let (mut recovered, mut concealed) = (0, 0);
    for index in 0..packets.len() {
        if !lost[index] {
            decoder.decode(&packets[index])?;
            continue;
        }
        let next = packets.get(index + 1).filter(|_| !lost.get(index + 1).copied().unwrap_or(true));
        match decoder.lost(encoder.frame_samples(), next.map(Vec::as_slice))?.0 {
            Decoded::Recovered => recovered += 1,
            _ => concealed += 1,
        }
    }
    let bytes: usize = packets.iter().map(Vec::len).sum();
    let lost_count = lost.iter().filter(|&&l| l).count() as u64;
    Ok(OpusBenchRow {
        kbps: settings.bitrate_bps / 1000,
        loss_pct: settings.expected_loss_pct,
        fec: settings.fec,
        frames: u64::from(frames),
        lost: lost_count,
        recovered,
        concealed,
        concealed_ratio: concealed as f64 / f64::from(frames),
        fec_packet_ratio: packets.iter().filter(|p| packet_has_fec(p)).count() as f64 / packets.len().max(1) as f64,
        actual_kbps: bytes as f64 * 8.0 / f64::from(seconds) / 1000.0,
    })
}
