//! The deployment the update tests start from: the server at 0.1.0 as Compose
//! made it, a release feed offering 0.2.0, and the shared updater token.
//! (Also used by the server's own tests, which include this folder by path.)

use serde_json::json;

use std::time::Duration;

use chatalot_updater::config::Config;
use chatalot_updater::registry_auth::RegistryAuth;

use super::engine::{Engine, StandIn};

pub const OLD_ID: &str = "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";
pub const NEW_DIGEST: &str =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";
pub const TOKEN: &str = "updater-token-0123456789abcdef0123456789";

pub fn new_reference() -> String {
    format!("ghcr.io/chatalot/chatalot@{NEW_DIGEST}")
}

/// An Engine with the server running version 0.1.0 as Compose made it.
pub fn engine() -> Engine {
    let mut e = Engine::default();
    e.add_image("sha256:old", "ghcr.io/chatalot/chatalot:0.1.0", "0.1.0");
    e.add_container(
        OLD_ID,
        "chatalot",
        "sha256:old",
        json!({
            "Env": ["DATABASE_URL=postgres://chatalot:pw@postgres:5432/chatalot", "PUBLIC_URL=https://chat.example.com"],
            "Labels": {"com.docker.compose.project": "chatalot", "com.docker.compose.service": "chatalot"}
        }),
        json!({
            "Binds": ["chatalot_data:/app/data:rw"],
            "PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]},
            "RestartPolicy": {"Name": "unless-stopped"},
            "NetworkMode": "chatalot_default"
        }),
        json!({"chatalot_default": {"Aliases": ["chatalot"]}}),
    );
    e.registry
        .insert(new_reference(), ("sha256:new".into(), "0.2.0".into()));
    e
}

/// Serves a release feed on loopback; its URL.
pub async fn feed() -> url::Url {
    let body = json!({"releases": [
        {"version": "0.1.0", "image": "ghcr.io/chatalot/chatalot", "digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000"},
        {"version": "0.2.0", "image": "ghcr.io/chatalot/chatalot", "digest": NEW_DIGEST, "notes": "Faster."}
    ]});
    let app = axum::Router::new().route(
        "/feed.json",
        axum::routing::get(move || async move { axum::Json(body) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/feed.json").parse().unwrap()
}

/// The updater's configuration for tests: the stand-in Engine, the fixture's feed,
/// and a fast health poll.
pub async fn updater_config(stand_in: &StandIn, registry_auth: Option<RegistryAuth>) -> Config {
    Config {
        listen_addr: "127.0.0.1:0".parse().unwrap(),
        token: TOKEN.into(),
        container: "chatalot".into(),
        feed_url: Some(feed().await),
        backup_dir: "/app/data/backups".into(),
        docker_host: stand_in.docker_host(),
        registry_auth,
        health_timeout: Duration::from_secs(30),
        health_poll: Duration::from_millis(5),
        check_interval: Duration::from_secs(3600),
    }
}
