#![allow(dead_code)] // each test file uses its own part of the support module

use eclinic_media::video::{Clock, I420Frame, SyntheticVideo, VideoFormat, VideoSource};

/// A clock that advances by one frame interval per reading, starting at a fixed date.
pub fn frame_clock(fps: u32) -> Clock {
    let next = std::sync::atomic::AtomicU64::new(1_764_000_000_000_000);
    let step = 1_000_000 / u64::from(fps);
    Box::new(move || next.fetch_add(step, std::sync::atomic::Ordering::Relaxed))
}

pub fn synthetic(width: u32, height: u32, fps: u32) -> SyntheticVideo {
    SyntheticVideo::new(VideoFormat { width, height, fps }, frame_clock(fps)).unwrap()
}

pub fn frames(width: u32, height: u32, fps: u32, count: usize) -> Vec<I420Frame> {
    let mut source = synthetic(width, height, fps);
    (0..count).map(|_| source.next_frame().unwrap().unwrap()).collect()
}

/// A flat picture of one colour.
pub fn flat(width: u32, height: u32, (y, u, v): (u8, u8, u8)) -> I420Frame {
    let luma = (width * height) as usize;
    I420Frame::from_planes(width, height, vec![y; luma], vec![u; luma / 4], vec![v; luma / 4], 0).unwrap()
}
