//! A mixed workload: U members of one community connected at once, some showing its
//! member list, while random members send messages, type, change their presence and
//! read history (the newest page, and now and then the page before it). Measured:
//! latency of each kind of action, every message reaching every member, errors, and
//! the server's CPU and memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use std::sync::Mutex;

use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use super::{histogram, latency_json, now_micros, random_ip};
use crate::client::{self, bench_content, parse_bench, parse_frame};
use crate::env::Target;
use crate::metrics::{CpuWindow, rss_bytes};

const WARM_UP: Duration = Duration::from_secs(2);
/// Longest the members may take to receive the last messages of the window.
const DRAIN: Duration = Duration::from_secs(10);
/// One read in this many asks for the page before the newest (scrolling back).
const OLDER_EVERY: u64 = 5;

/// Actions offered per second, each by a member picked at random.
#[derive(Clone, Copy)]
pub struct Mix {
    pub messages: u32,
    pub typing: u32,
    pub presence: u32,
    pub reads: u32,
    /// Members showing the community's member list.
    pub watchers: usize,
}

/// Counts shared by all clients; only the measured window counts.
#[derive(Default)]
struct Tally {
    read: Mutex<Option<Histogram<u64>>>,
    delivered: AtomicU64,
    typing_received: AtomicU64,
    presence_frames: AtomicU64,
    reads_failed: AtomicU64,
    errors: AtomicU64,
}

/// One connection's latencies.
struct Latencies {
    delivery: Histogram<u64>,
    message_ack: Histogram<u64>,
    presence_ack: Histogram<u64>,
}

impl Latencies {
    fn new() -> Latencies {
        Latencies {
            delivery: histogram(),
            message_ack: histogram(),
            presence_ack: histogram(),
        }
    }

    fn add(&mut self, other: &Latencies) {
        self.delivery.add(&other.delivery).ok();
        self.message_ack.add(&other.message_ack).ok();
        self.presence_ack.add(&other.presence_ack).ok();
    }
}

pub async fn run(
    target: &Target<'_>,
    community_id: uuid::Uuid,
    mix: Mix,
    window: Duration,
) -> anyhow::Result<Value> {
    let users = target.accounts.len();
    eprintln!(
        "mixed workload: {users} members connected ({} showing the member list); per second \
         {} messages, {} typing, {} presence changes, {} history reads; {window:?} measured",
        mix.watchers, mix.messages, mix.typing, mix.presence, mix.reads
    );
    let origin = Instant::now();
    let tally = Arc::new(Tally::default());
    // The window's messages are those with sequence numbers in start..end.
    let start = Arc::new(AtomicU64::new(u64::MAX));
    let end = Arc::new(AtomicU64::new(u64::MAX));
    let measuring = Arc::new(AtomicBool::new(false));
    let (stop_tx, stop_rx) = watch::channel(false);

    let sockets = client::connect_all(target.ws_url, target.accounts).await?;
    let mut senders = Vec::with_capacity(users);
    let mut readers = Vec::with_capacity(users);
    for (i, (mut sink, stream)) in sockets.into_iter().enumerate() {
        if i < mix.watchers {
            let frame = json!({"type": "watch_presence", "community_id": community_id});
            sink.send(Message::text(frame.to_string())).await?;
        }
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(frame) = rx.recv().await {
                if sink.send(Message::text(frame)).await.is_err() {
                    break;
                }
            }
        });
        senders.push(tx);
        let reader = Reader {
            origin,
            tally: tally.clone(),
            start: start.clone(),
            end: end.clone(),
            measuring: measuring.clone(),
        };
        readers.push(tokio::spawn(reader.run(stream, stop_rx.clone())));
    }

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(30))
        .build()?;
    let pages = super::history::Pages::find(&http, target).await?;

    // One schedule for all four kinds of action: each tick is one action, chosen in
    // proportion to its rate.
    let total = mix.messages + mix.typing + mix.presence + mix.reads;
    anyhow::ensure!(total > 0, "nothing to do: every rate is zero");
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(total)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let begin = Instant::now();
    let (mut seq, mut tick, mut reads) = (0u64, 0u64, 0u64);
    let mut cpu = None;
    let mut peak_rss = 0u64;
    let statuses = ["idle", "dnd", "online"];
    loop {
        ticker.tick().await;
        let elapsed = begin.elapsed();
        if cpu.is_none() && elapsed >= WARM_UP {
            start.store(seq, Ordering::Relaxed);
            measuring.store(true, Ordering::Relaxed);
            cpu = Some(CpuWindow::start(target.pid));
        }
        if elapsed >= WARM_UP + window {
            end.store(seq, Ordering::Relaxed);
            measuring.store(false, Ordering::Relaxed);
            break;
        }
        if tick % u64::from(total.min(50)) == 0 {
            peak_rss = peak_rss.max(rss_bytes(target.pid));
        }
        let user = rand::random_range(0..users);
        // Spread the kinds evenly over the ticks.
        let slot = (tick % u64::from(total)) as u32;
        tick += 1;
        let now = now_micros(origin);
        if slot < mix.messages {
            let frame = json!({
                "type": "send_message",
                "channel_id": target.channel_id,
                "content": bench_content(seq, now),
                "nonce": format!("m{seq}:{now}"),
            });
            let _ = senders[user].send(frame.to_string());
            seq += 1;
        } else if slot < mix.messages + mix.typing {
            let frame = json!({"type": "typing", "channel_id": target.channel_id});
            let _ = senders[user].send(frame.to_string());
        } else if slot < mix.messages + mix.typing + mix.presence {
            let status = statuses[rand::random_range(0..statuses.len())];
            let frame =
                json!({"type": "set_presence", "status": status, "nonce": format!("p{now}")});
            let _ = senders[user].send(frame.to_string());
        } else {
            reads += 1;
            let url = if reads % OLDER_EVERY == 0 {
                &pages.older
            } else {
                &pages.newest
            };
            let request = http
                .get(url)
                .bearer_auth(&target.accounts[user].token)
                .header("x-forwarded-for", random_ip());
            let (tally, measuring) = (tally.clone(), measuring.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let ok = match request.send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if measuring.load(Ordering::Relaxed) {
                    if ok {
                        let micros = started.elapsed().as_micros().max(1) as u64;
                        let mut read = tally.read.lock().expect("read latencies");
                        let _ = read.get_or_insert_with(histogram).record(micros);
                    } else {
                        tally.reads_failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    }
    let cpu = cpu.expect("window started");
    let (wall, server_cpu, postgres_cpu) = cpu.stop();
    let contention = cpu.contention();
    let messages = end.load(Ordering::Relaxed) - start.load(Ordering::Relaxed);
    let expected = messages * users as u64;

    // Wait for the last messages of the window to reach everyone.
    let drain_until = Instant::now() + DRAIN;
    while tally.delivered.load(Ordering::Relaxed) < expected && Instant::now() < drain_until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop_tx.send(true);
    let mut latencies = Latencies::new();
    for reader in readers {
        latencies.add(&reader.await?);
    }
    drop(senders);
    let read = tally.read.lock().expect("read latencies").take();
    let seconds = wall.as_secs_f64();
    let delivered = tally.delivered.load(Ordering::Relaxed);
    let result = json!({
        "scenario": "mixed",
        "backend": target.backend_name,
        "target": target.name,
        "users": users,
        "watchers": mix.watchers,
        "offered_per_s": {"messages": mix.messages, "typing": mix.typing,
            "presence": mix.presence, "reads": mix.reads},
        "window_s": seconds,
        "messages": messages,
        "deliveries_expected": expected,
        "deliveries_received": delivered,
        "all_delivered": delivered == expected,
        "delivery": latency_json(&latencies.delivery),
        "message_ack": latency_json(&latencies.message_ack),
        "presence_ack": latency_json(&latencies.presence_ack),
        "read": read.as_ref().map(latency_json),
        "reads_failed": tally.reads_failed.load(Ordering::Relaxed),
        "typing_frames_received_per_s": tally.typing_received.load(Ordering::Relaxed) as f64 / seconds,
        "presence_frames_received_per_s": tally.presence_frames.load(Ordering::Relaxed) as f64 / seconds,
        "errors": tally.errors.load(Ordering::Relaxed),
        "server_cpu_s": server_cpu.as_secs_f64(),
        "server_cpu_percent": server_cpu.as_secs_f64() * 100.0 / seconds,
        "server_peak_rss_mib": peak_rss as f64 / 1048576.0,
        "postgres_cpu_s": postgres_cpu.as_secs_f64(),
        "loadgen_cpu_percent": contention.loadgen_cpu_percent,
        "machine_busy_percent": contention.machine_busy_percent,
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}

/// One member's connection, every frame parsed whole.
struct Reader {
    origin: Instant,
    tally: Arc<Tally>,
    start: Arc<AtomicU64>,
    end: Arc<AtomicU64>,
    measuring: Arc<AtomicBool>,
}

impl Reader {
    async fn run(self, mut stream: client::Stream, mut stop: watch::Receiver<bool>) -> Latencies {
        let mut latencies = Latencies::new();
        loop {
            let frame = tokio::select! {
                frame = stream.next() => frame,
                _ = stop.changed() => break,
            };
            let Some(Ok(frame)) = frame else { break };
            let Message::Text(text) = frame else { continue };
            let Some(event) = parse_frame(&text) else {
                self.tally.errors.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            let now = now_micros(self.origin);
            let in_window = |seq: u64| {
                seq >= self.start.load(Ordering::Relaxed) && seq < self.end.load(Ordering::Relaxed)
            };
            let measured = self.measuring.load(Ordering::Relaxed);
            match event["type"].as_str() {
                Some("message_created") => {
                    if let Some((seq, sent)) =
                        event["message"]["content"].as_str().and_then(parse_bench)
                        && in_window(seq)
                    {
                        self.tally.delivered.fetch_add(1, Ordering::Relaxed);
                        let _ = latencies.delivery.record(now.saturating_sub(sent).max(1));
                    }
                }
                Some("ack") => {
                    let nonce = event["nonce"].as_str().unwrap_or_default();
                    if let Some((seq, sent)) = nonce
                        .strip_prefix('m')
                        .and_then(|n| n.split_once(':'))
                        .and_then(|(q, t)| Some((q.parse().ok()?, t.parse::<u64>().ok()?)))
                        && in_window(seq)
                    {
                        let _ = latencies
                            .message_ack
                            .record(now.saturating_sub(sent).max(1));
                    } else if let Some(sent) =
                        nonce.strip_prefix('p').and_then(|t| t.parse::<u64>().ok())
                        && measured
                    {
                        let _ = latencies
                            .presence_ack
                            .record(now.saturating_sub(sent).max(1));
                    }
                }
                Some("typing") if measured => {
                    self.tally.typing_received.fetch_add(1, Ordering::Relaxed);
                }
                Some("presence" | "community_presence") if measured => {
                    self.tally.presence_frames.fetch_add(1, Ordering::Relaxed);
                }
                Some("error") => {
                    self.tally.errors.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
        }
        latencies
    }
}
