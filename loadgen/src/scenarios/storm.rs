//! Reconnect storm: C clients connected, each showing the community's member list as
//! the web client does; messages are posted and the server is restarted under them at
//! once. Every client comes back with the web client's backoff (docs/realtime.md;
//! `client-ui/src/lib/realtime/backoff.ts`), asks for the member list again and
//! catches up on the channel from the last message it saw. Measured: the time until
//! every client is `ready` again, time-to-ready per client, the server's peak memory
//! meanwhile, and whether any client lacks a message in the end.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use super::{histogram, latency_json, random_ip};
use crate::client::{self, parse_frame};
use crate::env::{Account, Bench};
use crate::metrics::rss_bytes;

/// Messages posted just before the restart, which every client must end up with.
const MESSAGES: usize = 20;
/// Longest the whole storm may take before the run gives up on the stragglers.
const GIVE_UP: Duration = Duration::from_secs(120);

/// The web client's reconnect delay: exponential from 500 ms to 30 s, "full jitter"
/// between half and all of the step.
fn backoff(attempt: u32) -> Duration {
    let step = (500.0 * 2f64.powi(attempt.min(16) as i32)).min(30_000.0);
    Duration::from_millis((step / 2.0 + rand::random::<f64>() * step / 2.0) as u64)
}

/// One client's storm.
struct Outcome {
    /// From the server being back to this client's `ready`.
    ready_after: Option<Duration>,
    attempts: u32,
    /// Every message posted before the restart, live or caught up.
    complete: bool,
    /// A catch-up request failed.
    catch_up_failed: bool,
    /// A missing message is older than the newest one seen live (so a catch-up
    /// from the last seen message cannot find it).
    gap_below_last_seen: bool,
}

/// `watch`: every client shows the community's member list (asks for its presence):
/// of the whole community, or of its first `rows` members by ID when `rows` > 0.
pub async fn run(bench: &mut Bench, watch: bool, rows: usize) -> anyhow::Result<Value> {
    let clients = bench.accounts.len();
    eprintln!(
        "reconnect storm: {clients} clients (member list shown: {watch}, rows named: {rows}), \
         server restarted under them"
    );
    let rows = (rows > 0).then(|| {
        let mut ids: Vec<Uuid> = bench.accounts.iter().map(|a| a.id).collect();
        ids.sort_unstable();
        ids.truncate(rows);
        Arc::new(ids)
    });
    let presence_bytes = Arc::new(AtomicU64::new(0));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(60))
        .build()?;

    // Everyone connected and showing the member list.
    let connect_started = Instant::now();
    let sockets = client::connect_all(&bench.ws_url, &bench.accounts).await?;
    let connect_s = connect_started.elapsed().as_secs_f64();
    let (back_tx, back_rx) = watch::channel::<Option<Instant>>(None);
    let catch_up = Arc::new(Semaphore::new(64));
    let mut tasks = Vec::with_capacity(clients);
    for ((sink, stream), account) in sockets.into_iter().zip(bench.accounts.iter().cloned()) {
        let client = Client {
            ws_url: bench.ws_url.clone(),
            base: bench.base.clone(),
            channel_id: bench.channel_id,
            community_id: bench.community_id,
            account,
            http: http.clone(),
            catch_up: catch_up.clone(),
            watch,
            rows: rows.clone(),
            presence_bytes: presence_bytes.clone(),
        };
        let back = back_rx.clone();
        tasks.push(tokio::spawn(client.live(sink, stream, back)));
    }

    // Messages just before the restart: some clients see them live, some must catch up.
    let posted = post_messages(bench, &http).await?;
    let rss_before = rss_bytes(bench.server_pid);
    let downtime = bench.restart().await?;
    let back_at = Instant::now();
    let _ = back_tx.send(Some(back_at));

    // Sample the restarted server's memory until every client is done.
    let pid = bench.server_pid;
    let (done_tx, mut done_rx) = watch::channel(false);
    let sampler = tokio::spawn(async move {
        let mut peak = 0u64;
        loop {
            peak = peak.max(rss_bytes(pid));
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                _ = done_rx.changed() => return peak.max(rss_bytes(pid)),
            }
        }
    });
    let mut outcomes = Vec::with_capacity(clients);
    for task in tasks {
        outcomes.push(task.await?.check(&posted));
    }
    let _ = done_tx.send(true);
    let peak = sampler.await?;

    let mut times = histogram();
    let mut all_ready = Duration::ZERO;
    for ready in outcomes.iter().filter_map(|o| o.ready_after) {
        let _ = times.record(ready.as_micros().max(1) as u64);
        all_ready = all_ready.max(ready);
    }
    let ready = outcomes.iter().filter(|o| o.ready_after.is_some()).count();
    let complete = outcomes.iter().filter(|o| o.complete).count();
    let attempts: u64 = outcomes.iter().map(|o| u64::from(o.attempts)).sum();
    let catch_up_failed = outcomes.iter().filter(|o| o.catch_up_failed).count();
    let gaps = outcomes.iter().filter(|o| o.gap_below_last_seen).count();
    let result = json!({
        "scenario": "storm",
        "backend": bench.backend_name,
        "target": "chatalot",
        "clients": clients,
        "member_list_shown": watch,
        "member_list_rows": rows.as_ref().map(|r| r.len()),
        "presence_mib_received": presence_bytes.load(Ordering::Relaxed) as f64 / 1048576.0,
        "connect_s": connect_s,
        "restart_downtime_s": downtime.as_secs_f64(),
        "clients_ready": ready,
        "all_ready_s": (ready == clients).then_some(all_ready.as_secs_f64()),
        "time_to_ready": latency_json(&times),
        "connection_attempts": attempts,
        "messages_posted": posted.len(),
        "clients_with_every_message": complete,
        "nothing_lost": complete == clients,
        "clients_whose_catch_up_failed": catch_up_failed,
        "clients_missing_a_message_older_than_the_last_seen": gaps,
        "rss_before_mib": rss_before as f64 / 1048576.0,
        "rss_peak_after_restart_mib": peak as f64 / 1048576.0,
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}

/// Posts [`MESSAGES`] messages over REST from a few accounts (each under the
/// per-user limit); their IDs.
async fn post_messages(bench: &Bench, http: &reqwest::Client) -> anyhow::Result<HashSet<Uuid>> {
    let url = format!("{}/api/channels/{}/messages", bench.base, bench.channel_id);
    let posts = (0..MESSAGES).map(|i| {
        let token = &bench.accounts[i % bench.accounts.len().min(4)].token;
        let request = http
            .post(&url)
            .bearer_auth(token)
            .header("x-forwarded-for", random_ip())
            .json(&json!({ "content": format!("before the restart {i}") }));
        async move {
            let message: Value = request.send().await?.error_for_status()?.json().await?;
            message["id"]
                .as_str()
                .and_then(|id| id.parse::<Uuid>().ok())
                .ok_or_else(|| anyhow::anyhow!("a posted message has no id"))
        }
    });
    futures_util::future::join_all(posts)
        .await
        .into_iter()
        .collect()
}

struct Client {
    ws_url: String,
    base: String,
    channel_id: Uuid,
    community_id: Uuid,
    account: Account,
    http: reqwest::Client,
    /// Catch-up requests at once, as many as a browser's connection pool allows.
    catch_up: Arc<Semaphore>,
    /// Shows the community's member list.
    watch: bool,
    /// The members the list names (all when `None`).
    rows: Option<Arc<Vec<Uuid>>>,
    /// Bytes of `community_presence` frames received, by every client.
    presence_bytes: Arc<AtomicU64>,
}

/// What a client saw, checked against what was posted.
struct Seen {
    ids: HashSet<Uuid>,
    /// The newest message seen live before the restart.
    last_live: Option<Uuid>,
    ready_after: Option<Duration>,
    attempts: u32,
    catch_up_failed: bool,
}

impl Seen {
    fn check(self, posted: &HashSet<Uuid>) -> Outcome {
        let missing: Vec<&Uuid> = posted.difference(&self.ids).collect();
        Outcome {
            ready_after: self.ready_after,
            attempts: self.attempts,
            complete: missing.is_empty(),
            catch_up_failed: self.catch_up_failed,
            gap_below_last_seen: self
                .last_live
                .is_some_and(|last| missing.iter().any(|id| **id < last)),
        }
    }
}

impl Client {
    async fn live(
        self,
        mut sink: client::Sink,
        mut stream: client::Stream,
        mut back: watch::Receiver<Option<Instant>>,
    ) -> Seen {
        let mut seen = Seen {
            ids: HashSet::new(),
            last_live: None,
            ready_after: None,
            attempts: 0,
            catch_up_failed: false,
        };
        self.watch_members(&mut sink).await;
        // Until the restart closes the socket.
        while let Some(Ok(frame)) = stream.next().await {
            if let Message::Text(text) = frame {
                self.note(&text, &mut seen.ids);
            }
        }
        drop((sink, stream));
        seen.last_live = seen.ids.iter().max().copied();
        let deadline = Instant::now() + GIVE_UP;
        let mut attempt = 0;
        loop {
            tokio::time::sleep(backoff(attempt)).await;
            if Instant::now() > deadline {
                return seen;
            }
            seen.attempts += 1;
            let Ok((mut sink, stream)) = client::connect(&self.ws_url, &self.account.token).await
            else {
                attempt += 1;
                continue;
            };
            let _ = back.wait_for(Option::is_some).await;
            let back_at = (*back.borrow()).expect("the server is back");
            seen.ready_after = Some(back_at.elapsed());
            self.watch_members(&mut sink).await;
            seen.catch_up_failed = !self.catch_up(&mut seen.ids).await;
            drop((sink, stream));
            return seen;
        }
    }

    async fn watch_members(&self, sink: &mut client::Sink) {
        if self.watch {
            let mut frame =
                json!({"type": "watch_presence", "community_id": self.community_id, "nonce": "w"});
            if let Some(rows) = &self.rows {
                frame["users"] = json!(rows.as_slice());
            }
            let _ = sink.send(Message::text(frame.to_string())).await;
        }
    }

    fn note(&self, text: &str, ids: &mut HashSet<Uuid>) {
        let Some(event) = parse_frame(text) else {
            return;
        };
        if event["type"] == "community_presence" {
            self.presence_bytes
                .fetch_add(text.len() as u64, Ordering::Relaxed);
        } else if event["type"] == "message_created"
            && let Some(id) = event["message"]["id"].as_str().and_then(|i| i.parse().ok())
        {
            ids.insert(id);
        }
    }

    /// `GET …/messages?after=<last seen>` page by page, as docs/realtime.md says;
    /// false when a request failed.
    async fn catch_up(&self, ids: &mut HashSet<Uuid>) -> bool {
        let _permit = self.catch_up.acquire().await;
        let mut after = ids.iter().max().copied();
        loop {
            let mut url = format!(
                "{}/api/channels/{}/messages?limit=100",
                self.base, self.channel_id
            );
            if let Some(after) = after {
                url.push_str(&format!("&after={after}"));
            }
            let page: Vec<Value> = match self
                .http
                .get(&url)
                .bearer_auth(&self.account.token)
                .header("x-forwarded-for", random_ip())
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
            {
                Ok(response) => match response.json().await {
                    Ok(page) => page,
                    Err(_) => return false,
                },
                Err(_) => return false,
            };
            let page_ids: Vec<Uuid> = page
                .iter()
                .filter_map(|m| m["id"].as_str()?.parse().ok())
                .collect();
            ids.extend(&page_ids);
            if page_ids.len() < 100 {
                return true;
            }
            after = page_ids.iter().max().copied();
        }
    }
}
