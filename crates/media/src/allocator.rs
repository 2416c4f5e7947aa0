//! Splits the link's estimated bitrate between voice and picture. A pure function of the estimate, recent link
//! statistics and the previous decision: voice first (it is what keeps a consult going), then a ladder rung
//! and a video bitrate, with hysteresis so small estimate changes do not flap the resolution, and an
//! audio-only mode below a threshold with a way back up.

use crate::audio::opus_codec::OpusSettings;
use crate::video::{LADDER, Rung};

/// IPv4 + UDP + SRTP + RTP headers and extensions per packet, in bits.
const PACKET_OVERHEAD_BITS: u32 = 60 * 8;
/// A video packet carries about this many payload bits.
const VIDEO_PACKET_PAYLOAD_BITS: u32 = 1_100 * 8;
/// Video goes out with one forward-error-correction repair packet per this many media packets, so a single
/// loss among them is rebuilt at once instead of costing a retransmission's round trip (a freeze on a long
/// link). Five keeps the block short enough to fill within a frame or two at the rates of a rural link.
pub const VIDEO_PACKETS_PER_REPAIR: u32 = 5;
/// Video stops below this much video budget. At 16 kb/s 160x120 is coarse and the encoder skips frames, but
/// a picture that went off at 25-35 kb/s on EDGE stayed off for seconds after every deep congestion cut,
/// the longest freezes of the call (two of four 60 s runs; none in two runs at this threshold)...
const VIDEO_OFF_BELOW_BPS: u32 = 16_000;
/// ...and resumes only above this, so a budget hovering near the threshold does not toggle video.
const VIDEO_ON_ABOVE_BPS: u32 = 28_000;
/// A move up the ladder needs this much more than the rung's minimum...
const STEP_UP_MARGIN: f32 = 1.2;
/// ...and this long since the last change; moves down happen at once.
const STEP_UP_HOLD_MS: u64 = 4_000;
/// A step up that had to be undone this soon was a mistake (on a slow link its keyframe alone can fill the
/// queue): the hold before the next try doubles, up to the longest hold...
const FAILED_STEP_UP_WITHIN_MS: u64 = 10_000;
const LONGEST_STEP_UP_HOLD_MS: u64 = 32_000;
/// ...and returns to the shortest after this long without a change.
const HOLD_FORGOTTEN_AFTER_MS: u64 = 30_000;
/// The picture never gets more than this (a consult needs no more).
const VIDEO_CEILING_BPS: u32 = 1_500_000;
/// Loss above this turns on Opus in-band FEC.
const FEC_LOSS_THRESHOLD: f32 = 0.02;
/// Opus only spends bits on FEC above a rate that falls as the expected loss rises; measured with our libopus
/// (1.5) on speech: 16 kb/s never, 18 kb/s from 10 % loss, 24 kb/s from 5 %.
const FEC_MIN_AUDIO_BPS_HIGH_LOSS: u32 = 18_000;
const FEC_MIN_AUDIO_BPS: u32 = 24_000;
const HIGH_LOSS: f32 = 0.08;
/// Wideband speech range...
const AUDIO_MIN_BPS: u32 = 12_000;
const AUDIO_MAX_BPS: u32 = 24_000;
/// ...and what voice gets even when the link cannot carry more (Opus still speaks at 8 kb/s).
const AUDIO_FLOOR_BPS: u32 = 8_000;

/// Whether video goes out with a forward-error-correction repair stream: only when the far end negotiated
/// one (a browser over `--signal stdio` may not), and then it takes its share of the video budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoRepair {
    Negotiated,
    Absent,
}

/// What the link has been doing lately.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinkStats {
    /// Fraction of packets lost, 0..=1.
    pub loss: f32,
    pub rtt_ms: u32,
}

/// The video part of a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoAllocation {
    pub rung: Rung,
    pub bitrate_bps: u32,
}

/// A decision: voice settings, and a picture unless the link is too poor for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub audio: OpusSettings,
    pub video: Option<VideoAllocation>,
    /// When the rung or the audio-only state last changed (for the hold before stepping up).
    pub changed_at_ms: u64,
    /// Whether that change was a step up.
    pub changed_up: bool,
    /// How long the picture must hold before the next step up.
    pub step_up_hold_ms: u64,
}

fn audio_settings(target_bps: u32, stats: &LinkStats) -> OpusSettings {
    // Long frames on slow links: at 20 ms the headers alone cost 24 kb/s.
    let frame_ms = match target_bps {
        0..150_000 => 60,
        150_000..300_000 => 40,
        _ => 20,
    };
    let affordable = target_bps.saturating_sub(PACKET_OVERHEAD_BITS * 1_000 / frame_ms);
    let fec_floor = if stats.loss >= HIGH_LOSS { FEC_MIN_AUDIO_BPS_HIGH_LOSS } else { FEC_MIN_AUDIO_BPS };
    // FEC that Opus would not engage at the rate we can afford only wastes bits.
    let fec = stats.loss > FEC_LOSS_THRESHOLD && affordable >= fec_floor;
    let floor = if fec { fec_floor } else { AUDIO_MIN_BPS };
    let share = (target_bps as f32 * 0.15) as u32;
    let bitrate_bps = share.clamp(floor, AUDIO_MAX_BPS).min(affordable).max(AUDIO_FLOOR_BPS);
    let expected_loss_pct = (stats.loss * 100.0).round().clamp(0.0, 30.0) as u8;
    OpusSettings { bitrate_bps, frame_ms, expected_loss_pct, fec, dtx: true }
}

fn audio_wire_bps(audio: &OpusSettings) -> u32 {
    audio.bitrate_bps + PACKET_OVERHEAD_BITS * 1_000 / audio.frame_ms
}

/// Video bitrate left after packet overhead and, when the far end takes them, repair packets.
fn video_payload_bps(video_wire_bps: u32, repair: VideoRepair) -> u32 {
    let per_packet = VIDEO_PACKET_PAYLOAD_BITS + PACKET_OVERHEAD_BITS;
    let payload = u64::from(video_wire_bps) * u64::from(VIDEO_PACKET_PAYLOAD_BITS) / u64::from(per_packet);
    match repair {
        VideoRepair::Negotiated => {
            let media = u64::from(VIDEO_PACKETS_PER_REPAIR);
            (payload * media / (media + 1)) as u32
        }
        VideoRepair::Absent => payload as u32,
    }
}

fn rung_index(rung: Rung) -> usize {
    LADDER.iter().position(|r| *r == rung).unwrap_or(0)
}

/// The rung for a video budget: on a fresh start the highest that fits with margin; then the previous one while
/// the budget stays in its range, down to the best fit at once when it falls below, and up one step only with
/// margin and after the hold time.
fn choose_rung(budget_kbps: u32, previous: Option<(Rung, u64, u64)>, now_ms: u64) -> Rung {
    let fits = |rung: &&Rung| budget_kbps as f32 >= rung.min_kbps as f32 * STEP_UP_MARGIN;
    let best_fit = LADDER.iter().rev().find(fits).copied().unwrap_or(LADDER[0]);
    let Some((current, changed_at_ms, hold_ms)) = previous else { return best_fit };
    let index = rung_index(current);
    if budget_kbps < current.min_kbps {
        return best_fit;
    }
    let may_step_up = now_ms.saturating_sub(changed_at_ms) >= hold_ms;
    match LADDER.get(index + 1) {
        Some(next) if may_step_up && budget_kbps as f32 >= next.min_kbps as f32 * STEP_UP_MARGIN => *next,
        _ => current,
    }
}

/// The picture's size as a number: 0 for none, then the ladder index + 1.
fn level(video: Option<VideoAllocation>) -> usize {
    video.map_or(0, |v| rung_index(v.rung) + 1)
}

/// The hold before the next step up, given how the picture changes now.
fn next_hold(previous: Option<&Allocation>, from: usize, to: usize, now_ms: u64) -> u64 {
    let Some(p) = previous else { return STEP_UP_HOLD_MS };
    let since_change = now_ms.saturating_sub(p.changed_at_ms);
    if to < from && p.changed_up && since_change < FAILED_STEP_UP_WITHIN_MS {
        (p.step_up_hold_ms * 2).min(LONGEST_STEP_UP_HOLD_MS)
    } else if to == from && since_change >= HOLD_FORGOTTEN_AFTER_MS {
        STEP_UP_HOLD_MS
    } else {
        p.step_up_hold_ms
    }
}

/// Decides voice and picture for `target_bps` (the bandwidth estimate) at `now_ms`.
pub fn allocate(
    target_bps: u32,
    stats: &LinkStats,
    repair: VideoRepair,
    previous: Option<&Allocation>,
    now_ms: u64,
) -> Allocation {
    let audio = audio_settings(target_bps, stats);
    let video_wire = target_bps.saturating_sub(audio_wire_bps(&audio));
    let video_budget = video_payload_bps(video_wire, repair).min(VIDEO_CEILING_BPS);
    let video_was_on = previous.is_none_or(|p| p.video.is_some());
    let threshold = if video_was_on { VIDEO_OFF_BELOW_BPS } else { VIDEO_ON_ABOVE_BPS };
    let video = (video_budget >= threshold).then(|| {
        let previous_rung = previous.and_then(|p| p.video.map(|v| (v.rung, p.changed_at_ms, p.step_up_hold_ms)));
        VideoAllocation { rung: choose_rung(video_budget / 1_000, previous_rung, now_ms), bitrate_bps: video_budget }
    });
    let (from, to) = (previous.map_or(level(video), |p| level(p.video)), level(video));
    let step_up_hold_ms = next_hold(previous, from, to, now_ms);
    match previous {
        Some(p) if from == to => {
            Allocation { audio, video, changed_at_ms: p.changed_at_ms, changed_up: p.changed_up, step_up_hold_ms }
        }
        _ => Allocation { audio, video, changed_at_ms: now_ms, changed_up: to > from, step_up_hold_ms },
    }
}
