//! cpal against a real, paced sound server: a private PulseAudio with a null sink and a 440 Hz sine source,
//! reached through ALSA's `pulse` device, opened by id as the app opens a microphone.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use eclinic_media::audio::{AudioSource, CpalCapture, CpalPlayback, Microphone, list_audio_devices, samples_per_ms};

const DEVICE: &str = "alsa:pulse";

struct PulseServer {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for PulseServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pactl(server: &str, args: &[&str]) {
    let status = Command::new("pactl").env("PULSE_SERVER", server).args(args).status().unwrap();
    assert!(status.success(), "pactl {args:?}");
}

/// Starts PulseAudio on a private socket and points this process's libpulse at it. nextest runs each test in
/// its own process, so the environment is this test's alone.
fn start_pulse() -> PulseServer {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("native");
    let child = Command::new("pulseaudio")
        .args(["-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "-F", "/dev/null"])
        .arg(format!("--load=module-native-protocol-unix socket={} auth-anonymous=1", socket.display()))
        .arg("--load=module-null-sink sink_name=speaker")
        // The microphone hears a 440 Hz tone played into a second null sink: its monitor, unlike
        // module-sine-source (which hands out two-second blocks), follows the latency a client asks for, as a
        // sound card's source does.
        .arg("--load=module-null-sink sink_name=room rate=48000 channels=1")
        .arg("--load=module-sine sink=room frequency=440")
        .env("HOME", dir.path())
        .env("XDG_RUNTIME_DIR", dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("pulseaudio is installed (cargo xtask test installs it)");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !Path::new(&socket).exists() {
        assert!(Instant::now() < deadline, "pulseaudio did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let server = format!("unix:{}", socket.display());
    pactl(&server, &["set-default-source", "room.monitor"]);
    pactl(&server, &["set-default-sink", "speaker"]);
    set_pulse_server(&server);
    PulseServer { child, _dir: dir }
}

#[allow(unsafe_code)]
fn set_pulse_server(server: &str) {
    // SAFETY: called before this test opens any device, while the test process runs no other thread that reads
    // the environment (nextest: one test per process).
    unsafe { std::env::set_var("PULSE_SERVER", server) };
}

fn zero_crossings(samples: &[i16]) -> usize {
    samples.windows(2).filter(|pair| (pair[0] < 0) != (pair[1] < 0)).count()
}

#[test]
fn capture_and_playback_run_at_real_time_through_pulse() {
    let _server = start_pulse();
    let devices = list_audio_devices().unwrap();
    let pulse = devices.iter().find(|d| d.id == DEVICE).unwrap_or_else(|| panic!("{DEVICE} in {devices:?}"));
    assert!(pulse.input && pulse.output);

    let mut microphone = CpalCapture::open(DEVICE).unwrap();
    let mut warm_up = vec![0i16; samples_per_ms(200)];
    microphone.read(&mut warm_up).unwrap();
    let started = Instant::now();
    let mut second = vec![0i16; samples_per_ms(2_000)];
    assert_eq!(microphone.read(&mut second).unwrap(), second.len());
    let elapsed = started.elapsed().as_secs_f64();
    // Paced: two seconds of sound take about two seconds (an unpaced source returns in milliseconds).
    assert!((1.6..=2.6).contains(&elapsed), "2 s of capture took {elapsed:.2} s");
    let crossings = zero_crossings(&second) as f64 / 2.0;
    assert!((860.0..=900.0).contains(&crossings), "the 440 Hz sine: {crossings} crossings/s");

    // Playback: with three seconds queued, the device takes them at 48 000 samples a second.
    let mut speaker = CpalPlayback::open(DEVICE).unwrap();
    for _ in 0..3 {
        speaker.play(&second[..samples_per_ms(1_000)]).unwrap();
    }
    // ALSA's pulse plugin starts playing only once the server's buffer has filled (about two seconds here).
    let started = Instant::now();
    while speaker.stats().consumed < u64::try_from(samples_per_ms(200)).unwrap() {
        assert!(started.elapsed() < Duration::from_secs(5), "playback did not start: {:?}", speaker.stats());
        std::thread::sleep(Duration::from_millis(20));
    }
    let (before, started) = (speaker.stats().consumed, Instant::now());
    std::thread::sleep(Duration::from_millis(1_000));
    let rate = (speaker.stats().consumed - before) as f64 / started.elapsed().as_secs_f64();
    assert!((40_000.0..=56_000.0).contains(&rate), "playback consumed {rate:.0} samples/s");
}

#[test]
fn the_microphone_feeds_a_paced_reader_without_making_it_wait() {
    let _server = start_pulse();
    let mut microphone = Microphone::open(DEVICE).unwrap();
    let frame_ms = 20;
    let mut frame = vec![0i16; samples_per_ms(frame_ms)];
    let (started, mut tick) = (Instant::now(), 0u32);
    let mut slowest = Duration::ZERO;
    // Reads one frame on the reader's own clock, as the call's audio pump does.
    let mut read_on_tick = |frame: &mut [i16]| {
        tick += 1;
        let due = started + Duration::from_millis(u64::from(tick * frame_ms));
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let asked = Instant::now();
        assert_eq!(microphone.read(frame).unwrap(), frame.len());
        slowest = slowest.max(asked.elapsed());
    };
    // Silence until the device delivers (ALSA's pulse plugin takes a moment to start); then it settles.
    while frame.iter().all(|s| *s == 0) {
        assert!(started.elapsed() < Duration::from_secs(6), "the microphone never delivered");
        read_on_tick(&mut frame);
    }
    for _ in 0..10 {
        read_on_tick(&mut frame);
    }
    let mut speech = Vec::new();
    for _ in 0..100 {
        read_on_tick(&mut frame);
        speech.extend_from_slice(&frame);
    }
    assert!(slowest < Duration::from_millis(5), "a read waited {slowest:?}");
    let silent_frames = speech.chunks(frame.len()).filter(|f| f.iter().all(|s| *s == 0)).count();
    assert!(silent_frames <= 2, "{silent_frames} of 100 frames were silence");
    let crossings = zero_crossings(&speech) as f64 / 2.0;
    assert!((840.0..=900.0).contains(&crossings), "the 440 Hz tone: {crossings} crossings/s");
    assert_eq!(Microphone::open("alsa:no-such-device").unwrap_err().code(), "audio_device");
}

#[test]
fn an_unknown_device_is_a_typed_error() {
    let _server = start_pulse();
    assert_eq!(CpalCapture::open("alsa:no-such-device").unwrap_err().code(), "audio_device");
    assert_eq!(CpalCapture::open("not an id").unwrap_err().code(), "audio_device");
    assert_eq!(CpalPlayback::open("alsa:no-such-device").unwrap_err().code(), "audio_device");
}
