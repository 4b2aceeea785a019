//! The computer's microphones and speakers through `cpal`, behind the engine's
//! [`AudioSource`]/[`AudioSink`] traits: each device stream runs on its own callback
//! thread and meets the engine's 20 ms clock in a lock-free ring buffer.
//!
//! `CHATALOT_FAKE_AUDIO=tone:<Hz>` (or `silence`) replaces both with a test tone and
//! no playback, like a browser's fake media flags: for tests, and for trying calls on
//! a computer without a sound card.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use chatalot_voice::Media;
use chatalot_voice::audio::synthetic::{Discard, Silence, ToneSource};
use chatalot_voice::audio::{AudioSink, AudioSource, FRAME_SAMPLES, SAMPLE_RATE};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, SupportedStreamConfig};
use ringbuf::traits::{Consumer, Observer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};
use serde::Serialize;

use super::convert::{Resampler, downmix};

/// The environment variable that replaces the sound devices (see the module docs).
pub const FAKE_AUDIO_VAR: &str = "CHATALOT_FAKE_AUDIO";

/// One microphone, speaker or camera, as the settings list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaDevice {
    /// Stable across runs: what the choice is saved as.
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeviceLists {
    pub inputs: Vec<MediaDevice>,
    pub outputs: Vec<MediaDevice>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DeviceError {
    #[error("no {0} was found")]
    Missing(&'static str),
    #[error("Chatalot may not use the {0}: allow it in the system's privacy settings")]
    PermissionDenied(&'static str),
    #[error("the {what} cannot be opened: {reason}")]
    Unusable { what: &'static str, reason: String },
    #[error("{FAKE_AUDIO_VAR} must be tone:<Hz> (1-20000) or silence, not {0:?}")]
    BadFakeAudio(String),
    #[error("CHATALOT_FAKE_CAMERA must be pattern, not {0:?}")]
    BadFakeCamera(String),
}

/// What stands in for the devices when [`FAKE_AUDIO_VAR`] is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FakeAudio {
    Tone(f32),
    Silence,
}

impl FakeAudio {
    /// Reads [`FAKE_AUDIO_VAR`]; `None` when unset (real devices).
    pub fn from_env() -> Result<Option<FakeAudio>, DeviceError> {
        match std::env::var(FAKE_AUDIO_VAR) {
            Ok(value) if !value.is_empty() => FakeAudio::parse(&value).map(Some),
            _ => Ok(None),
        }
    }

    pub fn parse(value: &str) -> Result<FakeAudio, DeviceError> {
        if value == "silence" {
            return Ok(FakeAudio::Silence);
        }
        value
            .strip_prefix("tone:")
            .and_then(|hz| hz.parse::<f32>().ok())
            .filter(|hz| (1.0..=20_000.0).contains(hz))
            .map(FakeAudio::Tone)
            .ok_or_else(|| DeviceError::BadFakeAudio(value.to_owned()))
    }

    pub fn lists(self) -> DeviceLists {
        let input = match self {
            FakeAudio::Tone(hz) => format!("Test tone ({hz} Hz)"),
            FakeAudio::Silence => "Silence (test)".to_owned(),
        };
        DeviceLists {
            inputs: vec![MediaDevice {
                id: "fake".into(),
                name: input,
            }],
            outputs: vec![MediaDevice {
                id: "fake".into(),
                name: "No playback (test)".into(),
            }],
        }
    }

    pub fn media(self) -> Media {
        let source: Box<dyn AudioSource> = match self {
            FakeAudio::Tone(hz) => Box::new(ToneSource::new(hz, 0.5)),
            FakeAudio::Silence => Box::new(Silence),
        };
        Media::audio(source, Box::new(Discard))
    }
}

/// The microphones and speakers the system offers now (empty lists when it has none).
pub fn list() -> DeviceLists {
    let host = cpal::default_host();
    let describe = |device: cpal::Device| {
        let id = device.id().ok()?.to_string();
        let name = device
            .description()
            .map(|d| d.name().to_owned())
            .unwrap_or_else(|_| id.clone());
        Some(MediaDevice { id, name })
    };
    let inputs = host
        .input_devices()
        .map(|devices| devices.filter_map(describe).collect())
        .unwrap_or_default();
    let outputs = host
        .output_devices()
        .map(|devices| devices.filter_map(describe).collect())
        .unwrap_or_default();
    DeviceLists { inputs, outputs }
}

/// Opens the chosen microphone and speakers (`None`: the system's default) for a call.
pub fn open(input: Option<&str>, output: Option<&str>) -> Result<Media, DeviceError> {
    let (ready, started) = mpsc::channel();
    let (stop, stopped) = mpsc::channel::<()>();
    let (input, output) = (input.map(str::to_owned), output.map(str::to_owned));
    // Streams are not `Send` on every platform: one thread builds, owns and drops them.
    std::thread::Builder::new()
        .name("chatalot-audio".into())
        .spawn(
            move || match start_streams(input.as_deref(), output.as_deref()) {
                Ok((streams, media)) => {
                    let _ = ready.send(Ok(media));
                    // Until the call drops its source and sink.
                    let _ = stopped.recv();
                    drop(streams);
                }
                Err(err) => {
                    let _ = ready.send(Err(err));
                }
            },
        )
        .map_err(|err| DeviceError::Unusable {
            what: "audio",
            reason: err.to_string(),
        })?;
    let (capture, playback) = started.recv().map_err(|_| DeviceError::Unusable {
        what: "audio",
        reason: "the audio thread stopped".into(),
    })??;
    let guard = Arc::new(StopOnDrop(stop));
    Ok(Media::audio(
        Box::new(DeviceSource {
            ring: capture,
            _streams: guard.clone(),
        }),
        Box::new(DeviceSink {
            ring: playback,
            resampler: None,
            scratch: Vec::with_capacity(FRAME_SAMPLES * 2),
            _streams: guard,
        }),
    ))
}

struct StopOnDrop(mpsc::Sender<()>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

type Streams = (cpal::Stream, cpal::Stream);
/// The capture ring (48 kHz mono) and the playback ring (the device's rate, mono).
type Rings = (HeapCons<f32>, (HeapProd<f32>, u32));

fn start_streams(
    input: Option<&str>,
    output: Option<&str>,
) -> Result<(Streams, Rings), DeviceError> {
    let host = cpal::default_host();
    let microphone = find(&host, input, true)?;
    let speakers = find(&host, output, false)?;
    let mic_config = choose(
        microphone.supported_input_configs().ok(),
        microphone.default_input_config(),
        "microphone",
    )?;
    let out_config = choose(
        speakers.supported_output_configs().ok(),
        speakers.default_output_config(),
        "speakers",
    )?;

    // A quarter second each way: ample for a 20 ms clock, and bounded.
    let (capture_in, capture_out) = HeapRb::<f32>::new(SAMPLE_RATE as usize / 4).split();
    let (playback_in, playback_out) =
        HeapRb::<f32>::new(out_config.sample_rate() as usize / 4).split();
    let capture = build_input(&microphone, &mic_config, capture_in)?;
    let playback = build_output(&speakers, &out_config, playback_out)?;
    for stream in [&capture, &playback] {
        stream.play().map_err(|err| unusable("audio", &err))?;
    }
    Ok((
        (capture, playback),
        (capture_out, (playback_in, out_config.sample_rate())),
    ))
}

fn find(host: &cpal::Host, id: Option<&str>, input: bool) -> Result<cpal::Device, DeviceError> {
    let what = if input { "microphone" } else { "speakers" };
    let chosen = match id {
        Some(id) => id.parse().ok().and_then(|id| host.device_by_id(&id)),
        None if input => host.default_input_device(),
        None => host.default_output_device(),
    };
    chosen.ok_or(DeviceError::Missing(what))
}

/// The device's format closest to the engine's: 48 kHz in a sample format we convert,
/// else its default format (resampled).
fn choose(
    ranges: Option<impl Iterator<Item = cpal::SupportedStreamConfigRange>>,
    default: Result<SupportedStreamConfig, cpal::Error>,
    what: &'static str,
) -> Result<SupportedStreamConfig, DeviceError> {
    let handled = |format: SampleFormat| {
        matches!(
            format,
            SampleFormat::F32 | SampleFormat::I16 | SampleFormat::I32 | SampleFormat::U16
        )
    };
    let at_48k = ranges.into_iter().flatten().find_map(|range| {
        (handled(range.sample_format()) && range.channels() > 0)
            .then(|| range.try_with_sample_rate(SAMPLE_RATE))
            .flatten()
    });
    if let Some(config) = at_48k {
        return Ok(config);
    }
    let config = default.map_err(|err| unusable(what, &err))?;
    if !handled(config.sample_format()) {
        return Err(DeviceError::Unusable {
            what,
            reason: format!(
                "its sample format {} is not supported",
                config.sample_format()
            ),
        });
    }
    Ok(config)
}

fn unusable(what: &'static str, err: &cpal::Error) -> DeviceError {
    match err.kind() {
        cpal::ErrorKind::PermissionDenied => DeviceError::PermissionDenied(what),
        cpal::ErrorKind::DeviceNotAvailable => DeviceError::Missing(what),
        _ => DeviceError::Unusable {
            what,
            reason: err.to_string(),
        },
    }
}

fn build_input(
    device: &cpal::Device,
    config: &SupportedStreamConfig,
    ring: HeapProd<f32>,
) -> Result<cpal::Stream, DeviceError> {
    match config.sample_format() {
        SampleFormat::I16 => input_stream::<i16>(device, config, ring),
        SampleFormat::I32 => input_stream::<i32>(device, config, ring),
        SampleFormat::U16 => input_stream::<u16>(device, config, ring),
        _ => input_stream::<f32>(device, config, ring),
    }
}

fn build_output(
    device: &cpal::Device,
    config: &SupportedStreamConfig,
    ring: HeapCons<f32>,
) -> Result<cpal::Stream, DeviceError> {
    match config.sample_format() {
        SampleFormat::I16 => output_stream::<i16>(device, config, ring),
        SampleFormat::I32 => output_stream::<i32>(device, config, ring),
        SampleFormat::U16 => output_stream::<u16>(device, config, ring),
        _ => output_stream::<f32>(device, config, ring),
    }
}

const STREAM_TIMEOUT: Option<Duration> = Some(Duration::from_secs(5));

fn input_stream<T>(
    device: &cpal::Device,
    config: &SupportedStreamConfig,
    mut ring: HeapProd<f32>,
) -> Result<cpal::Stream, DeviceError>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels());
    let mut resampler = Resampler::new(config.sample_rate(), SAMPLE_RATE);
    let (mut floats, mut mono, mut resampled) = (Vec::new(), Vec::new(), Vec::new());
    device
        .build_input_stream::<T, _, _>(
            config.config(),
            move |data: &[T], _| {
                floats.clear();
                floats.extend(data.iter().map(|s| s.to_sample::<f32>()));
                mono.clear();
                downmix(&floats, channels, &mut mono);
                resampled.clear();
                resampler.process(&mono, &mut resampled);
                // A full ring means the engine stopped reading: drop the newest.
                ring.push_slice(&resampled);
            },
            |err| tracing::warn!(error = %err, "microphone stream"),
            STREAM_TIMEOUT,
        )
        .map_err(|err| unusable("microphone", &err))
}

fn output_stream<T>(
    device: &cpal::Device,
    config: &SupportedStreamConfig,
    mut ring: HeapCons<f32>,
) -> Result<cpal::Stream, DeviceError>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels()).max(1);
    device
        .build_output_stream::<T, _, _>(
            config.config(),
            move |data: &mut [T], _| {
                for frame in data.chunks_mut(channels) {
                    // Silence while the call has nothing to play.
                    let sample = ring.try_pop().unwrap_or(0.0);
                    frame.fill(T::from_sample(sample));
                }
            },
            |err| tracing::warn!(error = %err, "speaker stream"),
            STREAM_TIMEOUT,
        )
        .map_err(|err| unusable("speakers", &err))
}

/// How much captured sound may wait for the engine before the oldest is dropped:
/// a device that delivers in bursts must not add lasting delay.
const CAPTURE_BACKLOG: usize = FRAME_SAMPLES * 3;
/// How much sound may wait for the speakers, likewise.
const PLAYBACK_BACKLOG_MS: usize = 100;

struct DeviceSource {
    ring: HeapCons<f32>,
    _streams: Arc<StopOnDrop>,
}

impl AudioSource for DeviceSource {
    fn read(&mut self, frame: &mut [f32]) {
        let waiting = self.ring.occupied_len();
        if waiting > CAPTURE_BACKLOG {
            self.ring.skip(waiting - FRAME_SAMPLES);
        }
        let got = self.ring.pop_slice(frame);
        frame[got..].fill(0.0);
    }
}

struct DeviceSink {
    /// The ring and the device's sample rate.
    ring: (HeapProd<f32>, u32),
    resampler: Option<Resampler>,
    scratch: Vec<f32>,
    _streams: Arc<StopOnDrop>,
}

impl AudioSink for DeviceSink {
    fn write(&mut self, frame: &[f32]) {
        let (ring, rate) = &mut self.ring;
        let resampler = self
            .resampler
            .get_or_insert_with(|| Resampler::new(SAMPLE_RATE, *rate));
        self.scratch.clear();
        resampler.process(frame, &mut self.scratch);
        let limit = *rate as usize * PLAYBACK_BACKLOG_MS / 1000;
        if ring.occupied_len() + self.scratch.len() > limit {
            // The speakers fell behind (or run slower): skip rather than lag.
            return;
        }
        ring.push_slice(&self.scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_audio_is_a_tone_or_silence() {
        assert_eq!(FakeAudio::parse("tone:440"), Ok(FakeAudio::Tone(440.0)));
        assert_eq!(FakeAudio::parse("silence"), Ok(FakeAudio::Silence));
        for bad in ["tone:", "tone:0", "tone:abc", "440", "tone:99999"] {
            assert_eq!(
                FakeAudio::parse(bad),
                Err(DeviceError::BadFakeAudio(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_fake_tone_is_heard_and_listed() {
        let mut media = FakeAudio::Tone(440.0).media();
        let mut frame = vec![0.0; FRAME_SAMPLES];
        media.source.read(&mut frame);
        let peak = frame.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((0.45..=0.5).contains(&peak), "peak {peak}");
        let lists = FakeAudio::Tone(440.0).lists();
        assert_eq!(lists.inputs[0].name, "Test tone (440 Hz)");
        assert_eq!(lists.outputs.len(), 1);
    }

    /// Without a sound card (this machine, CI) opening fails with a sentence, never a
    /// panic; with one, a call's media comes back.
    #[test]
    fn opening_devices_fails_cleanly_or_works() {
        match open(None, None) {
            Ok(mut media) => {
                let mut frame = vec![1.0; FRAME_SAMPLES];
                media.source.read(&mut frame);
                media.sink.write(&frame);
            }
            Err(err) => assert!(!err.to_string().is_empty()),
        }
        assert!(matches!(
            open(Some("no-such-host:device"), None),
            Err(DeviceError::Missing("microphone"))
        ));
    }
}
