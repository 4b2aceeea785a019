//! Voice: negotiation messages in concurrent 4-person calls (time from sending a
//! `voice_signal` to its arrival at the peer, while every participant keeps
//! trickling candidates), then voice state fan-out (time from one participant's
//! `voice_update` to the `voice_state` at each member of the community).
//!
//! Every frame is parsed fully, as a client would.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use super::{histogram, latency_json, now_micros};
use crate::client;
use crate::env::Bench;
use crate::metrics::CpuWindow;

const PARTICIPANTS_PER_CALL: usize = 4;
const WARM_UP: Duration = Duration::from_secs(2);
/// Time between two flag changes of the one participant (under the general
/// frame limit of 5 per second per connection).
const TOGGLE_INTERVAL: Duration = Duration::from_millis(250);
const WAIT: Duration = Duration::from_secs(30);

/// What the readers share with the driver.
struct Shared {
    origin: Instant,
    /// Signals sent in this window (µs since origin) are measured.
    window: (AtomicU64, AtomicU64),
    participants: usize,
    joined: AtomicUsize,
    joined_all: Notify,
    toggler: String,
    /// When flag change k was sent (µs since origin).
    toggle_sent: Vec<AtomicU64>,
    /// How many members have seen flag change k.
    toggle_seen: Vec<AtomicUsize>,
    toggle_done: Notify,
    members: usize,
    errors: AtomicU64,
}

pub async fn run(
    bench: &Bench,
    signals_per_second: u32,
    window: Duration,
    toggles: usize,
) -> anyhow::Result<Value> {
    let calls = bench.voice_channel_ids.len();
    let participants = calls * PARTICIPANTS_PER_CALL;
    let members = bench.accounts.len();
    anyhow::ensure!(
        participants <= members,
        "{calls} calls need {participants} members"
    );
    eprintln!(
        "voice: {members} members, {calls} calls of {PARTICIPANTS_PER_CALL}, {signals_per_second} signals/s per participant, {toggles} flag changes"
    );
    let shared = Arc::new(Shared {
        origin: Instant::now(),
        window: (AtomicU64::new(u64::MAX), AtomicU64::new(u64::MAX)),
        participants,
        joined: AtomicUsize::new(0),
        joined_all: Notify::new(),
        toggler: bench.accounts[0].id.to_string(),
        toggle_sent: (0..toggles).map(|_| AtomicU64::new(0)).collect(),
        toggle_seen: (0..toggles).map(|_| AtomicUsize::new(0)).collect(),
        toggle_done: Notify::new(),
        members,
        errors: AtomicU64::new(0),
    });
    let (stop_tx, stop_rx) = watch::channel(false);

    let sockets = client::connect_all(&bench.ws_url, &bench.accounts).await?;
    let mut readers = Vec::with_capacity(members);
    let mut writers = Vec::with_capacity(members);
    for (sink, stream) in sockets {
        readers.push(tokio::spawn(read(stream, shared.clone(), stop_rx.clone())));
        let (tx, rx) = mpsc::unbounded_channel::<String>();
        tokio::spawn(write(sink, rx));
        writers.push(tx);
    }

    // Everyone joins their call.
    let joined = shared.joined_all.notified();
    for (i, writer) in writers.iter().take(participants).enumerate() {
        let channel = bench.voice_channel_ids[i / PARTICIPANTS_PER_CALL];
        let _ = writer.send(
            json!({"type": "voice_join", "channel_id": channel, "nonce": "join"}).to_string(),
        );
    }
    tokio::time::timeout(WAIT, joined).await?;

    // Negotiation traffic: each participant trickles candidates to its peers in turn.
    let start = now_micros(shared.origin) + WARM_UP.as_micros() as u64;
    shared.window.0.store(start, Ordering::Relaxed);
    shared
        .window
        .1
        .store(start + window.as_micros() as u64, Ordering::Relaxed);
    let cpu_start = tokio::time::Instant::now() + WARM_UP;
    let mut senders = Vec::with_capacity(participants);
    for (i, writer) in writers.iter().take(participants).enumerate() {
        let call = i / PARTICIPANTS_PER_CALL;
        let channel = bench.voice_channel_ids[call];
        let peers: Vec<_> = (0..PARTICIPANTS_PER_CALL)
            .map(|p| call * PARTICIPANTS_PER_CALL + p)
            .filter(|p| *p != i)
            .map(|p| bench.accounts[p].id)
            .collect();
        let (writer, shared) = (writer.clone(), shared.clone());
        let end = WARM_UP + window;
        senders.push(tokio::spawn(async move {
            let period = Duration::from_secs_f64(1.0 / f64::from(signals_per_second.max(1)));
            // Spread the participants over the period.
            let offset = period.mul_f64((i % 97) as f64 / 97.0);
            let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let begin = Instant::now();
            let mut n = 0usize;
            while begin.elapsed() < end {
                ticker.tick().await;
                let sent = now_micros(shared.origin);
                let candidate = format!(
                    "candidate:{sent} 1 udp 2122260223 10.1.{}.{} 50000 typ host",
                    n % 250,
                    i % 250
                );
                let frame = json!({"type": "voice_signal", "channel_id": channel, "to_user_id": peers[n % peers.len()], "signal": {"kind": "candidate", "candidate": candidate, "sdp_mid": "0", "sdp_m_line_index": 0}});
                if writer.send(frame.to_string()).is_err() {
                    break;
                }
                n += 1;
            }
        }));
    }
    tokio::time::sleep_until(cpu_start).await;
    let cpu = CpuWindow::start(bench.server_pid);
    for sender in senders {
        sender.await?;
    }
    let (signal_wall, signal_cpu, _) = cpu.stop();

    // Voice state: one participant changes a flag; every member hears it.
    let cpu = CpuWindow::start(bench.server_pid);
    let mut complete = 0;
    for k in 0..toggles {
        let done = shared.toggle_done.notified();
        let began = tokio::time::Instant::now();
        shared.toggle_sent[k].store(now_micros(shared.origin), Ordering::Relaxed);
        let _ = writers[0]
            .send(json!({"type": "voice_update", "self_mute": k.is_multiple_of(2)}).to_string());
        if tokio::time::timeout(WAIT, done).await.is_ok() {
            complete += 1;
        }
        tokio::time::sleep_until(began + TOGGLE_INTERVAL).await;
    }
    let (state_wall, state_cpu, _) = cpu.stop();

    let _ = stop_tx.send(true);
    let (mut signals, mut states) = (histogram(), histogram());
    let mut signals_received = 0u64;
    for reader in readers {
        let (s, v) = reader.await?;
        signals_received += s.len();
        signals.add(&s).ok();
        states.add(&v).ok();
    }
    drop(writers);
    let result = json!({
        "scenario": "voice",
        "backend": bench.backend_name,
        "members": members,
        "calls": calls,
        "participants": participants,
        "signalling": {
            "offered_per_s": participants as u64 * u64::from(signals_per_second),
            "window_s": signal_wall.as_secs_f64(),
            "delivered": signals_received,
            "delivered_per_s": signals_received as f64 / signal_wall.as_secs_f64(),
            "latency": latency_json(&signals),
            "server_cpu_percent": signal_cpu.as_secs_f64() * 100.0 / signal_wall.as_secs_f64(),
        },
        "voice_state": {
            "changes": toggles,
            "changes_seen_by_all": complete,
            "deliveries": states.len(),
            "latency": latency_json(&states),
            "server_cpu_s": state_cpu.as_secs_f64(),
            "window_s": state_wall.as_secs_f64(),
        },
        "errors": shared.errors.load(Ordering::Relaxed),
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}

async fn write(mut sink: client::Sink, mut frames: mpsc::UnboundedReceiver<String>) {
    while let Some(frame) = frames.recv().await {
        if sink.send(Message::text(frame)).await.is_err() {
            break;
        }
    }
}

/// Reads one member's frames until stopped: signal latencies and flag-change
/// latencies.
async fn read(
    mut stream: client::Stream,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> (hdrhistogram::Histogram<u64>, hdrhistogram::Histogram<u64>) {
    let (mut signals, mut states) = (histogram(), histogram());
    let mut next_toggle = 0usize;
    loop {
        let frame = tokio::select! {
            frame = stream.next() => frame,
            _ = stop.changed() => break,
        };
        let Some(Ok(Message::Text(text))) = frame else {
            if frame.is_none() {
                break;
            }
            continue;
        };
        let Ok(event) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let now = now_micros(shared.origin);
        match event["type"].as_str() {
            Some("voice_signal") => {
                let sent = event["signal"]["candidate"]
                    .as_str()
                    .and_then(|c| c.strip_prefix("candidate:"))
                    .and_then(|c| c.split(' ').next())
                    .and_then(|s| s.parse::<u64>().ok());
                if let Some(sent) = sent
                    && sent >= shared.window.0.load(Ordering::Relaxed)
                    && sent < shared.window.1.load(Ordering::Relaxed)
                {
                    let _ = signals.record(now.saturating_sub(sent).max(1));
                }
            }
            Some("voice_state")
                if event["user_id"] == shared.toggler.as_str()
                    && next_toggle < shared.toggle_sent.len()
                    && event["participant"]["self_mute"] == next_toggle.is_multiple_of(2) =>
            {
                let sent = shared.toggle_sent[next_toggle].load(Ordering::Relaxed);
                let _ = states.record(now.saturating_sub(sent).max(1));
                if shared.toggle_seen[next_toggle].fetch_add(1, Ordering::Relaxed) + 1
                    == shared.members
                {
                    shared.toggle_done.notify_one();
                }
                next_toggle += 1;
            }
            Some("ack")
                if event["nonce"] == "join"
                    && shared.joined.fetch_add(1, Ordering::Relaxed) + 1 == shared.participants =>
            {
                shared.joined_all.notify_one();
            }
            Some("error") => {
                shared.errors.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
    (signals, states)
}
