//! The updater sidecar's internal API (`chatalot-updater`, docker/): status, check,
//! apply, with the shared bearer token. It runs on the Compose network, so it is
//! called directly, not through the public-only outbound client.

use std::time::Duration;

use serde::Deserialize;

use crate::api::{ReleaseView, UpdateJobView};
use crate::config::UpdaterConfig;

#[derive(Clone)]
pub struct UpdaterClient {
    http: reqwest::Client,
    config: UpdaterConfig,
}

/// The sidecar's `/v1/status` answer; its releases and jobs have the API's shape.
#[derive(Debug, Clone, Deserialize)]
pub struct UpdaterStatus {
    pub feed_configured: bool,
    pub checked_at: Option<String>,
    pub check_error: Option<String>,
    pub available: Vec<ReleaseView>,
    pub job: Option<UpdateJobView>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpdaterError {
    #[error("the updater does not answer (is the `updater` compose profile running?): {0}")]
    Unreachable(String),
    #[error("the updater refused the token (UPDATER_TOKEN differs from its own)")]
    Unauthorized,
    #[error("an update is already running")]
    Busy,
    #[error("{0}")]
    UnknownVersion(String),
    #[error("the updater answered HTTP {0}")]
    Status(u16),
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

impl UpdaterClient {
    pub fn new(config: UpdaterConfig) -> anyhow::Result<UpdaterClient> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .no_proxy()
            .user_agent(concat!("Chatalot/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(UpdaterClient { http, config })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.url.as_str().trim_end_matches('/'))
    }

    /// Sends with the token; a 2xx response, or the error its status means.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<reqwest::Response, UpdaterError> {
        let response = request
            .bearer_auth(self.config.token.expose())
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| UpdaterError::Unreachable(e.without_url().to_string()))?;
        match response.status().as_u16() {
            200..=299 => Ok(response),
            401 => Err(UpdaterError::Unauthorized),
            409 => Err(UpdaterError::Busy),
            404 => {
                let body: Option<ErrorBody> = response.json().await.ok();
                Err(UpdaterError::UnknownVersion(body.map_or_else(
                    || "no such version".to_owned(),
                    |b| b.message,
                )))
            }
            status => Err(UpdaterError::Status(status)),
        }
    }

    async fn call(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<UpdaterStatus, UpdaterError> {
        self.send(request, timeout)
            .await?
            .json()
            .await
            .map_err(|e| UpdaterError::Unreachable(e.without_url().to_string()))
    }

    pub async fn status(&self) -> Result<UpdaterStatus, UpdaterError> {
        self.call(
            self.http.get(self.url("/v1/status")),
            Duration::from_secs(5),
        )
        .await
    }

    /// Asks the updater to read the running version and the feed again.
    pub async fn check(&self) -> Result<UpdaterStatus, UpdaterError> {
        self.call(
            self.http.post(self.url("/v1/check")),
            Duration::from_secs(40),
        )
        .await
    }

    /// Starts an update; the status is read afterwards.
    pub async fn apply(&self, version: &str) -> Result<(), UpdaterError> {
        let request = self
            .http
            .post(self.url("/v1/apply"))
            .json(&serde_json::json!({ "version": version }));
        self.send(request, Duration::from_secs(10)).await.map(drop)
    }
}
