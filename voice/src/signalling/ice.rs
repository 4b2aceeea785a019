//! ICE servers for a call from `GET /api/account/turn-credentials`: STUN, or TURN
//! with a short-lived credential that must be fetched again before it expires.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub credential: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IceConfig {
    pub ice_servers: Vec<IceServer>,
    /// When the TURN credential stops working.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

impl IceConfig {
    /// Whether a TURN relay is among the servers.
    pub fn has_relay(&self) -> bool {
        self.ice_servers
            .iter()
            .flat_map(|server| &server.urls)
            .any(|url| url.starts_with("turn:") || url.starts_with("turns:"))
    }
}

pub async fn fetch_ice_config(
    http: &reqwest::Client,
    server: &Url,
    token: &str,
) -> Result<IceConfig, reqwest::Error> {
    let url = server
        .join("/api/account/turn-credentials")
        .expect("a fixed path joins any base");
    http.get(url)
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}
