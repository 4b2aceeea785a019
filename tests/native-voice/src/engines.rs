//! Native engines in a test: joining with a tone and a recorder, waiting for their
//! events, and checking what they heard.

use std::time::Duration;

use chatalot_voice::audio::AudioSource;
use chatalot_voice::audio::synthetic::{Recorder, Recording, ToneSource};
use chatalot_voice::video::synthetic::FrameCounter;
use chatalot_voice::video::{CAMERA_HEIGHT, CAMERA_WIDTH, VideoSlot};
use chatalot_voice::{Call, CallEvent, CallOptions, Media, PeerState};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{CallWorld, dominant_frequency, rms, wait_for};

/// Hang guard for connecting through the relay (it takes a few seconds).
pub const CONNECT: Duration = Duration::from_secs(20);
/// Half a second at 48 kHz.
pub const HALF_SECOND: usize = 24_000;

/// Joins the world's voice channel as the token's user, sending `tone` and recording
/// what it hears.
pub async fn join(
    world: &CallWorld,
    token: &str,
    tone: f32,
) -> (Call, mpsc::UnboundedReceiver<CallEvent>, Recording) {
    join_with(world.options(token), tone).await
}

/// Joins with the media given.
pub async fn join_with_media(
    options: CallOptions,
    media: Media,
) -> (Call, mpsc::UnboundedReceiver<CallEvent>) {
    Call::join(options, media).await.expect("joins the call")
}

/// Like [`join`], with the engine's options as given.
pub async fn join_with(
    options: CallOptions,
    tone: f32,
) -> (Call, mpsc::UnboundedReceiver<CallEvent>, Recording) {
    join_playing(options, Box::new(ToneSource::new(tone, 0.4))).await
}

/// Joins sending `source` (a tone, a WAV file) and recording what it hears.
pub async fn join_playing(
    options: CallOptions,
    source: Box<dyn AudioSource>,
) -> (Call, mpsc::UnboundedReceiver<CallEvent>, Recording) {
    let (recorder, recording) = Recorder::new();
    let media = Media::audio(source, Box::new(recorder));
    let (call, events) = Call::join(options, media).await.expect("joins the call");
    (call, events, recording)
}

/// Writes `seconds` of a `hz` sine tone as a 48 kHz, 16-bit mono WAV file.
pub fn write_tone_wav(path: &std::path::Path, hz: f32, seconds: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).expect("creates the WAV file");
    for i in 0..48_000 * seconds {
        let t = i as f32 / 48_000.0;
        let sample = 0.4 * (std::f32::consts::TAU * hz * t).sin();
        writer
            .write_sample((sample * 32_767.0) as i16)
            .expect("writes a sample");
    }
    writer.finalize().expect("finishes the WAV file");
}

/// Waits until the connection to `to` is up.
pub async fn connected(events: &mut mpsc::UnboundedReceiver<CallEvent>, to: Uuid) {
    connected_within(events, to, CONNECT).await
}

pub async fn connected_within(
    events: &mut mpsc::UnboundedReceiver<CallEvent>,
    to: Uuid,
    within: Duration,
) {
    wait_for(events, within, "a connected peer", |event| match event {
        CallEvent::Peer { user_id, state } if *user_id == to => match state {
            PeerState::Connected => Some(()),
            PeerState::Failed => panic!("the connection to {to} failed"),
            _ => None,
        },
        _ => None,
    })
    .await
}

/// Whether `user` starts (or stops) speaking, as heard on this side.
pub async fn speaking(events: &mut mpsc::UnboundedReceiver<CallEvent>, user: Uuid, now: bool) {
    let what = if now { "speaking" } else { "silence" };
    wait_for(events, CONNECT, what, |event| {
        (*event
            == CallEvent::Speaking {
                user_id: user,
                speaking: now,
            })
        .then_some(())
    })
    .await
}

/// The next half second played, from now on.
pub async fn next_half_second(recording: &Recording) -> Vec<f32> {
    let start = recording.len();
    recording.reaches(start + HALF_SECOND).await;
    recording.since(start)[..HALF_SECOND].to_vec()
}

#[track_caller]
pub fn assert_tone(samples: &[f32], hz: f32, who: &str) {
    let (found, purity) = dominant_frequency(samples);
    assert!(
        (found - hz).abs() < 5.0 && purity > 0.8,
        "{who} should hear {hz} Hz; the strongest frequency is {found:.1} Hz with {:.0} % of the energy (RMS {:.3})",
        purity * 100.0,
        rms(samples)
    );
}

/// Waits until `seen` decoded at least 15 camera pictures from `from`, then checks
/// their size and colour (chroma within 12 of the pattern's).
pub async fn sees_camera(seen: &FrameCounter, from: Uuid, colour: (u8, u8, u8), who: &str) {
    sees_camera_after(seen, from, 0, colour, who).await
}

/// Like [`sees_camera`], with 15 pictures more than `before`.
pub async fn sees_camera_after(
    seen: &FrameCounter,
    from: Uuid,
    before: u64,
    colour: (u8, u8, u8),
    who: &str,
) {
    let waited = tokio::time::timeout(
        CONNECT,
        seen.wait_until(from, VideoSlot::Camera, |r| r.frames >= before + 15),
    )
    .await;
    let Ok(received) = waited else {
        let frames = seen
            .received(from, VideoSlot::Camera)
            .frames
            .saturating_sub(before);
        panic!("{who} decoded {frames} camera pictures in {CONNECT:?}");
    };
    let last = received.last.expect("a picture");
    assert_eq!(
        (last.width, last.height),
        (CAMERA_WIDTH, CAMERA_HEIGHT),
        "{who}"
    );
    let (_, u, v) = last.mean_yuv();
    assert!(
        (u - f32::from(colour.1)).abs() < 12.0 && (v - f32::from(colour.2)).abs() < 12.0,
        "{who} sees U {u:.0} V {v:.0}, expected {colour:?}"
    );
}
