//! Clients of the outside services the server talks to with its own credentials
//! (Giphy for GIF search, GitHub for feedback issues). Their keys never leave the
//! server; their base URLs are configurable so tests run against local stand-ins
//! that answer like the documented APIs.

pub mod giphy;
pub mod github;
pub mod updater;

use std::time::Duration;

/// One try per request: these answer people who wait for them.
const TIMEOUT: Duration = Duration::from_secs(8);

fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(4))
        .user_agent(concat!("Chatalot/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("the service answered HTTP {status}: {message}")]
    Status { status: u16, message: String },
    #[error("the service did not answer: {0}")]
    Unreachable(String),
    #[error("the service's answer was not understood: {0}")]
    Malformed(String),
}

async fn read_json<T: serde::de::DeserializeOwned>(
    response: reqwest::Result<reqwest::Response>,
) -> Result<T, ServiceError> {
    let response = response.map_err(|e| ServiceError::Unreachable(e.without_url().to_string()))?;
    let status = response.status();
    if !status.is_success() {
        let message = response.text().await.unwrap_or_default();
        return Err(ServiceError::Status {
            status: status.as_u16(),
            message: message.chars().take(300).collect(),
        });
    }
    response
        .json()
        .await
        .map_err(|e| ServiceError::Malformed(e.without_url().to_string()))
}
