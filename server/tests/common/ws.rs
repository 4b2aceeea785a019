//! A WebSocket test client for the gateway: connect and authenticate, send frames,
//! wait for events (with a timeout, never a fixed sleep).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::TestServer;

const WAIT: Duration = Duration::from_secs(10);

pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Events read while waiting for something else (e.g. an ack), not yet taken.
    pending: std::collections::VecDeque<Value>,
    /// The `ready` event.
    pub ready: Value,
}

impl Ws {
    /// Opens a socket without authenticating.
    pub async fn open(s: &TestServer) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
        let url = s.base.replacen("http://", "ws://", 1) + "/ws";
        tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket connects")
            .0
    }

    /// Connects, authenticates and waits for `ready`.
    pub async fn connect(s: &TestServer, token: &str) -> Ws {
        let mut stream = Ws::open(s).await;
        let auth = json!({"type": "authenticate", "token": token}).to_string();
        stream
            .send(Message::text(auth))
            .await
            .expect("send authenticate");
        let mut ws = Ws {
            stream,
            pending: Default::default(),
            ready: Value::Null,
        };
        ws.ready = ws.expect("ready").await;
        ws
    }

    pub async fn send(&mut self, frame: Value) {
        self.stream
            .send(Message::text(frame.to_string()))
            .await
            .expect("send frame");
    }

    /// Writes raw frames in one go (one flush), so the server reads them together.
    pub async fn send_frames(&mut self, frames: Vec<Message>) {
        for frame in frames {
            self.stream.feed(frame).await.expect("queue frame");
        }
        self.stream.flush().await.expect("flush frames");
    }

    /// The next JSON event (pings are answered by the library and skipped).
    pub async fn next(&mut self) -> Value {
        if let Some(event) = self.pending.pop_front() {
            return event;
        }
        self.read().await
    }

    async fn read(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(WAIT, self.stream.next())
                .await
                .expect("an event within 10 s")
                .expect("the socket is open")
                .expect("a valid frame");
            match frame {
                Message::Text(text) => {
                    if std::env::var("WS_DEBUG").is_ok() {
                        eprintln!("ws <- {text}");
                    }
                    return serde_json::from_str(&text).expect("JSON event");
                }
                Message::Close(close) => panic!("socket closed: {close:?}"),
                _ => continue,
            }
        }
    }

    /// Skips events until one of this type arrives.
    pub async fn expect(&mut self, kind: &str) -> Value {
        self.expect_where(|e| e["type"] == kind).await
    }

    /// Skips events until one matches.
    pub async fn expect_where(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        loop {
            let event = self.next().await;
            if matches(&event) {
                return event;
            }
        }
    }

    /// Collects events until one matches; returns all of them (the match last).
    pub async fn collect_until(&mut self, matches: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let event = self.next().await;
            let done = matches(&event);
            seen.push(event);
            if done {
                return seen;
            }
        }
    }

    /// Sends a frame with a nonce and waits for its `ack` or `error`.
    pub async fn request(&mut self, mut frame: Value) -> Value {
        let nonce = uuid::Uuid::new_v4().to_string();
        frame["nonce"] = json!(nonce);
        self.send(frame).await;
        loop {
            let event = self.read().await;
            if event["nonce"] == nonce.as_str() {
                return event;
            }
            self.pending.push_back(event);
        }
    }

    /// Shows a community's member list, as a client does: acknowledged, with the
    /// complete `community_presence` list (returned) on its heels.
    pub async fn watch_presence(&mut self, community: uuid::Uuid) -> Value {
        let ack = self
            .request(json!({"type": "watch_presence", "community_id": community}))
            .await;
        assert_eq!(ack["type"], "ack", "watch_presence: {ack}");
        self.expect_where(|e| {
            e["type"] == "community_presence"
                && e["community_id"] == community.to_string()
                && e["complete"] == true
        })
        .await
    }

    /// Waits for `user`'s presence in a member list this connection shows.
    pub async fn expect_presence_of(&mut self, user: uuid::Uuid) -> String {
        let user = user.to_string();
        let event = self
            .expect_where(|e| e["type"] == "community_presence" && status_in(e, &user).is_some())
            .await;
        status_in(&event, &user).expect("matched").to_owned()
    }

    /// Waits until a member list this connection shows has `user` at `status`.
    pub async fn expect_presence(&mut self, user: uuid::Uuid, status: &str) {
        let user = user.to_string();
        self.expect_where(|e| {
            e["type"] == "community_presence" && status_in(e, &user) == Some(status)
        })
        .await;
    }

    /// Waits for the server to close the socket; returns the close code.
    pub async fn expect_close(&mut self) -> u16 {
        closed_with(&mut self.stream).await
    }
}

/// `user`'s status in a `community_presence` event.
pub fn status_in<'a>(event: &'a Value, user: &str) -> Option<&'a str> {
    event["presences"]
        .as_array()?
        .iter()
        .find(|p| p["user_id"] == user)?["status"]
        .as_str()
}

/// Reads until the close frame (skipping data), returns its code.
pub async fn closed_with(stream: &mut WebSocketStream<MaybeTlsStream<TcpStream>>) -> u16 {
    loop {
        let frame = tokio::time::timeout(WAIT, stream.next())
            .await
            .expect("closed within 10 s");
        match frame {
            Some(Ok(Message::Close(Some(close)))) => return u16::from(close.code),
            Some(Ok(Message::Close(None))) => return u16::from(CloseCode::Status),
            Some(Ok(_)) => continue,
            Some(Err(err)) => panic!("socket error instead of a close frame: {err}"),
            None => panic!("socket ended without a close frame"),
        }
    }
}
