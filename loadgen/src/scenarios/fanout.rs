//! Fan-out: N subscribers in one channel; messages offered at a fixed rate by
//! senders among them (each sender stays under the per-user message limit).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::{histogram, latency_json, now_micros};
use crate::client::{self, bench_content, parse_bench, parse_frame};
use crate::env::Target;
use crate::metrics::CpuWindow;

const WARM_UP: Duration = Duration::from_secs(2);
const DRAIN: Duration = Duration::from_secs(10);
/// Messages per second one sender offers (below the per-user limit of 5/s).
const PER_SENDER_RATE: u32 = 4;

pub async fn run(target: &Target<'_>, rate: u32, window: Duration) -> anyhow::Result<Value> {
    let subscribers = target.accounts.len();
    let senders = rate.div_ceil(PER_SENDER_RATE).max(1) as usize;
    anyhow::ensure!(
        senders <= subscribers,
        "{rate} msg/s needs {senders} senders but only {subscribers} subscribers exist"
    );
    eprintln!(
        "fan-out: {subscribers} subscribers, {rate} msg/s from {senders} senders, {window:?} measured"
    );

    let origin = Instant::now();
    let window_start = Arc::new(AtomicU64::new(u64::MAX));
    let window_end = Arc::new(AtomicU64::new(u64::MAX));
    let errors = Arc::new(AtomicU64::new(0));
    let acks = Arc::new(AtomicU64::new(0));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);

    // Connect everyone (bounded concurrency), then start readers.
    let sockets = client::connect_all(target.ws_url, target.accounts).await?;
    let mut readers = Vec::with_capacity(subscribers);
    let mut sender_channels = Vec::with_capacity(senders);
    let mut idle_sinks = Vec::with_capacity(subscribers);
    for (i, (sink, mut stream)) in sockets.into_iter().enumerate() {
        let (start, end, errors, acks) = (
            window_start.clone(),
            window_end.clone(),
            errors.clone(),
            acks.clone(),
        );
        let mut stop = stop_rx.clone();
        readers.push(tokio::spawn(async move {
            let mut latencies = histogram();
            let mut received = 0u64;
            let mut own_acks = 0u64;
            loop {
                let frame = tokio::select! {
                    frame = stream.next() => frame,
                    _ = stop.changed() => break,
                };
                let Some(Ok(frame)) = frame else { break };
                let Message::Text(text) = frame else { continue };
                // Every frame parsed whole, as a real client does.
                let Some(event) = parse_frame(&text) else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                let in_window = |seq: u64| {
                    seq >= start.load(Ordering::Relaxed) && seq < end.load(Ordering::Relaxed)
                };
                match event["type"].as_str() {
                    Some("message_created") => {
                        if let Some((seq, sent)) =
                            event["message"]["content"].as_str().and_then(parse_bench)
                            && in_window(seq)
                        {
                            let _ =
                                latencies.record(now_micros(origin).saturating_sub(sent).max(1));
                            received += 1;
                        }
                    }
                    Some("ack") => {
                        if let Some(seq) = event["nonce"]
                            .as_str()
                            .and_then(|n| n.strip_prefix('b')?.parse().ok())
                            && in_window(seq)
                        {
                            acks.fetch_add(1, Ordering::Relaxed);
                            own_acks += 1;
                        }
                    }
                    Some("error") => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
                let (s, e) = (start.load(Ordering::Relaxed), end.load(Ordering::Relaxed));
                // Done with every message of the window, and (a sender) every ack.
                if e != u64::MAX && received >= e - s && own_acks >= sent_by(i, senders, s, e) {
                    break;
                }
            }
            (received, latencies, stream)
        }));
        if i < senders {
            let (tx, mut rx) = mpsc::unbounded_channel::<String>();
            let mut sink = sink;
            tokio::spawn(async move {
                while let Some(frame) = rx.recv().await {
                    if sink.send(Message::text(frame)).await.is_err() {
                        break;
                    }
                }
                sink
            });
            sender_channels.push(tx);
        } else {
            // The write half lives as long as the run; dropping both halves at the
            // end closes the socket, so the next run of max-rate starts clean.
            idle_sinks.push(sink);
        }
    }

    // Offer messages at `rate` per second: warm-up, then the measured window.
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let begin = Instant::now();
    let mut seq = 0u64;
    let mut cpu = None;
    loop {
        ticker.tick().await;
        let elapsed = begin.elapsed();
        if cpu.is_none() && elapsed >= WARM_UP {
            window_start.store(seq, Ordering::Relaxed);
            cpu = Some(CpuWindow::start(target.pid));
        }
        if elapsed >= WARM_UP + window {
            window_end.store(seq, Ordering::Relaxed);
            break;
        }
        let frame = json!({
            "type": "send_message",
            "channel_id": target.channel_id,
            "content": bench_content(seq, now_micros(origin)),
            "nonce": format!("b{seq}"),
        });
        let _ = sender_channels[(seq as usize) % senders].send(frame.to_string());
        seq += 1;
    }
    let cpu = cpu.expect("window started");
    let (wall, server_cpu, postgres_cpu) = cpu.stop();
    let contention = cpu.contention();
    let messages = window_end.load(Ordering::Relaxed) - window_start.load(Ordering::Relaxed);

    // Collect: every subscriber should receive every message of the window.
    let stopper = tokio::spawn(async move {
        tokio::time::sleep(DRAIN).await;
        let _ = stop_tx.send(true);
    });
    let mut latencies = histogram();
    let mut delivered = 0u64;
    let mut complete = 0usize;
    for reader in readers {
        let (received, h, _stream) = reader.await?;
        delivered += received;
        if received == messages {
            complete += 1;
        }
        latencies.add(&h).ok();
    }
    stopper.abort();
    drop((idle_sinks, sender_channels));
    let expected = messages * subscribers as u64;
    let deliveries_per_sec = delivered as f64 / wall.as_secs_f64();
    let cpu_us_per_delivery = server_cpu.as_secs_f64() * 1e6 / delivered.max(1) as f64;
    let result = json!({
        "scenario": "fanout",
        "backend": target.backend_name,
        "target": target.name,
        "subscribers": subscribers,
        "senders": senders,
        "offered_rate": rate,
        "window_s": wall.as_secs_f64(),
        "messages": messages,
        "deliveries_expected": expected,
        "deliveries_received": delivered,
        "all_delivered": delivered == expected && complete == subscribers,
        "acks_expected": messages,
        "acks_received": acks.load(Ordering::Relaxed),
        "deliveries_per_s": deliveries_per_sec,
        "latency": latency_json(&latencies),
        "server_cpu_s": server_cpu.as_secs_f64(),
        "server_cpu_us_per_delivery": cpu_us_per_delivery,
        "server_cpu_percent": server_cpu.as_secs_f64() * 100.0 / wall.as_secs_f64(),
        "postgres_cpu_s": postgres_cpu.as_secs_f64(),
        "loadgen_cpu_percent": contention.loadgen_cpu_percent,
        "machine_busy_percent": contention.machine_busy_percent,
        "errors": errors.load(Ordering::Relaxed),
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}

/// How many of the messages `start..end` sender `i` of `senders` sent (they take
/// turns by sequence number); 0 for a subscriber that does not send.
fn sent_by(i: usize, senders: usize, start: u64, end: u64) -> u64 {
    if i >= senders {
        return 0;
    }
    let (i, n) = (i as u64, senders as u64);
    let below = |x: u64| (x + n - 1 - i) / n;
    below(end) - below(start)
}

/// Fan-out at each rate in turn; the best rate with all delivered and p99 < 100 ms.
pub async fn max_rate(
    target: &Target<'_>,
    rates: &[u32],
    window: Duration,
) -> anyhow::Result<Value> {
    let mut runs = Vec::new();
    let mut best = None;
    for &rate in rates {
        let result = run(target, rate, window).await?;
        let ok = result["all_delivered"] == true
            && result["latency"]["p99_ms"]
                .as_f64()
                .is_some_and(|p| p < 100.0);
        runs.push(result);
        if !ok {
            break;
        }
        best = Some(rate);
    }
    Ok(
        json!({"scenario": "max-rate", "backend": target.backend_name,
        "target": target.name, "best_rate": best, "runs": runs}),
    )
}
