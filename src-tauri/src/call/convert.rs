//! Between a sound device's format and the engine's (mono, 48 kHz, f32): channel
//! mixing and a streaming linear resampler, for devices that do not offer 48 kHz.

/// Averages interleaved `channels`-channel samples into mono.
pub fn downmix(interleaved: &[f32], channels: usize, mono: &mut Vec<f32>) {
    let channels = channels.max(1);
    mono.extend(
        interleaved
            .chunks_exact(channels)
            .map(|frame| frame.iter().sum::<f32>() / channels as f32),
    );
}

/// Changes the sample rate of a continuous mono stream by linear interpolation:
/// plenty for speech, and no state beyond the last input sample.
pub struct Resampler {
    /// Input samples per output sample.
    step: f64,
    /// Where the next output sample falls, counted from `previous` (0.0..1.0 + step).
    position: f64,
    previous: f32,
}

impl Resampler {
    pub fn new(from_rate: u32, to_rate: u32) -> Resampler {
        Resampler {
            step: f64::from(from_rate) / f64::from(to_rate),
            position: 0.0,
            previous: 0.0,
        }
    }

    /// Whether the rates are equal (samples pass through unchanged).
    pub fn is_identity(&self) -> bool {
        self.step == 1.0
    }

    /// Appends the resampled `input` to `output`.
    pub fn process(&mut self, input: &[f32], output: &mut Vec<f32>) {
        if self.is_identity() {
            output.extend_from_slice(input);
            return;
        }
        // Sample `i` of the input sits at position `i + 1` (`previous` at 0).
        while self.position < input.len() as f64 {
            let index = self.position.floor() as usize;
            let fraction = (self.position - index as f64) as f32;
            let before = if index == 0 {
                self.previous
            } else {
                input[index - 1]
            };
            let after = input[index];
            output.push(before + (after - before) * fraction);
            self.position += self.step;
        }
        self.position -= input.len() as f64;
        if let Some(&last) = input.last() {
            self.previous = last;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downmixing_averages_each_frame() {
        let mut mono = Vec::new();
        downmix(&[1.0, 0.0, 0.5, 0.5, -1.0, -0.5], 2, &mut mono);
        assert_eq!(mono, vec![0.5, 0.5, -0.75]);
    }

    #[test]
    fn equal_rates_pass_samples_through() {
        let mut resampler = Resampler::new(48_000, 48_000);
        let mut out = Vec::new();
        resampler.process(&[0.1, 0.2, 0.3], &mut out);
        assert_eq!(out, vec![0.1, 0.2, 0.3]);
    }

    #[test]
    fn resampling_keeps_duration_and_frequency() {
        // One second of a 1 kHz sine at 44.1 kHz, fed in uneven chunks.
        let input: Vec<f32> = (0..44_100)
            .map(|i| (std::f32::consts::TAU * 1000.0 * i as f32 / 44_100.0).sin())
            .collect();
        let mut resampler = Resampler::new(44_100, 48_000);
        let mut out = Vec::new();
        for chunk in input.chunks(441 + 7) {
            resampler.process(chunk, &mut out);
        }
        assert!(
            (out.len() as i64 - 48_000).abs() <= 1,
            "{} samples",
            out.len()
        );
        // Zero crossings upward: 1000 of them in one second, whatever the rate.
        let rising = out.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        assert!((999..=1001).contains(&rising), "{rising} cycles");
        // Interpolation stays on the curve: compare against the ideal 48 kHz sine.
        let worst = out
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, s)| {
                let t = (i as f32 - 48_000.0 / 44_100.0) / 48_000.0;
                (s - (std::f32::consts::TAU * 1000.0 * t).sin()).abs()
            })
            .fold(0.0f32, f32::max);
        assert!(worst < 0.02, "largest deviation {worst}");
    }
}
