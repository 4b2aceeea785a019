//! WebSocket clients of the load generator.

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
pub type Sink = SplitSink<Socket, Message>;
pub type Stream = SplitStream<Socket>;

/// Connects, authenticates and waits for `ready`.
pub async fn connect(url: &str, token: &str) -> anyhow::Result<(Sink, Stream)> {
    // Small buffers: a thousand clients live in this process too.
    let config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .write_buffer_size(0);
    // Each client comes "through the proxy" from its own address, so the per-IP
    // limit on opening connections does not cap the bench.
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("x-forwarded-for", crate::scenarios::random_ip().parse()?);
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(request, Some(config), true).await?;
    let auth = serde_json::json!({"type": "authenticate", "token": token}).to_string();
    socket.send(Message::text(auth)).await?;
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) if text.contains("\"type\":\"ready\"") => break,
            Some(Ok(Message::Close(frame))) => {
                anyhow::bail!("closed during authentication: {frame:?}")
            }
            Some(Ok(_)) => continue,
            Some(Err(err)) => return Err(err.into()),
            None => anyhow::bail!("closed during authentication"),
        }
    }
    Ok(socket.split())
}

/// Connects every account, 100 at a time; the sockets in the accounts' order.
pub async fn connect_all(
    url: &str,
    accounts: &[crate::env::Account],
) -> anyhow::Result<Vec<(Sink, Stream)>> {
    let mut sockets = Vec::with_capacity(accounts.len());
    for chunk in accounts.chunks(100) {
        let connects = chunk.iter().map(|a| connect(url, &a.token));
        for result in futures_util::future::join_all(connects).await {
            sockets.push(result?);
        }
    }
    Ok(sockets)
}

/// Bench message bodies are this long, like a short chat line.
pub const BODY_BYTES: usize = 100;

/// A bench message's body: `bench <sequence> <send time in µs> ` padded to
/// [`BODY_BYTES`].
pub fn bench_content(seq: u64, sent_micros: u64) -> String {
    let mut body = format!("bench {seq} {sent_micros} ");
    let pad = BODY_BYTES.saturating_sub(body.len());
    body.extend(std::iter::repeat_n('x', pad));
    body
}

/// The sequence and send time in a bench message's body.
pub fn parse_bench(content: &str) -> Option<(u64, u64)> {
    let mut parts = content.strip_prefix("bench ")?.split(' ');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A frame as a client reads it: parsed whole.
pub fn parse_frame(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text).ok()
}
