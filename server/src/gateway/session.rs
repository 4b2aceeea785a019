//! One connection's life: authenticate, register, serve, clean up.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::mpsc;

use super::actions;
use crate::api::ServerEvent;
use crate::api::realtime::close_code;
use crate::domain::error::Error;
use crate::domain::{Actor, Core};
use crate::events::{CloseReason, Connection, Outgoing};

/// Time allowed for the `authenticate` frame.
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing connection may take to flush its close frame and hear the
/// client's answer.
const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// Frames written before one flush, when many are queued.
const WRITE_BATCH: usize = 64;
/// The shortest time between two writes to one socket. A connection sent to more
/// often than this (a very busy channel) gets its frames in batches, one write and
/// one wake-up of the client per batch instead of per frame; a quieter one is
/// written to at once, with no delay.
const WRITE_INTERVAL: Duration = Duration::from_millis(10);

type Sink = SplitSink<WebSocket, Message>;
type Stream = SplitStream<WebSocket>;

/// Serves one upgraded WebSocket until it closes.
///
/// Idle connections should cost little memory, so the large futures of the domain
/// calls are boxed: the connection's own state machine stays small while it waits.
pub async fn run(socket: WebSocket, core: Core) {
    // Shutting down waits until this connection's closing is written.
    let live = core.events.sessions.token();
    let (mut sink, mut stream) = socket.split();
    let actor = match Box::pin(authenticate(&core, &mut stream)).await {
        Ok(actor) => actor,
        Err((code, reason)) => {
            close(&mut sink, code, reason).await;
            return;
        }
    };
    let (registered, ready) = match Box::pin(core.open_connection(&actor)).await {
        Ok(opened) => opened,
        Err(err) => {
            let code = if err.code() == "too_many_connections" {
                close_code::TOO_MANY_CONNECTIONS
            } else {
                close_code::AUTHENTICATION_FAILED
            };
            close(&mut sink, code, "connection refused").await;
            return;
        }
    };
    let connection = registered.connection;
    // `ready` is written before anything queued since the connection registered
    // (such as the presence its own arrival announced), so it is always first.
    let ready = serde_json::to_string(&ready)
        .ok()
        .map(|json| Message::Text(json.into()));
    let writer = tokio::spawn(write_loop(
        sink,
        ready,
        registered.outgoing,
        connection.clone(),
    ));
    let server_closed = read_loop(&core, actor, &connection, &mut stream).await;
    Box::pin(core.close_connection(&connection)).await;
    drop(live);
    if server_closed {
        // Let the client read what is buffered and answer the close frame, so the
        // TCP connection ends cleanly instead of with a reset.
        let drain = async {
            while let Some(Ok(frame)) = stream.next().await {
                if matches!(frame, Message::Close(_)) {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(CLOSE_GRACE, drain).await;
    }
    // Ends the writer if the reader stopped first (client gone).
    connection.close(CloseReason {
        code: 1000,
        reason: "bye",
    });
    let _ = writer.await;
}

/// Waits for `{"type":"authenticate","token":…}` and resolves the session.
async fn authenticate(core: &Core, stream: &mut Stream) -> Result<Actor, (u16, &'static str)> {
    let first = tokio::time::timeout(AUTH_TIMEOUT, stream.next()).await;
    let frame = match first {
        Err(_) => {
            return Err((
                close_code::AUTHENTICATION_TIMEOUT,
                "authenticate within 10 seconds",
            ));
        }
        Ok(Some(Ok(Message::Text(text)))) => text,
        Ok(_) => {
            return Err((
                close_code::AUTHENTICATION_FAILED,
                "the first frame must be authenticate",
            ));
        }
    };
    let token = match serde_json::from_str(&frame) {
        Ok(crate::api::ClientFrame::Authenticate { token }) => token,
        _ => {
            return Err((
                close_code::AUTHENTICATION_FAILED,
                "the first frame must be authenticate",
            ));
        }
    };
    core.authenticate(&token)
        .await
        .map_err(|err| match err.code() {
            "session_ended" | "account_suspended" => (close_code::SESSION_ENDED, "session ended"),
            _ => (
                close_code::AUTHENTICATION_FAILED,
                "invalid or expired token",
            ),
        })
}

async fn close(sink: &mut Sink, code: u16, reason: &'static str) {
    let frame = Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.send(frame)).await;
}

/// Drains the connection's queue into the socket, many frames per flush, until a
/// close is asked for. A client that stops reading cannot hold the writer: the
/// close signal interrupts a pending flush.
async fn write_loop(
    mut sink: Sink,
    first: Option<Message>,
    mut outgoing: mpsc::Receiver<Outgoing>,
    connection: Arc<Connection>,
) {
    if let Some(first) = first
        && sink.send(first).await.is_err()
    {
        connection.close(CloseReason {
            code: 1006,
            reason: "write failed",
        });
        return;
    }
    let mut last_write = tokio::time::Instant::now() - WRITE_INTERVAL;
    // One wait for the close for the connection's whole life: made afresh for every
    // write, it cost a subscription and a registration per frame delivered.
    let closed = connection.closed();
    tokio::pin!(closed);
    loop {
        let first = tokio::select! {
            reason = &mut closed => {
                close(&mut sink, reason.code, reason.reason).await;
                return;
            }
            frame = outgoing.recv() => match frame {
                Some(frame) => frame,
                None => return,
            },
        };
        let write = async {
            // Wait out the write interval, gathering what arrives meanwhile, unless
            // a frame that must not wait comes.
            let mut waiting = vec![];
            let due = last_write + WRITE_INTERVAL;
            if !first.is_urgent() && due > tokio::time::Instant::now() {
                let sleep = tokio::time::sleep_until(due);
                tokio::pin!(sleep);
                while waiting.len() + 1 < WRITE_BATCH {
                    tokio::select! {
                        () = &mut sleep => break,
                        frame = outgoing.recv() => match frame {
                            Some(frame) => {
                                let urgent = frame.is_urgent();
                                waiting.push(frame);
                                if urgent {
                                    break;
                                }
                            }
                            None => break,
                        },
                    }
                }
            }
            let batched = waiting.len();
            sink.feed(ws_frame(first)).await?;
            for frame in waiting {
                sink.feed(ws_frame(frame)).await?;
            }
            for _ in (1 + batched)..WRITE_BATCH {
                match outgoing.try_recv() {
                    Ok(frame) => sink.feed(ws_frame(frame)).await?,
                    Err(_) => break,
                }
            }
            sink.flush().await
        };
        tokio::select! {
            result = write => {
                if result.is_err() {
                    connection.close(CloseReason { code: 1006, reason: "write failed" });
                    return;
                }
                last_write = tokio::time::Instant::now();
            },
            reason = &mut closed => {
                // The close frame waits behind what the socket could not take yet;
                // a client that resumes reading in time still gets the code.
                tracing::debug!(code = reason.code, "closing a connection that is not reading");
                let _ = tokio::time::timeout(CLOSE_GRACE, sink.send(Message::Close(Some(CloseFrame {
                    code: reason.code,
                    reason: reason.reason.into(),
                }))))
                .await;
                return;
            }
        }
    }
}

/// Reads client frames until the socket ends (false) or the server asks for a
/// close (true).
async fn read_loop(
    core: &Core,
    actor: Actor,
    connection: &Arc<Connection>,
    stream: &mut Stream,
) -> bool {
    let heartbeat = core.config.tuning.ws_heartbeat;
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    let mut last_seen = Instant::now();
    let limiter: DefaultDirectRateLimiter = RateLimiter::direct(
        Quota::per_second(NonZeroU32::new(5).expect("5"))
            .allow_burst(NonZeroU32::new(10).expect("10")),
    );
    // Joining a call trickles many ICE candidates to every peer at once.
    let signal_limiter: DefaultDirectRateLimiter = RateLimiter::direct(
        Quota::per_second(NonZeroU32::new(50).expect("50"))
            .allow_burst(NonZeroU32::new(250).expect("250")),
    );
    let mut actor = actor;
    loop {
        tokio::select! {
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else { return false };
                last_seen = Instant::now();
                match frame {
                    Message::Text(text) => {
                        let parsed = actions::parse(&text);
                        // Every data frame counts against a limit, junk and binary too;
                        // negotiation messages against their own.
                        let budget = match parsed {
                            Ok(crate::api::ClientFrame::VoiceSignal { .. }) => &signal_limiter,
                            _ => &limiter,
                        };
                        if budget.check().is_err() {
                            let nonce = parsed.as_ref().ok().and_then(|f| f.nonce()).map(str::to_owned);
                            reply(connection, &rate_limited(nonce));
                            continue;
                        }
                        let frame = match parsed {
                            Ok(frame) => frame,
                            Err(answer) => {
                                reply(connection, &answer);
                                continue;
                            }
                        };
                        // Negotiation messages only move between two live call
                        // connections, and ending a session takes its connection out
                        // of the call first: they need no session lookup.
                        let in_memory_only = matches!(frame, crate::api::ClientFrame::VoiceSignal { .. });
                        if !in_memory_only {
                            match Box::pin(core.reload_actor(&actor)).await {
                                Ok(fresh) => actor = fresh,
                                Err(_) => {
                                    connection.close(CloseReason::SESSION_ENDED);
                                    return true;
                                }
                            }
                        }
                        if let Some(answer) = Box::pin(actions::handle(core, &actor, connection.id, frame)).await {
                            reply(connection, &answer);
                        }
                    }
                    Message::Close(_) => return false,
                    Message::Binary(_) if limiter.check().is_err() => reply(connection, &rate_limited(None)),
                    Message::Binary(_) => reply(connection, &error(None, &Error::bad_request("binary_frame", "send JSON text frames"))),
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            }
            _ = ticker.tick() => {
                if last_seen.elapsed() > heartbeat * 2 {
                    connection.close(CloseReason { code: close_code::HEARTBEAT_TIMEOUT, reason: "no heartbeat" });
                    return true;
                }
                connection.send(Outgoing::Ping);
            }
            _ = connection.closed() => return true,
        }
    }
}

/// The WebSocket frame for a queued one. Text payloads are JSON the server wrote,
/// so the UTF-8 check never fails (it would send an empty frame if it did).
fn ws_frame(frame: Outgoing) -> Message {
    match frame {
        Outgoing::Text(bytes) | Outgoing::Urgent(bytes) => {
            Message::Text(Utf8Bytes::try_from(bytes).unwrap_or_default())
        }
        Outgoing::Ping => Message::Ping(Default::default()),
    }
}

fn rate_limited(nonce: Option<String>) -> ServerEvent {
    ServerEvent::Error {
        nonce,
        code: "rate_limited".into(),
        message: "too many frames; slow down".into(),
    }
}

fn reply(connection: &Connection, event: &ServerEvent) {
    if let Ok(json) = serde_json::to_string(event) {
        connection.send(Outgoing::Text(json.into()));
    }
}

pub(super) fn error(nonce: Option<String>, err: &Error) -> ServerEvent {
    let message = match err {
        Error::Client { message, .. } => message.to_string(),
        Error::Internal(cause) => {
            tracing::error!(error = ?cause, "gateway action failed");
            "the server failed to handle this action".to_owned()
        }
    };
    ServerEvent::Error {
        nonce,
        code: err.code().to_owned(),
        message,
    }
}
