//! Persistence: S senders offer messages over WebSocket; each is acknowledged once
//! it is stored. Measures acknowledged writes per second and their latency.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::{histogram, latency_json};
use crate::client;
use crate::env::Bench;
use crate::metrics::CpuWindow;

pub async fn run(bench: &Bench, rate: u32, window: Duration) -> anyhow::Result<Value> {
    let senders = bench.accounts.len();
    let per_sender = f64::from(rate) / senders as f64;
    anyhow::ensure!(
        per_sender <= 4.0,
        "{rate} msg/s over {senders} senders exceeds the per-user limit; add senders"
    );
    eprintln!("persist: {senders} senders, {rate} msg/s offered, {window:?}");
    let sockets = client::connect_all(&bench.ws_url, &bench.accounts).await?;
    let cpu = CpuWindow::start(bench.server_pid);
    let deadline = Instant::now() + window;
    let mut tasks = Vec::new();
    for (i, (mut sink, mut stream)) in sockets.into_iter().enumerate() {
        let channel = bench.channel_id;
        tasks.push(tokio::spawn(async move {
            let interval = Duration::from_secs_f64(1.0 / per_sender);
            // Spread the senders' phases over one interval.
            tokio::time::sleep(interval.mul_f64(i as f64 / senders as f64)).await;
            let mut ticker = tokio::time::interval(interval);
            let mut pending: HashMap<String, Instant> = HashMap::new();
            let mut latencies = histogram();
            let (mut acked, mut errors, mut n) = (0u64, 0u64, 0u64);
            loop {
                tokio::select! {
                    _ = ticker.tick(), if Instant::now() < deadline => {
                        let nonce = format!("{i}-{n}");
                        n += 1;
                        let frame = json!({"type": "send_message", "channel_id": channel, "content": format!("persist {nonce}"), "nonce": nonce});
                        pending.insert(nonce, Instant::now());
                        if sink.send(Message::text(frame.to_string())).await.is_err() { break }
                    }
                    frame = stream.next() => {
                        let Some(Ok(Message::Text(text))) = frame else { if frame.is_none() { break } else { continue } };
                        if text.starts_with("{\"type\":\"ack\"") || text.starts_with("{\"type\":\"error\"") {
                            let v: Value = serde_json::from_str(&text).unwrap_or_default();
                            if let Some(sent) = v["nonce"].as_str().and_then(|n| pending.remove(n)) {
                                if v["type"] == "ack" {
                                    acked += 1;
                                    let _ = latencies.record(sent.elapsed().as_micros() as u64);
                                } else {
                                    errors += 1;
                                }
                            }
                        }
                        if Instant::now() >= deadline && pending.is_empty() { break }
                    }
                    _ = tokio::time::sleep(Duration::from_secs(5)), if Instant::now() >= deadline => break,
                }
            }
            (acked, errors, latencies)
        }));
    }
    let mut latencies = histogram();
    let (mut acked, mut errors) = (0u64, 0u64);
    for task in tasks {
        let (a, e, h) = task.await?;
        acked += a;
        errors += e;
        latencies.add(&h).ok();
    }
    let (wall, server_cpu, postgres_cpu) = cpu.stop();
    let result = json!({
        "scenario": "persist",
        "backend": bench.backend_name,
        "senders": senders,
        "offered_rate": rate,
        "window_s": wall.as_secs_f64(),
        "acked": acked,
        "errors": errors,
        "acked_per_s": acked as f64 / wall.as_secs_f64(),
        "ack_latency": latency_json(&latencies),
        "server_cpu_percent": server_cpu.as_secs_f64() * 100.0 / wall.as_secs_f64(),
        "postgres_cpu_s": postgres_cpu.as_secs_f64(),
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}
