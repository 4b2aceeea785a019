//! Purge: while K clients read the latest 50 messages of one channel in a loop, an
//! administrator purges every message of a person who filled another channel. The
//! readers' latency is measured first without the purge (the reference), then for as
//! long as the purge runs; the purge's own duration comes from its job.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use hdrhistogram::Histogram;
use serde_json::{Value, json};

use super::{histogram, latency_json, random_ip};
use crate::env::Bench;
use crate::metrics::CpuWindow;

/// What the readers are doing: warming up, measuring without a purge, measuring
/// during it, or done.
const WARMUP: u8 = 0;
const BASELINE: u8 = 1;
const PURGING: u8 = 2;
const STOP: u8 = 3;

pub async fn run(bench: &Bench, clients: usize, baseline: Duration) -> anyhow::Result<Value> {
    let (_, spammer) = bench.spam.context("the bench was prepared without spam")?;
    let admin = bench.accounts[0].token.clone();
    eprintln!("purge: {clients} readers of the latest 50 while one person's messages are purged");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients + 1)
        .build()?;
    let url = format!(
        "{}/api/channels/{}/messages?limit=50",
        bench.base, bench.channel_id
    );
    let phase = Arc::new(AtomicU8::new(WARMUP));
    let mut readers = Vec::new();
    for account in bench.accounts.iter().take(clients).cloned() {
        let (http, url, phase) = (http.clone(), url.clone(), phase.clone());
        readers.push(tokio::spawn(async move {
            let (mut before, mut during) = (histogram(), histogram());
            let mut failed = 0u64;
            loop {
                let now = phase.load(Ordering::Relaxed);
                if now == STOP {
                    break;
                }
                let started = Instant::now();
                let good = match http
                    .get(&url)
                    .bearer_auth(&account.token)
                    .header("x-forwarded-for", random_ip())
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                let micros = started.elapsed().as_micros() as u64;
                match (now, good) {
                    (BASELINE, true) => drop(before.record(micros)),
                    (PURGING, true) => drop(during.record(micros)),
                    (WARMUP, _) => {}
                    _ => failed += 1,
                }
            }
            (before, during, failed)
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    phase.store(BASELINE, Ordering::Relaxed);
    tokio::time::sleep(baseline).await;

    phase.store(PURGING, Ordering::Relaxed);
    let cpu = CpuWindow::start(bench.server_pid);
    let started = Instant::now();
    let job: Value = http
        .post(format!("{}/api/admin/purges", bench.base))
        .bearer_auth(&admin)
        .json(&json!({"kind": "user", "user_id": spammer}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = job["id"].as_str().context("job id")?.to_owned();
    // A bench, not a test: polling the job is how an administrator's page would watch it.
    let job = loop {
        let now: Value = http
            .get(format!("{}/api/admin/purges/{id}", bench.base))
            .bearer_auth(&admin)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        if now["status"] == "done" || now["status"] == "failed" {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let purge_s = started.elapsed().as_secs_f64();
    let (wall, server_cpu, postgres_cpu) = cpu.stop();
    let contention = cpu.contention();
    phase.store(STOP, Ordering::Relaxed);

    let (mut before, mut during): (Histogram<u64>, Histogram<u64>) = (histogram(), histogram());
    let mut failed = 0;
    for reader in readers {
        let (b, d, f) = reader.await?;
        before.add(&b).ok();
        during.add(&d).ok();
        failed += f;
    }
    let removed = job["removed"].as_i64().unwrap_or(0);
    let result = json!({
        "scenario": "purge",
        "backend": bench.backend_name,
        "clients": clients,
        "job_status": job["status"],
        "messages_removed": removed,
        "purge_s": purge_s,
        "messages_per_s": removed as f64 / purge_s,
        "history_without_purge": latency_json(&before),
        "history_during_purge": latency_json(&during),
        "history_requests_per_s_during": during.len() as f64 / purge_s,
        "requests_failed": failed,
        "server_cpu_percent": server_cpu.as_secs_f64() * 100.0 / wall.as_secs_f64(),
        "postgres_cpu_s": postgres_cpu.as_secs_f64(),
        "loadgen_cpu_percent": contention.loadgen_cpu_percent,
        "machine_busy_percent": contention.machine_busy_percent,
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}
