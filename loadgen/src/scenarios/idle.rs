//! Idle connections: server memory per authenticated connection, and after they leave.

use std::time::Duration;

use serde_json::{Value, json};

use crate::client;
use crate::env::Target;
use crate::metrics::rss_bytes;

pub async fn run(target: &Target<'_>, connections: usize) -> anyhow::Result<Value> {
    eprintln!("idle: {connections} connections");
    // A first connection and a short pause let lazy start-up allocations settle.
    let warm = client::connect(target.ws_url, &target.accounts[0].token).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_bytes(target.pid);

    // Two rounds: memory after the second matching the first shows that nothing
    // kept from a round (caches, buffers, maps) grows with each new crowd.
    let mut rounds = Vec::new();
    for _ in 0..2 {
        rounds.push(round(target, connections).await?);
    }
    drop(warm);
    let (connect_secs, during, after) = rounds[0];
    let (_, during_again, after_again) = rounds[1];

    let per_connection = during.saturating_sub(before) as f64 / connections as f64;
    let result = json!({
        "scenario": "idle",
        "backend": target.backend_name,
        "target": target.name,
        "connections": connections,
        "connect_s": connect_secs,
        "rss_before_mib": before as f64 / 1048576.0,
        "rss_connected_mib": during as f64 / 1048576.0,
        "rss_after_close_mib": after as f64 / 1048576.0,
        "rss_connected_again_mib": during_again as f64 / 1048576.0,
        "rss_after_second_close_mib": after_again as f64 / 1048576.0,
        "bytes_per_connection": per_connection,
        "kib_per_connection": per_connection / 1024.0,
    });
    eprintln!("{}", serde_json::to_string_pretty(&result)?);
    Ok(result)
}

/// Opens `connections` sockets, then closes them: (seconds to connect, RSS while
/// connected, RSS after they closed).
async fn round(target: &Target<'_>, connections: usize) -> anyhow::Result<(f64, u64, u64)> {
    let mut sockets = Vec::with_capacity(connections);
    let started = std::time::Instant::now();
    let per_user = connections.div_ceil(target.accounts.len());
    let tokens: Vec<&str> = target
        .accounts
        .iter()
        .flat_map(|a| std::iter::repeat_n(a.token.as_str(), per_user))
        .take(connections)
        .collect();
    for chunk in tokens.chunks(200) {
        let connects = chunk.iter().map(|t| client::connect(target.ws_url, t));
        for result in futures_util::future::join_all(connects).await {
            sockets.push(result?);
        }
    }
    let connect_secs = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during = rss_bytes(target.pid);

    drop(sockets);
    // Give the server a moment to notice the closed sockets and free them.
    tokio::time::sleep(Duration::from_secs(5)).await;
    Ok((connect_secs, during, rss_bytes(target.pid)))
}
