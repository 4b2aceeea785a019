//! Audio as the engine moves it: 20 ms frames of mono 48 kHz samples in `-1.0..=1.0`.
//! Capture and playback sit behind two small traits so that devices (the app's
//! `cpal` implementation) and synthetic ones (tones, recordings: tests) are
//! interchangeable; the engine's clock pulls and pushes one frame at a time.

pub mod codec;
pub mod jitter;
pub mod level;
pub mod synthetic;
pub mod wav;

use std::time::Duration;

/// Opus and WebRTC audio run at 48 kHz.
pub const SAMPLE_RATE: u32 = 48_000;
/// One frame: the Opus packet duration browsers use too.
pub const FRAME_DURATION: Duration = Duration::from_millis(20);
/// Samples in one frame (mono).
pub const FRAME_SAMPLES: usize = (SAMPLE_RATE as usize / 1000) * 20;

/// Where this participant's sound comes from (a microphone, a tone, a file).
pub trait AudioSource: Send + 'static {
    /// Fills `frame` (`FRAME_SAMPLES` long) with the next 20 ms.
    fn read(&mut self, frame: &mut [f32]);
}

/// Where the call's sound goes (speakers, a recording): the mix of everyone else.
pub trait AudioSink: Send + 'static {
    /// Plays the next 20 ms (`FRAME_SAMPLES` long).
    fn write(&mut self, frame: &[f32]);
}
