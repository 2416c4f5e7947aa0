#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use eclinic_media::audio::{AudioSource, WavSource, WavWriter, samples_per_ms};

fn zero_crossings(samples: &[i16]) -> usize {
    samples.windows(2).filter(|pair| (pair[0] < 0) != (pair[1] < 0)).count()
}

fn write_sine(path: &std::path::Path, rate: u32, channels: u16, seconds: f32, hz: f32) {
    let spec =
        hound::WavSpec { channels, sample_rate: rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(rate as f32 * seconds) as u32 {
        let value = ((n as f32 / rate as f32 * hz * std::f32::consts::TAU).sin() * 10_000.0) as i16;
        for _ in 0..channels {
            writer.write_sample(value).unwrap();
        }
    }
    writer.finalize().unwrap();
}

#[test]
fn files_at_other_rates_and_channel_counts_come_out_48k_mono() {
    let dir = tempfile::tempdir().unwrap();
    for (rate, channels) in [(48_000, 1), (44_100, 2), (16_000, 1), (8_000, 2)] {
        let path = dir.path().join(format!("{rate}-{channels}.wav"));
        write_sine(&path, rate, channels, 1.0, 440.0);
        let mut source = WavSource::open(&path, false).unwrap();
        let mut samples = vec![0i16; samples_per_ms(1_200)];
        let read = source.read(&mut samples).unwrap();
        assert!((samples_per_ms(950)..=samples_per_ms(1_000)).contains(&read), "{rate} Hz x{channels}: {read} samples");
        // 440 Hz crosses zero 880 times a second.
        let crossings = zero_crossings(&samples[samples_per_ms(100)..samples_per_ms(900)]) as f64 / 0.8;
        assert!((850.0..=910.0).contains(&crossings), "{rate} Hz x{channels}: {crossings} crossings/s");
    }
}

#[test]
fn written_audio_reads_back_and_loops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.wav");
    let samples: Vec<i16> = (0..4_800).map(|n| (n % 200 * 100) as i16).collect();
    let mut writer = WavWriter::create(&path).unwrap();
    writer.write(&samples[..2_400]).unwrap();
    writer.write(&samples[2_400..]).unwrap();
    writer.finish().unwrap();
    let mut source = WavSource::open(&path, true).unwrap();
    let mut read = vec![0i16; 9_600];
    assert_eq!(source.read(&mut read).unwrap(), 9_600);
    assert_eq!(&read[..4_800], &samples[..]);
    assert_eq!(&read[4_800..], &samples[..], "looped");
}

#[test]
fn bad_files_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.wav");
    std::fs::write(&path, b"RIFF\x10\x00\x00\x00WAVEjunk").unwrap();
    assert_eq!(WavSource::open(&path, false).unwrap_err().code(), "wav");
    assert_eq!(WavSource::open(&dir.path().join("missing.wav"), false).unwrap_err().code(), "wav");
}
