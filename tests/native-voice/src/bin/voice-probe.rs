//! A native call engine as a process, for tests that drive it from elsewhere (the
//! browser interop test in client-ui/tests/e2e/native-voice.spec.ts): joins a voice
//! channel playing a tone, and reports on stdout, one JSON object per line, what
//! happens and what it hears:
//!
//! - `{"type":"participants","user_ids":[…]}`, `{"type":"peer","user_id":…,"state":"connected"}`,
//!   `{"type":"speaking","user_id":…,"speaking":true}`, `{"type":"ended","reason":…}`;
//! - every half second of played sound: `{"type":"heard","hz":…,"purity":…,"rms":…}`
//!   (its strongest frequency and that frequency's share of the energy);
//! - every half second, per participant and slot whose video arrived:
//!   `{"type":"video","user_id":…,"slot":"camera","frames":…,"width":…,"height":…,"y":…,"u":…,"v":…}`
//!   (decoded frames so far, the last one's size and mean colour).
//!
//! With `--wav <file>` it sends a WAV file (48 kHz, looped) instead of the tone; with
//! `--camera` a test pattern as its camera (320×240, 15 fps, VP8).
//!
//! Lines on stdin: `mute`, `unmute`, `leave` (as does the end of stdin).

use chatalot_native_voice_tests::{dominant_frequency, rms};
use std::sync::Arc;

use chatalot_voice::audio::AudioSource;
use chatalot_voice::audio::synthetic::{Recorder, ToneSource};
use chatalot_voice::audio::wav::WavSource;
use chatalot_voice::video::synthetic::{FrameCounter, TestPattern};
use chatalot_voice::video::{CAMERA_HEIGHT, CAMERA_WIDTH};
use chatalot_voice::{Call, CallEvent, CallOptions, Media};
use clap::Parser;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use url::Url;
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// The server's http(s):// address.
    #[arg(long)]
    server: Url,
    /// An access token.
    #[arg(long, env = "VOICE_PROBE_TOKEN")]
    token: String,
    #[arg(long)]
    channel: Uuid,
    /// The tone to send, in Hz.
    #[arg(long, default_value_t = 440.0)]
    tone: f32,
    /// Send this WAV file (48 kHz, looped) instead of the tone.
    #[arg(long)]
    wav: Option<std::path::PathBuf>,
    /// Use only the TURN relay.
    #[arg(long)]
    relay_only: bool,
    /// Where media sockets bind.
    #[arg(long, default_value = "0.0.0.0:0")]
    bind: std::net::SocketAddr,
    /// Send a camera: a test pattern (blue with a moving white bar).
    #[arg(long)]
    camera: bool,
}

/// The probe's camera colour (Y, U, V): a strong blue, easy to recognise.
const PROBE_CAMERA_YUV: (u8, u8, u8) = (41, 240, 110);

const HALF_SECOND: usize = 24_000;

fn report(value: serde_json::Value) {
    println!("{value}");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut options = CallOptions::new(args.server, args.token, args.channel);
    options.relay_only = args.relay_only;
    options.bind = args.bind;
    let (recorder, recording) = Recorder::new();
    let source: Box<dyn AudioSource> = match &args.wav {
        Some(path) => Box::new(WavSource::open(path)?),
        None => Box::new(ToneSource::new(args.tone, 0.4)),
    };
    let mut media = Media::audio(source, Box::new(recorder));
    let video = Arc::new(FrameCounter::default());
    media.video = Some(video.clone());
    if args.camera {
        media.camera = Some(Box::new(TestPattern::new(
            CAMERA_WIDTH,
            CAMERA_HEIGHT,
            PROBE_CAMERA_YUV,
        )));
    }
    let (call, mut events) = Call::join(options, media).await?;
    report(json!({"type": "joined", "user_id": call.user_id()}));

    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_millis(500));
        loop {
            every.tick().await;
            for ((from, slot), received) in video.all() {
                let Some(last) = received.last else { continue };
                let (y, u, v) = last.mean_yuv();
                report(json!({
                    "type": "video", "user_id": from, "slot": format!("{slot:?}").to_lowercase(),
                    "frames": received.frames, "width": last.width, "height": last.height,
                    "y": y, "u": u, "v": v,
                }));
            }
        }
    });

    tokio::spawn(async move {
        let mut start = 0;
        loop {
            recording.reaches(start + HALF_SECOND).await;
            let heard = recording.since(start);
            let heard = &heard[..HALF_SECOND];
            let (hz, purity) = dominant_frequency(heard);
            report(json!({"type": "heard", "hz": hz, "purity": purity, "rms": rms(heard)}));
            start += HALF_SECOND;
        }
    });

    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    loop {
        tokio::select! {
            line = stdin.next_line() => match line.ok().flatten().as_deref().map(str::trim) {
                Some("mute") => call.set_mute(true),
                Some("unmute") => call.set_mute(false),
                Some("leave") | None => {
                    call.leave().await;
                    break;
                }
                Some(_) => {}
            },
            event = events.recv() => match event {
                Some(CallEvent::Participants(people)) => report(json!({
                    "type": "participants",
                    "user_ids": people.iter().map(|p| p.user_id).collect::<Vec<_>>(),
                })),
                Some(CallEvent::Peer { user_id, state }) => report(json!({
                    "type": "peer", "user_id": user_id, "state": format!("{state:?}").to_lowercase(),
                })),
                Some(CallEvent::Reconnecting) => report(json!({"type": "reconnecting"})),
                Some(CallEvent::Speaking { user_id, speaking }) => report(json!({
                    "type": "speaking", "user_id": user_id, "speaking": speaking,
                })),
                Some(CallEvent::Ended { reason }) => {
                    report(json!({"type": "ended", "reason": reason}));
                    return Ok(());
                }
                None => return Ok(()),
            },
        }
    }
    report(json!({"type": "ended", "reason": "left"}));
    Ok(())
}
