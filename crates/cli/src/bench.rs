//! `eclinic bench …`: measurements that need no store.

use eclinic_media::MediaError;
use eclinic_media::bench::{VideoBench, make_clip, run_opus_bench, run_video_bench};
use eclinic_media::video::VideoFormat;

use crate::args::{BenchCommand, MediaBenchArgs};
use crate::commands::Failure;
use crate::output::{MediaBenchOut, OpusRowOut, Report};

/// Speech long enough for about a hundred losses at 10 %.
const OPUS_SECONDS: u32 = 60;
const OPUS_SEED: u64 = 0x0e_c11c;

impl From<MediaError> for Failure {
    fn from(e: MediaError) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

pub async fn run(command: &BenchCommand) -> Result<Report, Failure> {
    match command {
        BenchCommand::Media(args) => media(args),
        BenchCommand::Signalling(args) => crate::bench_signalling::run(args).await,
        BenchCommand::Link(args) => crate::bench_link::run(args).await,
        BenchCommand::MakeClip { out, width, height, fps, seconds } => {
            make_clip(out, VideoFormat { width: *width, height: *height, fps: *fps }, *seconds)?;
            Ok(Report::ClipWritten { file: out.display().to_string() })
        }
    }
}

fn media(args: &MediaBenchArgs) -> Result<Report, Failure> {
    let bench = VideoBench {
        input: args.input.clone(),
        kbps: args.kbps,
        fps: args.fps,
        decoded_out: args.decoded_out.clone(),
        x264: !args.no_x264,
    };
    let video = run_video_bench(&bench)?;
    let opus = run_opus_bench(args.opus_kbps, args.opus_loss, OPUS_SECONDS, OPUS_SEED)?;
    Ok(Report::MediaBench(MediaBenchOut {
        width: video.width,
        height: video.height,
        fps: video.fps,
        frames: video.frames,
        skipped_frames: video.skipped_frames,
        target_kbps: video.target_kbps,
        actual_kbps: video.actual_kbps,
        psnr_y_db: video.psnr_y_db,
        ssim: video.ssim,
        encode_ms_per_frame: video.encode_ms_per_frame,
        decode_ms_per_frame: video.decode_ms_per_frame,
        x264_kbps: video.x264.as_ref().map(|x| x.kbps),
        x264_psnr_y_db: video.x264.as_ref().map(|x| x.psnr_y_db),
        psnr_vs_x264_db: video.x264.as_ref().map(|x| video.psnr_y_db - x.psnr_y_db),
        opus: opus
            .into_iter()
            .map(|row| OpusRowOut {
                kbps: row.kbps,
                loss_pct: row.loss_pct,
                fec: row.fec,
                frames: row.frames,
                lost: row.lost,
                recovered: row.recovered,
                concealed: row.concealed,
                concealed_ratio: row.concealed_ratio,
                fec_packet_ratio: row.fec_packet_ratio,
                actual_kbps: row.actual_kbps,
            })
            .collect(),
    }))
}
