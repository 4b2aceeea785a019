//! History: K clients fetch the latest 50 messages of a large channel in a loop, or
//! (`older`) the 50 before those.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{histogram, latency_json, random_ip};
use crate::env::Target;
use crate::metrics::CpuWindow;

/// The URLs of a channel's newest page and of the page before it.
pub struct Pages {
    pub newest: String,
    pub older: String,
}

impl Pages {
    pub async fn find(http: &reqwest::Client, target: &Target<'_>) -> anyhow::Result<Pages> {
        let newest = format!(
            "{}/api/channels/{}/messages?limit=50",
            target.base, target.channel_id
        );
        let page: Vec<Value> = http
            .get(&newest)
            .bearer_auth(&target.accounts[0].token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let oldest = page
            .first()
            .and_then(|m| m["id"].as_str())
            .ok_or_else(|| anyhow::anyhow!("the channel has no messages"))?;
        let older = format!("{newest}&before={oldest}");
        Ok(Pages { newest, older })
    }
}

pub async fn run(
    target: &Target<'_>,
    clients: usize,
    window: Duration,
    older: bool,
) -> anyhow::Result<Value> {
    let which = if older {
        "the 50 before the latest"
    } else {
        "latest 50"
    };
    eprintln!("history: {clients} clients, {which} of the channel, {window:?}");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let pages = Pages::find(&http, target).await?;
    let url = if older { pages.older } else { pages.newest };
    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for account in target.accounts.iter().take(clients).cloned() {
        let (http, url, stop, measuring) =
            (http.clone(), url.clone(), stop.clone(), measuring.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = histogram();
            let (mut ok, mut failed) = (0u64, 0u64);
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let response = http
                    .get(&url)
                    .bearer_auth(&account.token)
                    .header("x-forwarded-for", random_ip())
                    .send()
                    .await;
                let good = match response {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if measuring.load(Ordering::Relaxed) {
                    if good {
                        ok += 1;
                        let _ = latencies.record(started.elapsed().as_micros() as u64);
                    } else {
                        failed += 1;
                    }
                }
            }
            (ok, failed, latencies)
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    measuring.store(true, Ordering::Relaxed);
    let cpu = CpuWindow::start(target.pid);
    tokio::time::sleep(window).await;
    measuring.store(false, Ordering::Relaxed);
    let (wall, server_cpu, postgres_cpu) = cpu.stop();
    let contention = cpu.contention();
    stop.store(true, Ordering::Relaxed);

    let mut latencies = histogram();
    let (mut ok, mut failed) = (0u64, 0u64);
    for task in tasks {
        let (o, f, h) = task.await?;
        ok += o;
        failed += f;
        latencies.add(&h).ok();
    }
    let result = json!({
        "scenario": "history",
        "backend": target.backend_name,
        "target": target.name,
        "older": older,
        "clients": clients,
        "window_s": wall.as_secs_f64(),
        "requests_ok": ok,
        "requests_failed": failed,
        "requests_per_s": ok as f64 / wall.as_secs_f64(),
        "latency": latency_json(&latencies),
        "server_cpu_percent": server_cpu.as_secs_f64() * 100.0 / wall.as_secs_f64(),
        "postgres_cpu_s": postgres_cpu.as_secs_f64(),
        "loadgen_cpu_percent": contention.loadgen_cpu_percent,
        "machine_busy_percent": contention.machine_busy_percent,
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}
