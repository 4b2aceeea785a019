//! Files: the server's memory while a 100 MiB file goes up and comes back down,
//! download throughput of a stored file, 1 MiB range requests from many clients,
//! and history latency while large images are turned into thumbnails.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};

use super::{histogram, latency_json, random_ip};
use crate::env::Bench;
use crate::metrics::rss_bytes;
use crate::nginx::Nginx;

const MIB: u64 = 1024 * 1024;

/// Samples the server's RSS every 10 ms until stopped; returns the peak.
struct RssPeak {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl RssPeak {
    fn start(pid: u32) -> RssPeak {
        let peak = Arc::new(AtomicU64::new(rss_bytes(pid)));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (peak.clone(), stop.clone());
        let task = tokio::spawn(async move {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(rss_bytes(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        RssPeak { peak, stop, task }
    }

    async fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        self.peak.load(Ordering::Relaxed)
    }
}

/// `len` pseudo-random bytes as a stream of 64 KiB chunks (never held whole).
fn generated_body(len: u64) -> reqwest::Body {
    let chunk = 64 * 1024;
    let chunks = len.div_ceil(chunk);
    let stream = futures_util::stream::iter(0..chunks).map(move |i| {
        let size = chunk.min(len - i * chunk) as usize;
        let mut bytes = vec![0u8; size];
        let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        for b in bytes.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        Ok::<_, std::io::Error>(bytes)
    });
    reqwest::Body::wrap_stream(stream)
}

/// Reads a response to its end without keeping it; returns the byte count.
async fn drain(response: reqwest::Response) -> anyhow::Result<u64> {
    let mut total = 0;
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        total += chunk?.len() as u64;
    }
    Ok(total)
}

pub async fn run(
    bench: &Bench,
    range_clients: usize,
    window: Duration,
    images: usize,
) -> anyhow::Result<Value> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let token = &bench.accounts[0].token;
    let pid = bench.server_pid;
    let size = 100 * MIB;

    // 1. A 100 MiB upload, streamed: the server's memory must not follow the file.
    let baseline = rss_bytes(pid);
    let sampler = RssPeak::start(pid);
    let started = Instant::now();
    let uploaded: Value = http
        .post(format!("{}/api/files?name=big.bin", bench.base))
        .bearer_auth(token)
        .header("x-forwarded-for", random_ip())
        .body(generated_body(size))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let upload_s = started.elapsed().as_secs_f64();
    let upload_peak = sampler.stop().await;
    let id = uploaded["id"].as_str().unwrap_or_default().to_owned();
    let url = format!("{}/api/files/{id}", bench.base);
    eprintln!("files: uploaded 100 MiB in {upload_s:.2} s");

    // 2. Downloads of the stored file (the first warms the page cache).
    let before_downloads = rss_bytes(pid);
    let sampler = RssPeak::start(pid);
    let mut speeds = Vec::new();
    for _ in 0..4 {
        let started = Instant::now();
        let response = http
            .get(&url)
            .bearer_auth(token)
            .header("x-forwarded-for", random_ip())
            .send()
            .await?
            .error_for_status()?;
        let got = drain(response).await?;
        anyhow::ensure!(got == size, "downloaded {got} bytes of {size}");
        speeds.push(size as f64 / started.elapsed().as_secs_f64() / 1e9);
    }
    let download_peak = sampler.stop().await;
    let cached = &speeds[1..];
    let best = cached.iter().cloned().fold(0.0, f64::max);
    let median = {
        let mut s = cached.to_vec();
        s.sort_by(|a, b| a.total_cmp(b));
        s[s.len() / 2]
    };
    eprintln!("files: downloads {speeds:.2?} GB/s");

    // 3. Random 1 MiB ranges from many clients; then the same against nginx
    // serving the same stored file, as the machine's reference.
    let (range_rate, range_failed, range_latency) =
        range_load(&http, &url, Some(token), size, range_clients, window).await?;
    let reference = match Nginx::start(&bench.files_dir()).await? {
        Some(nginx) => {
            let stored = stored_path(&bench.files_dir(), &id)?;
            let url = format!("{}/{stored}", nginx.base);
            let measured = range_load(&http, &url, None, size, range_clients, window).await;
            nginx.stop().await;
            let (rate, failed, latency) = measured?;
            json!({
                "server": "nginx (sendfile)",
                "range_requests_per_s": rate,
                "range_failed": failed,
                "range_latency": latency_json(&latency),
                "ratio": range_rate / rate,
            })
        }
        None => {
            eprintln!("files: SKIPPED the reference: no nginx on the PATH");
            Value::Null
        }
    };

    // 4. History latency alone, then while large images become thumbnails.
    let history_url = format!(
        "{}/api/channels/{}/messages?limit=50",
        bench.base, bench.channel_id
    );
    let quiet =
        history_latency(&http, &history_url, token, Duration::from_secs(3), || false).await?;
    let photo = photo_jpeg(4000, 3000);
    let mut ids = Vec::new();
    for _ in 0..images {
        let file: Value = http
            .post(format!("{}/api/files?name=photo.jpg", bench.base))
            .bearer_auth(token)
            .header("x-forwarded-for", random_ip())
            .body(photo.clone())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        ids.push(file["id"].as_str().unwrap_or_default().to_owned());
    }
    // Measured from the last upload until every thumbnail is made.
    let (http2, base, token2, last) = (
        http.clone(),
        bench.base.clone(),
        token.clone(),
        ids.last().cloned().unwrap_or_default(),
    );
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let done = done.clone();
        tokio::spawn(async move {
            loop {
                let meta: Value = match http2
                    .get(format!("{base}/api/files/{last}/meta"))
                    .bearer_auth(&token2)
                    .send()
                    .await
                {
                    Ok(r) => r.json().await.unwrap_or_default(),
                    Err(_) => Value::Null,
                };
                if meta["thumbnail"] == true {
                    done.store(true, Ordering::Relaxed);
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let started = Instant::now();
    let busy = history_latency(&http, &history_url, token, Duration::from_secs(120), || {
        done.load(Ordering::Relaxed)
    })
    .await?;
    let thumbnails_s = started.elapsed().as_secs_f64();
    watcher.abort();

    let result = json!({
        "scenario": "files",
        "backend": bench.backend_name,
        "upload_100mib_s": upload_s,
        "upload_rss_growth_mib": (upload_peak.saturating_sub(baseline)) as f64 / MIB as f64,
        "download_gb_per_s": speeds,
        "download_cached_best_gb_per_s": best,
        "download_cached_median_gb_per_s": median,
        "download_rss_growth_mib": (download_peak.saturating_sub(before_downloads)) as f64 / MIB as f64,
        "range_clients": range_clients,
        "range_requests_per_s": range_rate,
        "range_failed": range_failed,
        "range_latency": latency_json(&range_latency),
        "range_reference": reference,
        "history_quiet": latency_json(&quiet),
        "images": images,
        "thumbnails_s": thumbnails_s,
        "history_during_thumbnails": latency_json(&busy),
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}

/// Random 1 MiB ranges of `url` from `clients` loops for `window` (after a
/// second of warm-up): requests per second, failures, latencies.
async fn range_load(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    size: u64,
    clients: usize,
    window: Duration,
) -> anyhow::Result<(f64, u64, hdrhistogram::Histogram<u64>)> {
    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, url, token, stop, measuring) = (
            http.clone(),
            url.to_owned(),
            token.map(str::to_owned),
            stop.clone(),
            measuring.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = histogram();
            let (mut ok, mut failed) = (0u64, 0u64);
            while !stop.load(Ordering::Relaxed) {
                let start = rand::random::<u64>() % (size - MIB);
                let started = Instant::now();
                let mut request = http
                    .get(&url)
                    .header("x-forwarded-for", random_ip())
                    .header("range", format!("bytes={start}-{}", start + MIB - 1));
                if let Some(token) = &token {
                    request = request.bearer_auth(token);
                }
                let good = match request.send().await {
                    Ok(r) if r.status() == reqwest::StatusCode::PARTIAL_CONTENT => {
                        matches!(drain(r).await, Ok(n) if n == MIB)
                    }
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
    tokio::time::sleep(Duration::from_secs(1)).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(window).await;
    measuring.store(false, Ordering::Relaxed);
    let wall = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut all = histogram();
    let (mut ok, mut failed) = (0u64, 0u64);
    for task in tasks {
        let (o, f, h) = task.await?;
        ok += o;
        failed += f;
        all.add(&h).ok();
    }
    Ok((ok as f64 / wall, failed, all))
}

/// Where the server stored a file, relative to its files folder.
fn stored_path(root: &std::path::Path, id: &str) -> anyhow::Result<String> {
    for shard in std::fs::read_dir(root)?.flatten() {
        if shard.path().join(id).is_file() {
            return Ok(format!("{}/{id}", shard.file_name().to_string_lossy()));
        }
    }
    anyhow::bail!("file {id} not found under {}", root.display())
}

/// History fetches by 8 clients for `limit` or until `done()`.
async fn history_latency(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    limit: Duration,
    done: impl Fn() -> bool,
) -> anyhow::Result<hdrhistogram::Histogram<u64>> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (http, url, token, stop) =
            (http.clone(), url.to_owned(), token.to_owned(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = histogram();
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let ok = match http
                    .get(&url)
                    .bearer_auth(&token)
                    .header("x-forwarded-for", random_ip())
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if ok {
                    let _ = latencies.record(started.elapsed().as_micros() as u64);
                }
            }
            latencies
        }));
    }
    let started = Instant::now();
    while started.elapsed() < limit && !done() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut all = histogram();
    for task in tasks {
        all.add(&task.await?).ok();
    }
    Ok(all)
}

/// A photo-like JPEG (smooth gradients and noise), encoded once.
fn photo_jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let noise = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 24) as u8 / 8;
        image::Rgb([
            (x * 255 / width) as u8 ^ noise,
            (y * 255 / height) as u8,
            noise.wrapping_mul(3),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .expect("encode a JPEG");
    out.into_inner()
}
