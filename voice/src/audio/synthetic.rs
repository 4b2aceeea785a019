//! Sources and sinks without a device: a sine tone, silence, and a recorder whose
//! samples a test can analyse while the call goes on.

use std::f32::consts::TAU;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::watch;

use super::{AudioSink, AudioSource, SAMPLE_RATE, level};
use crate::lock;

/// A continuous sine tone.
pub struct ToneSource {
    frequency: f32,
    amplitude: f32,
    phase: f32,
}

impl ToneSource {
    pub fn new(frequency: f32, amplitude: f32) -> ToneSource {
        ToneSource {
            frequency,
            amplitude,
            phase: 0.0,
        }
    }
}

impl AudioSource for ToneSource {
    fn read(&mut self, frame: &mut [f32]) {
        let step = TAU * self.frequency / SAMPLE_RATE as f32;
        for sample in frame {
            *sample = self.amplitude * self.phase.sin();
            self.phase = (self.phase + step) % TAU;
        }
    }
}

/// Nothing to say.
pub struct Silence;

impl AudioSource for Silence {
    fn read(&mut self, frame: &mut [f32]) {
        frame.fill(0.0);
    }
}

/// Plays nowhere.
pub struct Discard;

impl AudioSink for Discard {
    fn write(&mut self, _frame: &[f32]) {}
}

/// Keeps everything played; [`Recording`] reads it from elsewhere.
pub struct Recorder {
    samples: Arc<Mutex<Vec<f32>>>,
    length: watch::Sender<usize>,
}

/// The shared view of what a [`Recorder`] has been given.
#[derive(Clone)]
pub struct Recording {
    samples: Arc<Mutex<Vec<f32>>>,
    length: watch::Receiver<usize>,
}

impl Recorder {
    pub fn new() -> (Recorder, Recording) {
        let samples = Arc::new(Mutex::new(Vec::new()));
        let (length, watched) = watch::channel(0);
        let recording = Recording {
            samples: samples.clone(),
            length: watched,
        };
        (Recorder { samples, length }, recording)
    }
}

impl AudioSink for Recorder {
    fn write(&mut self, frame: &[f32]) {
        let mut samples = lock(&self.samples);
        samples.extend_from_slice(frame);
        self.length.send_replace(samples.len());
    }
}

impl Recording {
    /// How many samples were played so far.
    pub fn len(&self) -> usize {
        lock(&self.samples).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits until at least `length` samples were played (never, if playing stopped).
    pub async fn reaches(&self, length: usize) {
        let mut watched = self.length.clone();
        let _ = watched.wait_for(|played| *played >= length).await;
    }

    /// The samples played from `start` on.
    pub fn since(&self, start: usize) -> Vec<f32> {
        let samples = lock(&self.samples);
        samples[start.min(samples.len())..].to_vec()
    }
}

/// Short tone bursts at a steady interval, each stamped with the moment it was read:
/// with an [`OnsetDetector`] at the far end, the time from "mouth" to "ear".
pub struct PulseSource {
    tone: ToneSource,
    every: usize,
    frame: usize,
    sent: Arc<Mutex<Vec<Instant>>>,
}

impl PulseSource {
    /// One 20 ms burst of `frequency` every `every` frames; the returned list fills
    /// with when each was read.
    pub fn new(frequency: f32, every: usize) -> (PulseSource, Arc<Mutex<Vec<Instant>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let source = PulseSource {
            tone: ToneSource::new(frequency, 0.5),
            every: every.max(2),
            frame: 0,
            sent: sent.clone(),
        };
        (source, sent)
    }
}

impl AudioSource for PulseSource {
    fn read(&mut self, frame: &mut [f32]) {
        if self.frame.is_multiple_of(self.every) {
            self.tone.read(frame);
            lock(&self.sent).push(Instant::now());
        } else {
            frame.fill(0.0);
        }
        self.frame += 1;
    }
}

/// Notes when sound starts after silence, for a [`PulseSource`] at the far end.
pub struct OnsetDetector {
    sounding: bool,
    heard: Arc<Mutex<Vec<Instant>>>,
}

impl OnsetDetector {
    pub fn new() -> (OnsetDetector, Arc<Mutex<Vec<Instant>>>) {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let detector = OnsetDetector {
            sounding: false,
            heard: heard.clone(),
        };
        (detector, heard)
    }
}

impl AudioSink for OnsetDetector {
    fn write(&mut self, frame: &[f32]) {
        // A burst plays at about -9 dBFS; codec noise after it stays far below -30.
        let sounding = level::dbfs(frame) > -30.0;
        if sounding && !self.sounding {
            lock(&self.heard).push(Instant::now());
        }
        self.sounding = sounding;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::FRAME_SAMPLES;

    #[test]
    fn a_tone_continues_across_frames_at_its_amplitude() {
        let mut tone = ToneSource::new(1000.0, 0.5);
        let mut a = vec![0.0; FRAME_SAMPLES];
        let mut b = vec![0.0; FRAME_SAMPLES];
        tone.read(&mut a);
        tone.read(&mut b);
        let peak = a.iter().chain(&b).fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((peak - 0.5).abs() < 0.01, "peak {peak}");
        // 1 kHz at 48 kHz: 48 samples per period, so frame b starts where a's phase left off.
        let step = TAU * 1000.0 / 48_000.0;
        assert!((b[0] - 0.5 * (FRAME_SAMPLES as f32 * step).sin()).abs() < 1e-3);
    }

    #[test]
    fn pulses_are_stamped_when_read_and_onsets_when_heard() {
        let (mut pulses, sent) = PulseSource::new(1000.0, 3);
        let (mut onsets, heard) = OnsetDetector::new();
        let mut frame = vec![0.0; FRAME_SAMPLES];
        for _ in 0..7 {
            pulses.read(&mut frame);
            onsets.write(&frame);
        }
        // Frames 0, 3 and 6 carry a burst; each is one onset.
        assert_eq!(sent.lock().unwrap().len(), 3);
        assert_eq!(heard.lock().unwrap().len(), 3);
    }

    #[test]
    fn a_recording_shows_what_was_played() {
        let (mut recorder, recording) = Recorder::new();
        recorder.write(&[0.25; 10]);
        recorder.write(&[0.5; 5]);
        assert_eq!(recording.len(), 15);
        assert_eq!(recording.since(10), vec![0.5; 5]);
        assert!(recording.since(99).is_empty());
    }
}
