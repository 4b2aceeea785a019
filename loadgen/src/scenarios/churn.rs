//! Presence churn: M members of one community connected, W of them showing its
//! member list (`watch_presence`), while others keep leaving and coming back at a
//! fixed rate of presence changes. Measured: how long a change takes to reach the
//! watchers' lists, what the watchers receive for it (frames and bytes a second),
//! that nobody else is sent presence, the time from connecting to `ready`, the
//! server's CPU per change, and whether every list matches who is online at the end.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use super::{histogram, latency_json, now_micros};
use crate::client::{self, parse_frame};
use crate::env::{Account, Target};
use crate::metrics::CpuWindow;

/// Each churning member is online for half of this, then offline for the other half.
const CYCLE: Duration = Duration::from_secs(4);
/// How long the watchers' lists may take to settle once the churn stops.
const SETTLE: Duration = Duration::from_secs(15);

/// The latest presence change of each member, as the load generator made it.
#[derive(Default)]
struct Truth {
    /// Member → (online, when the change was made, µs since the origin).
    latest: Mutex<HashMap<Uuid, (bool, u64)>>,
}

impl Truth {
    fn set(&self, user: Uuid, online: bool, at: u64) {
        self.latest
            .lock()
            .expect("truth lock")
            .insert(user, (online, at));
    }

    fn online(&self) -> HashMap<Uuid, bool> {
        let latest = self.latest.lock().expect("truth lock");
        latest.iter().map(|(u, (on, _))| (*u, *on)).collect()
    }

    /// When the change to `online` was made, if it is the member's latest.
    fn changed_at(&self, user: Uuid, online: bool) -> Option<u64> {
        let latest = self.latest.lock().expect("truth lock");
        latest
            .get(&user)
            .filter(|(on, _)| *on == online)
            .map(|(_, at)| *at)
    }
}

/// Figures shared by every client task.
#[derive(Default)]
struct Counters {
    /// Presence frames (and their bytes) the watchers received while measuring.
    watcher_frames: AtomicU64,
    watcher_bytes: AtomicU64,
    /// Presence frames anyone else received (they show no member list).
    others_presence_frames: AtomicU64,
    connects_failed: AtomicU64,
    /// Watchers that received the complete list.
    lists: AtomicU64,
    errors: AtomicU64,
}

pub async fn run(
    target: &Target<'_>,
    community_id: Uuid,
    watchers: usize,
    rate: u32,
    window: Duration,
) -> anyhow::Result<Value> {
    let members = target.accounts.len();
    let churners = ((f64::from(rate) * CYCLE.as_secs_f64() / 2.0).ceil() as usize).max(1);
    anyhow::ensure!(
        watchers + churners <= members,
        "{rate} changes/s needs {churners} churning members beside {watchers} watchers, \
         but only {members} members exist"
    );
    eprintln!(
        "presence churn: {members} members, {watchers} showing the member list, \
         {churners} members leaving and coming back ({rate} changes/s), {window:?} measured"
    );
    let origin = Instant::now();
    let truth = Arc::new(Truth::default());
    let counters = Arc::new(Counters::default());
    let measuring = Arc::new(AtomicBool::new(false));
    let (stop_tx, stop_rx) = watch::channel(false);

    let sockets = client::connect_all(target.ws_url, target.accounts).await?;
    for account in target.accounts {
        truth.set(account.id, true, now_micros(origin));
    }
    let mut watcher_tasks = Vec::with_capacity(watchers);
    let mut churner_sockets = Vec::with_capacity(churners);
    let mut idle = Vec::new();
    for (i, (sink, stream)) in sockets.into_iter().enumerate() {
        if i < watchers {
            let w = Watcher {
                community_id,
                origin,
                truth: truth.clone(),
                counters: counters.clone(),
                measuring: measuring.clone(),
            };
            watcher_tasks.push(tokio::spawn(w.run(sink, stream, stop_rx.clone())));
        } else if i < watchers + churners {
            churner_sockets.push((sink, stream));
        } else {
            idle.push(tokio::spawn(drain(
                sink,
                stream,
                target.accounts[i].id,
                counters.clone(),
                measuring.clone(),
            )));
        }
    }
    // Our server sends each watcher its complete list before the churn starts (the
    // reference has no presence: its watchers get nothing).
    let shows_presence = target.name == "chatalot";
    if shows_presence {
        let deadline = Instant::now() + SETTLE;
        while counters.lists.load(Ordering::Relaxed) < watchers as u64 {
            anyhow::ensure!(
                Instant::now() < deadline,
                "only {} of {watchers} watchers got the member list",
                counters.lists.load(Ordering::Relaxed)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    let start = tokio::time::Instant::now() + Duration::from_millis(500);
    let mut churn_tasks = Vec::with_capacity(churners);
    for (j, (sink, stream)) in churner_sockets.into_iter().enumerate() {
        let c = Churner {
            ws_url: target.ws_url.to_owned(),
            account: target.accounts[watchers + j].clone(),
            origin,
            truth: truth.clone(),
            counters: counters.clone(),
            measuring: measuring.clone(),
        };
        // Spread over the cycle, so the changes come at an even rate.
        let first = start + CYCLE.mul_f64(j as f64 / churners as f64) / 2;
        churn_tasks.push(tokio::spawn(c.run(sink, stream, first, stop_rx.clone())));
    }

    // A cycle of warm-up, then the measured window.
    tokio::time::sleep_until(start + CYCLE).await;
    measuring.store(true, Ordering::Relaxed);
    let cpu = CpuWindow::start(target.pid);
    tokio::time::sleep(window).await;
    measuring.store(false, Ordering::Relaxed);
    let (wall, server_cpu, postgres_cpu) = cpu.stop();
    let contention = cpu.contention();
    let _ = stop_tx.send(true);
    let mut changes = 0u64;
    let mut connect_times = histogram();
    // Connections stay open until the lists have been compared.
    let mut still_connected = Vec::with_capacity(churners);
    for task in churn_tasks {
        let (made, times, connection) = task.await?;
        changes += made;
        connect_times.add(&times).ok();
        still_connected.push(connection);
    }

    // The churn has stopped: every list should settle on who is online now.
    let expected = truth.online();
    let settle_started = Instant::now();
    let mut visible = histogram();
    let mut consistent = 0usize;
    let mut settled_after = Duration::ZERO;
    for task in watcher_tasks {
        let view = task.await?;
        visible.add(&view.latencies).ok();
        if !shows_presence {
            continue;
        }
        if let Some(at) = view.settle(&expected, settle_started).await {
            consistent += 1;
            settled_after = settled_after.max(at);
        }
    }
    for task in idle {
        task.abort();
    }
    drop(still_connected);

    let seconds = wall.as_secs_f64();
    let watcher_frames = counters.watcher_frames.load(Ordering::Relaxed);
    let watcher_bytes = counters.watcher_bytes.load(Ordering::Relaxed);
    let result = json!({
        "scenario": "churn",
        "backend": target.backend_name,
        "target": target.name,
        "members": members,
        "watchers": watchers,
        "churning_members": churners,
        "offered_changes_per_s": rate,
        "window_s": seconds,
        "changes_made": changes,
        "changes_per_s": changes as f64 / seconds,
        "connect_to_ready": latency_json(&connect_times),
        "connects_failed": counters.connects_failed.load(Ordering::Relaxed),
        "change_visible_to_watchers": shows_presence.then(|| latency_json(&visible)),
        "watcher_frames_per_s": watcher_frames as f64 / seconds / watchers.max(1) as f64,
        "watcher_bytes_per_s": watcher_bytes as f64 / seconds / watchers.max(1) as f64,
        "presence_frames_to_others": counters.others_presence_frames.load(Ordering::Relaxed),
        "lists_matching_at_end": shows_presence.then_some(consistent),
        "lists_settled_s": (consistent == watchers).then_some(settled_after.as_secs_f64()),
        "server_cpu_s": server_cpu.as_secs_f64(),
        "server_cpu_percent": server_cpu.as_secs_f64() * 100.0 / seconds,
        "server_cpu_us_per_change": server_cpu.as_secs_f64() * 1e6 / changes.max(1) as f64,
        "postgres_cpu_s": postgres_cpu.as_secs_f64(),
        "loadgen_cpu_percent": contention.loadgen_cpu_percent,
        "machine_busy_percent": contention.machine_busy_percent,
        "errors": counters.errors.load(Ordering::Relaxed),
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}

/// Reads a connection that shows no member list, counting presence sent to it.
async fn drain(
    sink: client::Sink,
    mut stream: client::Stream,
    own: Uuid,
    counters: Arc<Counters>,
    measuring: Arc<AtomicBool>,
) -> client::Sink {
    while let Some(Ok(frame)) = stream.next().await {
        if let Message::Text(text) = frame
            && measuring.load(Ordering::Relaxed)
        {
            count_other(&text, own, &counters);
        }
    }
    sink
}

/// Counts presence about others sent to a member who shows no list (a connection is
/// told its own presence, which does not count).
fn count_other(text: &str, own: Uuid, counters: &Counters) {
    let Some(event) = parse_frame(text) else {
        counters.errors.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let about_self = event["user_id"].as_str() == Some(&own.to_string());
    match event["type"].as_str() {
        Some("presence") if about_self => {}
        Some("presence" | "community_presence") => {
            counters
                .others_presence_frames
                .fetch_add(1, Ordering::Relaxed);
        }
        Some("error") => {
            counters.errors.fetch_add(1, Ordering::Relaxed);
        }
        _ => {}
    }
}

/// A member who leaves and comes back, half a cycle each, from `first` on.
struct Churner {
    ws_url: String,
    account: Account,
    origin: Instant,
    truth: Arc<Truth>,
    counters: Arc<Counters>,
    measuring: Arc<AtomicBool>,
}

impl Churner {
    /// The changes made while measuring, the connect-to-ready times, and the
    /// connection if it is open when told to stop.
    async fn run(
        self,
        sink: client::Sink,
        stream: client::Stream,
        first: tokio::time::Instant,
        mut stop: watch::Receiver<bool>,
    ) -> (u64, Histogram<u64>, Option<LeaveHandle>) {
        let mut times = histogram();
        let mut made = 0u64;
        let mut connection = Some(self.read(sink, stream));
        let mut ticks = tokio::time::interval_at(first, CYCLE / 2);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = stop.changed() => break,
            }
            let measured = self.measuring.load(Ordering::Relaxed);
            match connection.take() {
                Some(reader) => {
                    self.truth
                        .set(self.account.id, false, now_micros(self.origin));
                    let mut sink = reader.await.unwrap_or_else(|_| None);
                    if let Some(sink) = sink.as_mut() {
                        let _ = sink.close().await;
                    }
                }
                None => {
                    self.truth
                        .set(self.account.id, true, now_micros(self.origin));
                    let started = Instant::now();
                    match client::connect(&self.ws_url, &self.account.token).await {
                        Ok((sink, stream)) => {
                            if measured {
                                let _ = times.record(started.elapsed().as_micros().max(1) as u64);
                            }
                            connection = Some(self.read(sink, stream));
                        }
                        Err(_) => {
                            self.counters
                                .connects_failed
                                .fetch_add(1, Ordering::Relaxed);
                            self.truth
                                .set(self.account.id, false, now_micros(self.origin));
                        }
                    }
                }
            }
            if measured {
                made += 1;
            }
        }
        (made, times, connection)
    }

    /// Reads the connection until told to leave; hands back the write half then.
    fn read(&self, sink: client::Sink, mut stream: client::Stream) -> LeaveHandle {
        let (leave_tx, mut leave_rx) = tokio::sync::oneshot::channel::<()>();
        let (counters, measuring) = (self.counters.clone(), self.measuring.clone());
        let own = self.account.id;
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    frame = stream.next() => match frame {
                        Some(Ok(Message::Text(text))) => {
                            if measuring.load(Ordering::Relaxed) {
                                count_other(&text, own, &counters);
                            }
                        }
                        Some(Ok(_)) => {}
                        _ => return None,
                    },
                    _ = &mut leave_rx => return Some(sink),
                }
            }
        });
        LeaveHandle {
            leave: Some(leave_tx),
            task,
        }
    }
}

/// A churner's live connection: awaiting it asks the reader to stop and returns the
/// write half (none if the server closed it).
struct LeaveHandle {
    leave: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Option<client::Sink>>,
}

impl std::future::IntoFuture for LeaveHandle {
    type Output = Result<Option<client::Sink>, tokio::task::JoinError>;
    type IntoFuture = tokio::task::JoinHandle<Option<client::Sink>>;

    fn into_future(mut self) -> Self::IntoFuture {
        if let Some(leave) = self.leave.take() {
            let _ = leave.send(());
        }
        self.task
    }
}

/// A member showing the community's member list.
struct Watcher {
    community_id: Uuid,
    origin: Instant,
    truth: Arc<Truth>,
    counters: Arc<Counters>,
    measuring: Arc<AtomicBool>,
}

/// A watcher's connection, what its list shows, and how late each change reached it.
struct View {
    list: MemberList,
    latencies: Histogram<u64>,
    stream: client::Stream,
    _sink: client::Sink,
}

impl Watcher {
    async fn run(
        self,
        mut sink: client::Sink,
        stream: client::Stream,
        mut stop: watch::Receiver<bool>,
    ) -> View {
        let frame =
            json!({"type": "watch_presence", "community_id": self.community_id, "nonce": "w"});
        let _ = sink.send(Message::text(frame.to_string())).await;
        let mut view = View {
            list: MemberList::new(self.community_id),
            latencies: histogram(),
            stream,
            _sink: sink,
        };
        loop {
            let frame = tokio::select! {
                frame = view.stream.next() => frame,
                _ = stop.changed() => break,
            };
            let Some(Ok(Message::Text(text))) = frame else {
                if frame.is_none() {
                    break;
                }
                continue;
            };
            let measured = self.measuring.load(Ordering::Relaxed);
            if let Some(latest) = view.list.apply(&text, &self.counters)
                && measured
            {
                self.counters.watcher_frames.fetch_add(1, Ordering::Relaxed);
                self.counters
                    .watcher_bytes
                    .fetch_add(text.len() as u64, Ordering::Relaxed);
                let now = now_micros(self.origin);
                for (user, online) in latest {
                    if let Some(at) = self.truth.changed_at(user, online) {
                        let _ = view.latencies.record(now.saturating_sub(at).max(1));
                    }
                }
            }
        }
        view
    }
}

/// Who a member list shows online, kept from the frames as the web client keeps it.
struct MemberList {
    community_id: Uuid,
    online: HashMap<Uuid, bool>,
}

impl MemberList {
    fn new(community_id: Uuid) -> MemberList {
        MemberList {
            community_id,
            online: HashMap::new(),
        }
    }

    /// Applies a frame to the list; the changes it carried, if it was this
    /// community's presence.
    fn apply(&mut self, text: &str, counters: &Counters) -> Option<Vec<(Uuid, bool)>> {
        let Some(event) = parse_frame(text) else {
            counters.errors.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        if event["type"] == "error" {
            counters.errors.fetch_add(1, Ordering::Relaxed);
        }
        if event["type"] != "community_presence"
            || event["community_id"].as_str() != Some(&self.community_id.to_string())
        {
            return None;
        }
        if event["complete"] == true {
            self.online.clear();
            counters.lists.fetch_add(1, Ordering::Relaxed);
        }
        let changes: Vec<(Uuid, bool)> = event["presences"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let user = p["user_id"].as_str()?.parse().ok()?;
                Some((user, p["status"].as_str()? != "offline"))
            })
            .collect();
        for (user, online) in &changes {
            self.online.insert(*user, *online);
        }
        Some(changes)
    }

    fn matches(&self, expected: &HashMap<Uuid, bool>) -> bool {
        expected
            .iter()
            .all(|(user, online)| self.online.get(user).copied().unwrap_or(false) == *online)
    }
}

impl View {
    /// Reads on until the list matches `expected` (when, after `since`) or [`SETTLE`]
    /// has passed.
    async fn settle(mut self, expected: &HashMap<Uuid, bool>, since: Instant) -> Option<Duration> {
        let deadline = since + SETTLE;
        let counters = Counters::default();
        loop {
            if self.list.matches(expected) {
                return Some(since.elapsed());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.stream.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    self.list.apply(&text, &counters);
                }
                Ok(Some(Ok(_))) => {}
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(community: Uuid, complete: bool, presences: &[(Uuid, &str)]) -> String {
        let presences: Vec<Value> = presences
            .iter()
            .map(|(u, s)| json!({"user_id": u, "status": s}))
            .collect();
        json!({"type": "community_presence", "community_id": community,
            "presences": presences, "complete": complete})
        .to_string()
    }

    #[test]
    fn a_list_starts_from_the_complete_frame_and_follows_the_changes() {
        let (community, a, b, c) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let counters = Counters::default();
        let mut list = MemberList::new(community);
        list.apply(
            &frame(community, true, &[(a, "online"), (b, "dnd")]),
            &counters,
        );
        assert_eq!(counters.lists.load(Ordering::Relaxed), 1);
        let changes = list.apply(
            &frame(community, false, &[(b, "offline"), (c, "idle")]),
            &counters,
        );
        assert_eq!(changes, Some(vec![(b, false), (c, true)]));
        let truth = HashMap::from([(a, true), (b, false), (c, true)]);
        assert!(list.matches(&truth));
        assert!(!list.matches(&HashMap::from([(a, false)])));
        // Another community's frame and other events leave the list alone.
        assert_eq!(
            list.apply(&frame(Uuid::now_v7(), true, &[]), &counters),
            None
        );
        assert_eq!(list.apply(r#"{"type":"pong"}"#, &counters), None);
        assert!(list.matches(&truth));
        // A new complete list replaces the old one: who is not listed is offline.
        list.apply(&frame(community, true, &[(c, "online")]), &counters);
        assert!(list.matches(&HashMap::from([(a, false), (b, false), (c, true)])));
    }
}
