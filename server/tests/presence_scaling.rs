//! Presence does not grow as N²: when N members of one community connect and every
//! one of them shows the member list (the worst case), each receives a complete list
//! and then at most one `community_presence` frame per interval, instead of one
//! `presence` frame per member who connects (N²/2 frames in all).

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::ws::Ws;
use common::{Backend, TestServer};
use futures_util::future::join_all;
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};
use uuid::Uuid;

/// Frames one member received about presence, once every member showed as online.
struct Run {
    frames: usize,
    seconds: f64,
    /// The server's presence interval.
    interval: Duration,
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_frames_grow_linearly_with_members_connecting(#[case] backend: Backend) {
    let mut per_member = Vec::new();
    for members in [100, 400] {
        let Some(run) = connect_everyone(backend, members).await else {
            return;
        };
        let interval = run.interval.as_secs_f64();
        let frames_each = run.frames as f64 / members as f64;
        eprintln!(
            "presence: {members} members connecting, {} frames ({frames_each:.1} per member) in {:.2} s",
            run.frames, run.seconds
        );
        // Each member: its own `presence`, the complete list, then one frame per
        // interval at most (plus one for a tick that falls mid-way).
        let bound = 3.0 + (run.seconds / interval).ceil();
        assert!(
            frames_each <= bound,
            "{frames_each:.1} presence frames per member for {members} members in {:.2} s \
             (at most {bound} allowed; announcing every arrival to every member is about {})",
            run.seconds,
            members / 2
        );
        per_member.push(frames_each);
    }
    // One frame per member connecting would make this 4 (and 16 in all).
    assert!(
        per_member[1] < 100.0,
        "400 members: {:.1} frames each",
        per_member[1]
    );
}

/// Makes `n` members of one community, connects them all at once (each showing the
/// member list as soon as it is ready) and counts presence frames until every
/// member's view has all `n` online.
async fn connect_everyone(backend: Backend, n: usize) -> Option<Run> {
    let s = Arc::new(TestServer::start_for_messages(backend).await?);
    let owner = s.user("owner").await;
    let community = s.community(&owner.1, json!({"name": "Crowd"})).await;
    let code = s.community_invite(&owner.1, community).await;
    let mut members: Vec<(Uuid, String)> = Vec::with_capacity(n);
    members.push(owner);
    let names: Vec<String> = (1..n).map(|i| format!("member{i}")).collect();
    for chunk in names.chunks(16) {
        let joined = join_all(chunk.iter().map(|name| {
            let s = s.clone();
            let code = code.clone();
            async move {
                let user = s.user(name).await;
                s.accept(&user.1, &code).await.expect(StatusCode::OK);
                user
            }
        }))
        .await;
        members.extend(joined);
    }

    let frames = Arc::new(AtomicUsize::new(0));
    let converged = Arc::new(AtomicUsize::new(0));
    let all_converged = Arc::new(Notify::new());
    let (stop_tx, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let tasks: Vec<_> = members
        .into_iter()
        .map(|(_, token)| {
            let s = s.clone();
            let (frames, converged, all_converged) =
                (frames.clone(), converged.clone(), all_converged.clone());
            let mut stop = stop_rx.clone();
            tokio::spawn(async move {
                let mut ws = Ws::connect(&s, &token).await;
                ws.send(json!({"type": "watch_presence", "community_id": community}))
                    .await;
                let mut online: HashMap<String, String> = HashMap::new();
                let mut done = false;
                loop {
                    let event = tokio::select! {
                        event = ws.next() => event,
                        _ = stop.changed() => return,
                    };
                    match event["type"].as_str() {
                        Some("presence") => {}
                        Some("community_presence") => apply(&mut online, &event),
                        Some("error") => panic!("watch_presence refused: {event}"),
                        _ => continue,
                    }
                    frames.fetch_add(1, Ordering::Relaxed);
                    let everyone = online.values().filter(|s| *s == "online").count() == n;
                    if everyone && !done {
                        done = true;
                        if converged.fetch_add(1, Ordering::AcqRel) + 1 == n {
                            all_converged.notify_one();
                        }
                    }
                }
            })
        })
        .collect();
    tokio::time::timeout(Duration::from_secs(120), all_converged.notified())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{} of {n} members saw everyone online within 120 s",
                converged.load(Ordering::Acquire)
            )
        });
    let seconds = started.elapsed().as_secs_f64();
    let frames = frames.load(Ordering::Acquire);
    let _ = stop_tx.send(true);
    for task in tasks {
        task.await.expect("member task");
    }
    Some(Run {
        frames,
        seconds,
        interval: s.config.tuning.presence_interval,
    })
}

/// Applies a `community_presence` frame to one member's view.
fn apply(view: &mut HashMap<String, String>, event: &Value) {
    if event["complete"] == true {
        view.clear();
    }
    for p in event["presences"].as_array().expect("presences") {
        let user = p["user_id"].as_str().expect("user_id").to_owned();
        view.insert(user, p["status"].as_str().expect("status").to_owned());
    }
}
