#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_media::video::{VideoFormat, VideoSource, Y4mSource, Y4mWriter, decode_jpeg};
use support::{frame_clock, frames};

#[test]
fn frames_written_are_read_back_identically_and_loop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.y4m");
    let format = VideoFormat { width: 160, height: 120, fps: 15 };
    let written = frames(160, 120, 15, 5);
    let mut writer = Y4mWriter::create(&path, format).unwrap();
    for frame in &written {
        writer.write(frame).unwrap();
    }
    drop(writer);

    let mut source = Y4mSource::open(&path, false, frame_clock(15)).unwrap();
    assert_eq!(source.format(), format);
    for expected in &written {
        let frame = source.next_frame().unwrap().unwrap();
        assert_eq!((frame.y(), frame.u(), frame.v()), (expected.y(), expected.u(), expected.v()));
    }
    assert!(source.next_frame().unwrap().is_none(), "the end of a finite file");

    let mut looping = Y4mSource::open(&path, true, frame_clock(15)).unwrap();
    for index in 0..12 {
        let frame = looping.next_frame().unwrap().unwrap();
        assert_eq!(frame.y(), written[index % written.len()].y(), "frame {index}");
    }
    let still = looping.capture_still().unwrap();
    assert_eq!((still.width, still.height), (160, 120));
    decode_jpeg(&still.jpeg, 0).unwrap();
}

#[test]
fn a_frame_of_another_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer =
        Y4mWriter::create(&dir.path().join("a.y4m"), VideoFormat { width: 160, height: 120, fps: 15 }).unwrap();
    assert_eq!(writer.write(&frames(320, 240, 15, 1)[0]).unwrap_err().code(), "invalid_frame");
}

#[test]
fn bad_files_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str, content: &[u8], code: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let error = Y4mSource::open(&path, false, frame_clock(15)).and_then(|mut source| {
            while source.next_frame()?.is_some() {}
            Ok(())
        });
        assert_eq!(error.unwrap_err().code(), code, "{name}");
    };
    check("empty.y4m", b"", "y4m");
    check("not-y4m.y4m", b"RIFF....WAVE", "y4m");
    check("444.y4m", b"YUV4MPEG2 W16 H16 F15:1 C444\nFRAME\n", "unsupported_format");
    check("odd.y4m", b"YUV4MPEG2 W15 H16 F15:1 C420jpeg\n", "unsupported_format");
    let mut truncated = b"YUV4MPEG2 W16 H16 F15:1 C420jpeg\nFRAME\n".to_vec();
    truncated.extend([0u8; 100]);
    let path = dir.path().join("truncated.y4m");
    std::fs::write(&path, &truncated).unwrap();
    let mut source = Y4mSource::open(&path, false, frame_clock(15)).unwrap();
    assert!(source.next_frame().unwrap().is_none(), "a partial last frame ends the file");
    let missing = Y4mSource::open(&dir.path().join("missing.y4m"), false, frame_clock(15)).unwrap_err();
    assert_eq!(missing.code(), "io");
}
