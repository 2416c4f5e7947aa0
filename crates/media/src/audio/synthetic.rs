use super::{AudioSource, SAMPLE_RATE};
use crate::MediaError;

/// A voice stand-in: a gliding glottal pitch with formant-weighted harmonics, syllables at about 4 Hz, and talk
/// spurts separated by pauses (so DTX and comfort noise are exercised), over a faint noise floor.
#[derive(Debug, Clone)]
pub struct SyntheticVoice {
    position: u64,
    phase: f32,
    noise: u32,
}

impl Default for SyntheticVoice {
    fn default() -> Self {
        Self::new()
    }
}

impl SyntheticVoice {
    pub fn new() -> Self {
        Self { position: 0, phase: 0.0, noise: 0x1234_5678 }
    }

    fn next_sample(&mut self) -> i16 {
        let t = self.position as f32 / SAMPLE_RATE as f32;
        self.position += 1;
        // 1.6 s of speech, then 0.9 s of silence.
        let in_spurt = (t % 2.5) < 1.6;
        let pitch = 150.0 + 40.0 * (t * 1.3).sin() + 15.0 * (t * 4.7).sin();
        self.phase = (self.phase + pitch / SAMPLE_RATE as f32).fract();
        let syllable = (0.5 - 0.5 * (t * 2.0 * std::f32::consts::PI * 4.0).cos()).powf(1.5);
        let vowel = (t * 1.7).sin() * 0.5 + 0.5;
        let mut voiced = 0.0;
        for harmonic in 1..=20u8 {
            let frequency = pitch * f32::from(harmonic);
            // Two formants whose centres move with the "vowel".
            let formant = |centre: f32, width: f32| (-((frequency - centre) / width).powi(2)).exp();
            let weight = formant(500.0 + 300.0 * vowel, 250.0) + 0.6 * formant(1500.0 + 700.0 * vowel, 400.0);
            voiced += weight * (2.0 * std::f32::consts::PI * self.phase * f32::from(harmonic)).sin()
                / f32::from(harmonic).sqrt();
        }
        self.noise = self.noise.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let floor = ((self.noise >> 16) as f32 / 65_536.0 - 0.5) * 60.0;
        let speech = if in_spurt { voiced * syllable * 5_000.0 } else { 0.0 };
        (speech + floor).clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16
    }
}

impl AudioSource for SyntheticVoice {
    fn read(&mut self, out: &mut [i16]) -> Result<usize, MediaError> {
        for sample in out.iter_mut() {
            *sample = self.next_sample();
        }
        Ok(out.len())
    }
}
