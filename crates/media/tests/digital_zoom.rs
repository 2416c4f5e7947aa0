#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Digital zoom magnifies the picture's centre and keeps its size and capture time.

use eclinic_media::video::I420Frame;

/// 200 wide: each column's luma is its x coordinate, so a zoomed row shows which columns it came from.
fn ramp() -> I420Frame {
    let (w, h) = (200u32, 100u32);
    let y = (0..h).flat_map(|_| (0..w).map(|x| x as u8)).collect();
    let chroma = vec![128; (w * h / 4) as usize];
    I420Frame::from_planes(w, h, y, chroma.clone(), chroma, 42).unwrap()
}

fn check(percent: u16, expect_left: u8, expect_right: u8) {
    let zoomed = ramp().zoomed(percent).unwrap();
    assert_eq!((zoomed.width(), zoomed.height(), zoomed.capture_us()), (200, 100, 42));
    let row = &zoomed.y()[50 * 200..51 * 200];
    let near = |got: u8, want: u8| got.abs_diff(want) <= 2;
    assert!(near(row[0], expect_left) && near(row[199], expect_right), "{percent} %: {} .. {}", row[0], row[199]);
}

#[test]
fn the_centre_is_magnified() {
    check(100, 0, 199);
    check(50, 0, 199);
    check(200, 50, 149);
    check(400, 75, 124);
}
