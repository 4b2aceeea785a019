//! The reference: a trivial chat server measured beside ours in every run.
//!
//! These machines are shared and their speed varies from day to day, so an absolute
//! figure says little; a ratio to this server, measured minutes apart on the same
//! machine with the same clients, does. It speaks the same protocol with frames of
//! the same shape and size (it builds them from the server's own wire types) and
//! works the same way at the edges — one task per WebSocket, a bounded queue per
//! connection, each event serialized once and shared — but has no database, no
//! authentication, no permissions and no presence: what it costs is the floor.
//!
//! It runs as `chatalot-loadgen reference-server`, a process of its own, so its CPU
//! and memory are measured exactly like the real server's.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use chatalot_server::api::{AuthorView, MessageView, ServerEvent};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Frames queued for one connection before it counts as too slow (the server's
/// default `ws_queue_capacity`).
const QUEUE: usize = 256;

/// A reference server process started by the load generator.
pub struct Reference {
    pub base: String,
    pub ws_url: String,
    pub pid: u32,
    _child: Child,
}

impl Reference {
    /// Starts `chatalot-loadgen reference-server` with `messages` in the channel's
    /// history.
    pub async fn start(channel_id: Uuid, messages: usize) -> anyhow::Result<Reference> {
        let exe = std::env::current_exe().context("the load generator's own path")?;
        start_process(&exe, channel_id, messages).await
    }
}

async fn start_process(exe: &Path, channel_id: Uuid, messages: usize) -> anyhow::Result<Reference> {
    let mut child = Command::new(exe)
        .args(["reference-server", "--channel"])
        .arg(channel_id.to_string())
        .arg("--messages")
        .arg(messages.to_string())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting the reference server")?;
    let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .context("reference server start-up")??
        .context("the reference server exited")?;
    let addr = line
        .strip_prefix("reference listening on ")
        .context("the reference server's first line")?
        .to_owned();
    Ok(Reference {
        base: format!("http://{addr}"),
        ws_url: format!("ws://{addr}/ws"),
        pid: child.id().context("reference pid")?,
        _child: child,
    })
}

struct Shared {
    channel_id: Uuid,
    next_connection: AtomicU64,
    connections: RwLock<HashMap<u64, mpsc::Sender<Bytes>>>,
    /// The channel's messages, oldest first.
    history: RwLock<Vec<MessageView>>,
    /// Message ids to their place in `history`, for `before=`.
    positions: Mutex<HashMap<Uuid, usize>>,
}

/// Serves until killed; prints `reference listening on <addr>` once ready.
pub async fn serve(channel_id: Uuid, messages: usize) -> anyhow::Result<()> {
    let author = author(Uuid::now_v7());
    let history: Vec<MessageView> = (0..messages)
        .map(|i| {
            message(
                channel_id,
                &author,
                format!("history message {i} with some ordinary words in it"),
            )
        })
        .collect();
    let positions = history.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let shared = Arc::new(Shared {
        channel_id,
        next_connection: AtomicU64::new(1),
        connections: RwLock::default(),
        history: RwLock::new(history),
        positions: Mutex::new(positions),
    });
    let app = Router::new()
        .route("/ws", get(upgrade))
        .route("/api/channels/{id}/messages", get(page))
        .with_state(shared);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("reference listening on {}", listener.local_addr()?);
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await?;
    Ok(())
}

fn author(id: Uuid) -> AuthorView {
    AuthorView {
        id,
        username: format!("user-{}", &id.simple().to_string()[..12]),
        display_name: "Bench User".into(),
        avatar_file_id: None,
        bot: false,
    }
}

fn message(channel_id: Uuid, author: &AuthorView, content: String) -> MessageView {
    MessageView {
        id: Uuid::now_v7(),
        channel_id,
        author: Some(author.clone()),
        content,
        reply_to_id: None,
        thread_id: None,
        thread_reply_count: 0,
        thread_last_reply_at: None,
        forwarded_from: None,
        mentions: Vec::new(),
        mentions_everyone: false,
        mentions_here: false,
        reply_to_author_id: None,
        reactions: Vec::new(),
        attachments: Vec::new(),
        poll_id: None,
        pinned: false,
        edited_at: None,
        deleted: false,
        created_at: chrono::Utc::now(),
        quarantined: false,
    }
}

#[derive(serde::Deserialize)]
struct PageQuery {
    limit: Option<usize>,
    before: Option<Uuid>,
}

/// `GET /api/channels/{id}/messages?limit=&before=`: a page from memory, oldest first.
async fn page(State(shared): State<Arc<Shared>>, Query(q): Query<PageQuery>) -> Response {
    let limit = q.limit.unwrap_or(50).clamp(1, 100);
    let history = shared.history.read().expect("history lock");
    let end = match q.before {
        Some(id) => match shared.positions.lock().expect("positions lock").get(&id) {
            Some(&at) => at,
            None => return StatusCode::NOT_FOUND.into_response(),
        },
        None => history.len(),
    };
    let start = end.saturating_sub(limit);
    match serde_json::to_vec(&history[start..end]) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn upgrade(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
    // The server's own socket settings (http/gateway.rs): 1 MiB frames, a small read
    // buffer, frames gathered up to 16 KiB so that a batch is one write.
    ws.max_frame_size(1 << 20)
        .max_message_size(1 << 20)
        .read_buffer_size(1024)
        .write_buffer_size(16 * 1024)
        .on_upgrade(move |socket| connection(socket, shared))
}

/// One client: `authenticate` (any token) → `ready`; `send_message` → an `ack` to
/// the sender and `message_created` to everyone; `typing` → `typing` to everyone
/// else; `set_presence` → an `ack`; `ping` → `pong`.
async fn connection(socket: WebSocket, shared: Arc<Shared>) {
    let (mut sink, mut stream) = socket.split();
    let Some(Ok(Message::Text(first))) = stream.next().await else {
        return;
    };
    let Ok(auth) = serde_json::from_str::<Value>(&first) else {
        return;
    };
    if auth["type"] != "authenticate" {
        return;
    }
    let user = author(Uuid::now_v7());
    let ready = json!({
        "type": "ready",
        "user": {
            "id": user.id, "username": user.username, "display_name": user.display_name,
            "email": null, "instance_role": "user", "bio": null, "pronouns": null,
            "custom_status": null, "avatar_file_id": null, "banner_file_id": null,
            "read_receipts": true, "show_last_seen": true, "two_factor_enabled": false,
            "has_password": true, "created_at": chrono::Utc::now(),
        },
        "session_id": Uuid::now_v7(),
        "heartbeat_interval_ms": 30_000,
        "presences": [],
        "voice": [],
    });
    if sink
        .send(Message::Text(Utf8Bytes::from(ready.to_string())))
        .await
        .is_err()
    {
        return;
    }
    let id = shared.next_connection.fetch_add(1, Ordering::Relaxed);
    let (tx, mut rx) = mpsc::channel::<Bytes>(QUEUE);
    shared
        .connections
        .write()
        .expect("connections lock")
        .insert(id, tx.clone());
    // Everything queued goes out in one write: the cheapest way to a busy socket.
    let writer = tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while let Ok(more) = rx.try_recv() {
                batch.push(more);
            }
            for frame in batch {
                let Ok(text) = Utf8Bytes::try_from(frame) else {
                    continue;
                };
                if sink.feed(Message::Text(text)).await.is_err() {
                    return;
                }
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
    });
    while let Some(Ok(frame)) = stream.next().await {
        let Message::Text(text) = frame else { continue };
        let Ok(frame) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        match frame["type"].as_str() {
            Some("send_message") => {
                let content = frame["content"].as_str().unwrap_or_default().to_owned();
                let nonce = frame["nonce"].as_str().map(str::to_owned);
                let view = message(shared.channel_id, &user, content);
                if let Some(nonce) = nonce {
                    let ack = ServerEvent::Ack {
                        nonce,
                        message: Some(view.clone()),
                        call: None,
                    };
                    queue(&tx, &ack);
                }
                broadcast(
                    &shared,
                    &ServerEvent::MessageCreated {
                        message: view.clone(),
                    },
                );
                let mut history = shared.history.write().expect("history lock");
                shared
                    .positions
                    .lock()
                    .expect("positions lock")
                    .insert(view.id, history.len());
                history.push(view);
            }
            // Typing goes to everyone else, as ours sends it to the channel's members.
            Some("typing") => broadcast_except(
                &shared,
                id,
                &ServerEvent::Typing {
                    channel_id: shared.channel_id,
                    user_id: user.id,
                },
            ),
            // No presence here: a change is only acknowledged.
            Some("set_presence") => {
                if let Some(nonce) = frame["nonce"].as_str() {
                    let ack = ServerEvent::Ack {
                        nonce: nonce.to_owned(),
                        message: None,
                        call: None,
                    };
                    queue(&tx, &ack);
                }
            }
            Some("ping") => queue(&tx, &ServerEvent::Pong),
            _ => {}
        }
    }
    shared
        .connections
        .write()
        .expect("connections lock")
        .remove(&id);
    writer.abort();
}

fn queue(tx: &mpsc::Sender<Bytes>, event: &ServerEvent) {
    if let Ok(json) = serde_json::to_vec(event) {
        let _ = tx.try_send(Bytes::from(json));
    }
}

/// Serialized once, shared by every connection's queue.
fn broadcast(shared: &Shared, event: &ServerEvent) {
    broadcast_except(shared, 0, event);
}

/// As [`broadcast`], leaving out connection `except` (0: none).
fn broadcast_except(shared: &Shared, except: u64, event: &ServerEvent) {
    let Ok(json) = serde_json::to_vec(event) else {
        return;
    };
    let payload = Bytes::from(json);
    let connections = shared.connections.read().expect("connections lock");
    for (_, tx) in connections.iter().filter(|(id, _)| **id != except) {
        let _ = tx.try_send(payload.clone());
    }
}
