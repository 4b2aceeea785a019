//! Figures for docs/performance.md ("Native calls"), measured on the real server and
//! coturn on loopback:
//!
//! - CPU per participant of an audio call of `--participants` native engines (all in
//!   this process, so the figure also carries the in-process server's share): process
//!   CPU time over `--seconds` of steady call, divided by the participants, as a share
//!   of one core; once with direct (host) candidates and once relay-only through coturn
//!   (coturn's own CPU not counted);
//! - mouth-to-ear latency of the native path through the relay: 20 ms tone bursts
//!   every half second, stamped when the source gives them to the engine and when the
//!   far engine's playback first carries them.
//!
//! `cargo run --release -p chatalot-native-voice-tests --bin voice-bench -- --seconds 30`

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chatalot_native_voice_tests::CallWorld;
use chatalot_voice::audio::synthetic::{Discard, OnsetDetector, PulseSource, Silence, ToneSource};
use chatalot_voice::audio::{AudioSink, AudioSource};
use chatalot_voice::{Call, CallEvent, Media, PeerState};
use clap::Parser;
use tokio::sync::mpsc;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 4)]
    participants: usize,
    /// How long each measurement runs.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let measure = Duration::from_secs(args.seconds);
    let world = CallWorld::start("voice bench")
        .await
        .expect("the benchmark needs coturn (apt-get install coturn)");
    for relay_only in [false, true] {
        let share = cpu_per_participant(&world, args.participants, relay_only, measure).await;
        println!(
            "cpu: {} participants, {}: {:.2} % of one core per participant",
            args.participants,
            if relay_only { "relay-only" } else { "direct" },
            share * 100.0
        );
    }
    let latencies = mouth_to_ear(&world, measure).await;
    println!(
        "mouth-to-ear through the relay: {} bursts, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        percentile(&latencies, 1.0)
    );
}

type Events = mpsc::UnboundedReceiver<CallEvent>;

async fn join(
    world: &CallWorld,
    token: &str,
    relay_only: bool,
    source: impl AudioSource,
    sink: impl AudioSink,
) -> (Call, Events) {
    let mut options = world.options(token);
    options.relay_only = relay_only;
    let media = Media::audio(Box::new(source), Box::new(sink));
    Call::join(options, media).await.expect("joins the call")
}

/// Waits until this participant is connected to `peers` others.
async fn all_connected(events: &mut Events, peers: usize) {
    let mut connected = std::collections::HashSet::new();
    tokio::time::timeout(Duration::from_secs(60), async {
        while connected.len() < peers {
            match events.recv().await.expect("the call goes on") {
                CallEvent::Peer {
                    user_id,
                    state: PeerState::Connected,
                } => {
                    connected.insert(user_id);
                }
                CallEvent::Peer {
                    state: PeerState::Failed,
                    user_id,
                } => panic!("the connection to {user_id} failed"),
                _ => {}
            }
        }
    })
    .await
    .expect("everyone connects within 60 s");
}

async fn cpu_per_participant(
    world: &CallWorld,
    participants: usize,
    relay_only: bool,
    measure: Duration,
) -> f64 {
    let mut calls = Vec::new();
    for n in 0..participants {
        let (_, token) = world.member(&format!("cpu{relay_only}{n}")).await;
        let tone = ToneSource::new(300.0 + 110.0 * n as f32, 0.4);
        calls.push(join(world, &token, relay_only, tone, Discard).await);
    }
    for (_, events) in &mut calls {
        all_connected(events, participants - 1).await;
    }
    // Settle (jitter buffers filled, the first RTCP exchanged), then measure.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (cpu_start, wall_start) = (cpu_time(), Instant::now());
    tokio::time::sleep(measure).await;
    let cpu = cpu_time() - cpu_start;
    let wall = wall_start.elapsed();
    for (call, _) in calls {
        call.leave().await;
    }
    cpu.as_secs_f64() / wall.as_secs_f64() / participants as f64
}

async fn mouth_to_ear(world: &CallWorld, measure: Duration) -> Vec<f64> {
    let (_, talker) = world.member("talker").await;
    let (_, listener) = world.member("listener").await;
    // A burst every 25 frames (500 ms).
    let (pulses, sent) = PulseSource::new(1000.0, 25);
    let (onsets, heard) = OnsetDetector::new();
    let (talking, mut talker_events) = join(world, &talker, true, pulses, Discard).await;
    let (listening, mut listener_events) = join(world, &listener, true, Silence, onsets).await;
    all_connected(&mut talker_events, 1).await;
    all_connected(&mut listener_events, 1).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let from = Instant::now();
    tokio::time::sleep(measure).await;
    talking.leave().await;
    listening.leave().await;
    pair_up(&snapshot(&sent), &snapshot(&heard), from)
}

/// Each burst sent after `from` with the first onset heard after it (and before the
/// next burst), in milliseconds.
fn pair_up(sent: &[Instant], heard: &[Instant], from: Instant) -> Vec<f64> {
    let mut latencies = Vec::new();
    for (i, at) in sent.iter().enumerate().filter(|(_, at)| **at >= from) {
        let next = sent.get(i + 1).copied();
        if let Some(onset) = heard
            .iter()
            .find(|onset| *onset >= at && next.is_none_or(|next| **onset < next))
        {
            latencies.push((*onset - *at).as_secs_f64() * 1000.0);
        }
    }
    latencies
}

fn snapshot(list: &Arc<Mutex<Vec<Instant>>>) -> Vec<Instant> {
    list.lock().unwrap().clone()
}

fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// CPU time (user and system) this process has used.
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is always valid.
    let usage = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}
