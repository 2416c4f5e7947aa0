#![no_main]

use eclinic_media::video::{RawPixelFormat, raw_to_i420};
use libfuzzer_sys::fuzz_target;

// A camera buffer of any format, size and stride (the first bytes choose them), as a broken driver might send.
fuzz_target!(|data: &[u8]| {
    let [format, width, height, stride, rest @ ..] = data else { return };
    let format = match format % 4 {
        0 => RawPixelFormat::Yuyv,
        1 => RawPixelFormat::Nv12,
        2 => RawPixelFormat::Rgb24,
        _ => RawPixelFormat::Mjpeg,
    };
    let size = (u32::from(*width) * 4, u32::from(*height) * 4);
    let _ = raw_to_i420(format, size, usize::from(*stride) * 8, rest, 0);
});
