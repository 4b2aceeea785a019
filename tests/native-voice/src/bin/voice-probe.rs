//! A native call engine as a process, for tests that drive it from elsewhere (the
//! browser interop test in client-ui/tests/e2e/native-voice.spec.ts): joins a voice
//! channel playing a tone, and reports on stdout, one JSON object per line, what
//! happens and what it hears:
//!
//! - `{"type":"participants","user_ids":[…]}`, `{"type":"peer","user_id":…,"state":"connected"}`,
//!   `{"type":"speaking","user_id":…,"speaking":true}`, `{"type":"ended","reason":…}`;
//! - every half second of played sound: `{"type":"heard","hz":…,"purity":…,"rms":…}`
//!   (its strongest frequency and that frequency's share of the energy).
//!
//! Lines on stdin: `mute`, `unmute`, `leave` (as does the end of stdin).

use chatalot_native_voice_tests::{dominant_frequency, rms};
use chatalot_voice::audio::synthetic::{Recorder, ToneSource};
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
    /// Use only the TURN relay.
    #[arg(long)]
    relay_only: bool,
    /// Where media sockets bind.
    #[arg(long, default_value = "0.0.0.0:0")]
    bind: std::net::SocketAddr,
}

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
    let media = Media {
        source: Box::new(ToneSource::new(args.tone, 0.4)),
        sink: Box::new(recorder),
    };
    let (call, mut events) = Call::join(options, media).await?;
    report(json!({"type": "joined", "user_id": call.user_id()}));

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
