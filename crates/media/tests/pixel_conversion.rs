#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_media::MediaError;
use eclinic_media::video::{I420Frame, RawPixelFormat, decode_jpeg, encode_still, raw_to_i420};
use support::flat;

fn yuyv(width: usize, height: usize, (y, u, v): (u8, u8, u8)) -> Vec<u8> {
    [y, u, y, v].repeat(width / 2 * height)
}

fn nv12(width: usize, height: usize, stride: usize, (y, u, v): (u8, u8, u8)) -> Vec<u8> {
    let mut data = Vec::new();
    for _ in 0..height {
        data.extend(std::iter::repeat_n(y, width));
        data.extend(std::iter::repeat_n(0xEE, stride - width));
    }
    for _ in 0..height / 2 {
        data.extend([u, v].repeat(width / 2));
        data.extend(std::iter::repeat_n(0xEE, stride - width));
    }
    data
}

fn assert_flat(frame: &I420Frame, (y, u, v): (u8, u8, u8), tolerance: u8) {
    let within = |plane: &[u8], value: u8| plane.iter().all(|&p| p.abs_diff(value) <= tolerance);
    assert!(within(frame.y(), y), "luma of {frame:?}");
    assert!(within(frame.u(), u), "U of {frame:?}");
    assert!(within(frame.v(), v), "V of {frame:?}");
}

#[test]
fn yuyv_and_nv12_convert_exactly() {
    let colour = (120, 90, 170);
    let frame = raw_to_i420(RawPixelFormat::Yuyv, (64, 48), 0, &yuyv(64, 48, colour), 7).unwrap();
    assert_flat(&frame, colour, 0);
    assert_eq!(frame.capture_us(), 7);
    // NV12 with row padding, as many cameras deliver it.
    let frame = raw_to_i420(RawPixelFormat::Nv12, (64, 48), 80, &nv12(64, 48, 80, colour), 0).unwrap();
    assert_flat(&frame, colour, 0);
}

#[test]
fn rgb_and_jpeg_round_trip_within_rounding() {
    let colour = (145, 100, 160);
    let source = flat(64, 48, colour);
    let photo = encode_still(&source).unwrap();
    assert_eq!((photo.width, photo.height), (64, 48));
    assert_eq!(&photo.jpeg[..2], &[0xFF, 0xD8], "a JPEG starts with SOI");
    let decoded = decode_jpeg(&photo.jpeg, 0).unwrap();
    assert_flat(&decoded, colour, 3);
    let mjpeg = raw_to_i420(RawPixelFormat::Mjpeg, (64, 48), 0, &photo.jpeg, 0).unwrap();
    assert_eq!(mjpeg, decoded);
}

#[test]
fn bad_buffers_are_typed_errors() {
    let check = |format, size: (u32, u32), stride, data: &[u8], code: &str| {
        let error = raw_to_i420(format, size, stride, data, 0).unwrap_err();
        assert_eq!(error.code(), code, "{format:?} {size:?} stride {stride}, {} bytes: {error}", data.len());
    };
    check(RawPixelFormat::Yuyv, (64, 48), 0, &[0; 100], "invalid_frame");
    check(RawPixelFormat::Yuyv, (64, 48), 64, &[0; 64 * 2 * 48], "invalid_frame");
    check(RawPixelFormat::Nv12, (64, 48), 0, &[0; 64 * 48], "invalid_frame");
    check(RawPixelFormat::Rgb24, (64, 48), 0, &[0; 64 * 3 * 47], "invalid_frame");
    check(RawPixelFormat::Yuyv, (63, 48), 0, &[0; 63 * 2 * 48], "unsupported_format");
    check(RawPixelFormat::Yuyv, (0, 48), 0, &[], "unsupported_format");
    check(RawPixelFormat::Nv12, (8192, 8192), 0, &[], "unsupported_format");
    check(RawPixelFormat::Mjpeg, (64, 48), 0, b"not a jpeg", "jpeg");
}

#[test]
fn every_prefix_of_a_jpeg_is_an_error_or_a_picture() {
    let photo = encode_still(&support::frames(96, 64, 15, 1)[0]).unwrap();
    for end in 0..photo.jpeg.len() {
        match decode_jpeg(&photo.jpeg[..end], 0) {
            Ok(frame) => assert_eq!((frame.width(), frame.height()), (96, 64)),
            Err(MediaError::Jpeg(_) | MediaError::UnsupportedFormat(_)) => {}
            Err(other) => panic!("prefix {end}: unexpected {other}"),
        }
    }
}

#[test]
fn frames_check_their_planes_and_scale() {
    assert_eq!(
        I420Frame::from_planes(4, 4, vec![0; 16], vec![0; 4], vec![0; 3], 0).unwrap_err().code(),
        "invalid_frame"
    );
    let frame = flat(320, 240, (80, 128, 128));
    let smaller = frame.scaled(160, 120).unwrap();
    assert_eq!((smaller.width(), smaller.height(), smaller.y().len(), smaller.u().len()), (160, 120, 19_200, 4_800));
    assert_flat(&smaller, (80, 128, 128), 0);
    assert_eq!(frame.scaled(161, 120).unwrap_err().code(), "unsupported_format");
}
