/// One step of the resolution/frame-rate ladder and the video bitrate range it is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rung {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Below this a rung looks worse than the one beneath it.
    pub min_kbps: u32,
    /// Above this the next rung up looks better.
    pub max_kbps: u32,
}

/// From a postage stamp that still shows a face over EDGE to 640x360 at 20 fps on good 3G, never below the
/// 15 fps telehealth asks for (a patient's breathing or tremor is motion; at 10 fps EDGE calls averaged
/// 9.8 fps, at 15 they average 15 with the same share of freezes). Ranges overlap so the allocator can hold
/// a rung across small estimate changes; the 4:3 low rungs match common webcam modes scaled down.
pub const LADDER: [Rung; 6] = [
    Rung { width: 160, height: 120, fps: 15, min_kbps: 0, max_kbps: 70 },
    Rung { width: 240, height: 180, fps: 15, min_kbps: 55, max_kbps: 110 },
    Rung { width: 320, height: 240, fps: 15, min_kbps: 90, max_kbps: 220 },
    Rung { width: 480, height: 270, fps: 15, min_kbps: 180, max_kbps: 380 },
    Rung { width: 640, height: 360, fps: 20, min_kbps: 320, max_kbps: 900 },
    Rung { width: 960, height: 540, fps: 25, min_kbps: 750, max_kbps: u32::MAX },
];

impl Rung {
    /// This rung for a source of `width`x`height`: the rung's height (never more than the source's) at the
    /// source's aspect ratio, both even. Pictures are only ever scaled down and never stretched, so what
    /// is drawn into them (the latency stamp) reads back at any rung.
    pub fn fitted_to(self, width: u32, height: u32) -> Rung {
        let out_height = self.height.min(height).max(2) & !1;
        let out_width = (u64::from(out_height) * u64::from(width) / u64::from(height.max(1))) as u32;
        Rung { width: out_width.clamp(2, width.max(2)) & !1, height: out_height, ..self }
    }
}
