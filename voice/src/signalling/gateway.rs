//! One WebSocket to the server's gateway: authenticates, keeps the heartbeat, sends
//! frames in order, matches acknowledgements to requests by nonce, and hands every
//! other event to the engine.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use url::Url;
use uuid::Uuid;

use super::wire::{CallView, ClientFrame, ServerFrame};
use crate::lock;

/// How long the server may take to answer a request (or the handshake).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("cannot reach the server: {0}")]
    Connect(String),
    #[error("the server closed the connection")]
    Closed,
    #[error("the server did not answer in time")]
    Timeout,
    #[error("{message} ({code})")]
    Rejected { code: String, message: String },
}

type Answer = Result<Option<CallView>, GatewayError>;
type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<Answer>>>>;

pub struct Gateway {
    outgoing: mpsc::UnboundedSender<ClientFrame>,
    pending: Pending,
    user_id: Uuid,
    tasks: Vec<JoinHandle<()>>,
}

impl Gateway {
    /// Connects to `server` (its `http(s)://` base) and signs in with an access token.
    pub async fn connect(
        server: &Url,
        token: &str,
    ) -> Result<(Gateway, mpsc::UnboundedReceiver<ServerFrame>), GatewayError> {
        let url = websocket_url(server)?;
        let (socket, _) = tokio::time::timeout(
            ANSWER_TIMEOUT,
            tokio_tungstenite::connect_async(url.as_str()),
        )
        .await
        .map_err(|_| GatewayError::Timeout)?
        .map_err(|e| GatewayError::Connect(e.to_string()))?;
        let (mut write, mut read) = socket.split();
        let authenticate = ClientFrame::Authenticate {
            token: token.to_owned(),
        };
        write
            .send(Message::text(json(&authenticate)))
            .await
            .map_err(|e| GatewayError::Connect(e.to_string()))?;
        let (user_id, heartbeat) = tokio::time::timeout(ANSWER_TIMEOUT, async {
            while let Some(message) = read.next().await {
                let Ok(Message::Text(text)) = message else {
                    break;
                };
                match serde_json::from_str(&text) {
                    Ok(ServerFrame::Ready {
                        user,
                        heartbeat_interval_ms,
                    }) => return Ok((user.id, Duration::from_millis(heartbeat_interval_ms))),
                    Ok(ServerFrame::Error { code, message, .. }) => {
                        return Err(GatewayError::Rejected { code, message });
                    }
                    _ => {}
                }
            }
            Err(GatewayError::Closed)
        })
        .await
        .map_err(|_| GatewayError::Timeout)??;

        let (outgoing, mut queued) = mpsc::unbounded_channel::<ClientFrame>();
        let (events, received) = mpsc::unbounded_channel();
        let pending: Pending = Arc::default();
        let writer = tokio::spawn(async move {
            while let Some(frame) = queued.recv().await {
                if write.send(Message::text(json(&frame))).await.is_err() {
                    break;
                }
            }
            let _ = write.close().await;
        });
        let reader_pending = pending.clone();
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = read.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else {
                    tracing::debug!("voice: unreadable frame from the server");
                    continue;
                };
                if let Some((nonce, answer)) = answer_of(&frame) {
                    if let Some(waiting) = lock(&reader_pending).remove(&nonce) {
                        let _ = waiting.send(answer);
                    }
                    continue;
                }
                if events.send(frame).is_err() {
                    break;
                }
            }
            // Requests still waiting learn that no answer will come.
            lock(&reader_pending).clear();
        });
        let beat = outgoing.clone();
        let heartbeat = tokio::spawn(async move {
            let mut interval = tokio::time::interval(heartbeat);
            interval.tick().await;
            loop {
                interval.tick().await;
                if beat.send(ClientFrame::Ping).is_err() {
                    break;
                }
            }
        });
        let gateway = Gateway {
            outgoing,
            pending,
            user_id,
            tasks: vec![writer, reader, heartbeat],
        };
        Ok((gateway, received))
    }

    /// Who signed in.
    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    /// Sends a frame that needs no answer (negotiation messages).
    pub fn send(&self, frame: ClientFrame) {
        let _ = self.outgoing.send(frame);
    }

    /// A handle that sends frames from elsewhere (peer connections' callbacks).
    pub fn sender(&self) -> mpsc::UnboundedSender<ClientFrame> {
        self.outgoing.clone()
    }

    /// Sends the frame `make` builds around a fresh nonce and waits for its answer.
    pub async fn request(&self, make: impl FnOnce(String) -> ClientFrame) -> Answer {
        let nonce = Uuid::new_v4().to_string();
        let (answer, answered) = oneshot::channel();
        lock(&self.pending).insert(nonce.clone(), answer);
        self.outgoing
            .send(make(nonce.clone()))
            .map_err(|_| GatewayError::Closed)?;
        let result = tokio::time::timeout(ANSWER_TIMEOUT, answered).await;
        lock(&self.pending).remove(&nonce);
        match result {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => Err(GatewayError::Closed),
            Err(_) => Err(GatewayError::Timeout),
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// `ws(s)://host/ws` for an `http(s)://host` base.
fn websocket_url(server: &Url) -> Result<Url, GatewayError> {
    let mut url = server
        .join("/ws")
        .map_err(|e| GatewayError::Connect(e.to_string()))?;
    let scheme = match server.scheme() {
        "http" => "ws",
        "https" => "wss",
        other => return Err(GatewayError::Connect(format!("unsupported scheme {other}"))),
    };
    url.set_scheme(scheme)
        .map_err(|()| GatewayError::Connect("cannot build the WebSocket address".into()))?;
    Ok(url)
}

fn answer_of(frame: &ServerFrame) -> Option<(String, Answer)> {
    match frame {
        ServerFrame::Ack { nonce, call } => Some((nonce.clone(), Ok(call.clone()))),
        ServerFrame::Error {
            nonce: Some(nonce),
            code,
            message,
        } => Some((
            nonce.clone(),
            Err(GatewayError::Rejected {
                code: code.clone(),
                message: message.clone(),
            }),
        )),
        _ => None,
    }
}

fn json(frame: &ClientFrame) -> String {
    serde_json::to_string(frame).expect("frames serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_websocket_follows_the_servers_scheme() {
        let url = |s: &str| websocket_url(&Url::parse(s).unwrap()).map(|u| u.to_string());
        assert_eq!(
            url("http://127.0.0.1:8080").unwrap(),
            "ws://127.0.0.1:8080/ws"
        );
        assert_eq!(
            url("https://chat.example.com/").unwrap(),
            "wss://chat.example.com/ws"
        );
        assert!(url("ftp://example.com").is_err());
    }
}
