//! Voice activity for the speaking indicator: a frame's level in dBFS, "speaking"
//! once it rises above a threshold, and "quiet" only after it has stayed below for a
//! while, so the indicator does not flicker between words.

use std::time::Duration;

use super::FRAME_DURATION;

/// Quieter than this is not speech (a quiet room with a microphone is about -60).
const SPEAKING_DBFS: f32 = -45.0;
/// How long the level must stay low before speaking ends.
const HANGOVER: Duration = Duration::from_millis(400);

/// The RMS level of `frame` in dB relative to full scale (silence is -100).
pub fn dbfs(frame: &[f32]) -> f32 {
    if frame.is_empty() {
        return -100.0;
    }
    let mean_square = frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32;
    (10.0 * mean_square.log10()).max(-100.0)
}

#[derive(Default)]
pub struct SpeakingDetector {
    speaking: bool,
    quiet_frames: u32,
}

impl SpeakingDetector {
    /// Looks at the next frame; `Some` when speaking starts or ends.
    pub fn update(&mut self, frame: &[f32]) -> Option<bool> {
        let hangover_frames = (HANGOVER.as_millis() / FRAME_DURATION.as_millis()) as u32;
        if dbfs(frame) > SPEAKING_DBFS {
            self.quiet_frames = 0;
            if !self.speaking {
                self.speaking = true;
                return Some(true);
            }
        } else if self.speaking {
            self.quiet_frames += 1;
            if self.quiet_frames >= hangover_frames {
                self.speaking = false;
                return Some(false);
            }
        }
        None
    }

    pub fn speaking(&self) -> bool {
        self.speaking
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::FRAME_SAMPLES;

    #[test]
    fn levels_in_dbfs() {
        assert!((dbfs(&[1.0; 10]) - 0.0).abs() < 1e-4);
        assert!((dbfs(&[0.1; 10]) + 20.0).abs() < 1e-3);
        assert_eq!(dbfs(&[0.0; 10]), -100.0);
    }

    #[test]
    fn speaking_starts_at_once_and_ends_after_the_hangover() {
        let loud = vec![0.3; FRAME_SAMPLES];
        let quiet = vec![0.0001; FRAME_SAMPLES];
        let mut detector = SpeakingDetector::default();
        assert_eq!(detector.update(&quiet), None);
        assert_eq!(detector.update(&loud), Some(true));
        assert_eq!(detector.update(&loud), None);
        // A short pause between words keeps it on.
        for _ in 0..10 {
            assert_eq!(detector.update(&quiet), None);
        }
        assert_eq!(detector.update(&loud), None);
        let ended = (0..30).position(|_| detector.update(&quiet) == Some(false));
        assert_eq!(ended, Some(19), "400 ms of quiet is 20 frames");
        assert!(!detector.speaking());
    }
}
