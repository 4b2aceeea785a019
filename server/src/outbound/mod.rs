//! The one HTTP client for fetches the server makes on behalf of users (link
//! previews and their images). Every hop — the first URL and each redirect — may
//! reach public addresses only, checked after resolution on the address actually
//! dialled; bodies are capped and the whole fetch has one deadline.

mod address;
mod resolver;

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderValue};
use url::{Host, Url};

pub use address::{AddressPolicy, is_public};
pub use resolver::{RefusedName, Resolver};

/// How far an outbound fetch may go.
#[derive(Debug, Clone)]
pub struct OutboundLimits {
    /// The whole fetch, redirects and body included.
    pub deadline: Duration,
    pub connect_timeout: Duration,
    pub max_redirects: usize,
    pub policy: AddressPolicy,
    pub resolver: Resolver,
}

impl Default for OutboundLimits {
    fn default() -> Self {
        OutboundLimits {
            deadline: Duration::from_secs(8),
            connect_timeout: Duration::from_secs(4),
            max_redirects: 5,
            policy: AddressPolicy::default(),
            resolver: Resolver::System,
        }
    }
}

/// What a fetch accepts.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    /// Content types accepted (exact media types, compared without parameters).
    pub types: &'static [&'static str],
    pub max_bytes: usize,
    /// Keep the first `max_bytes` of a larger body instead of failing.
    pub truncate: bool,
}

#[derive(Debug)]
pub struct Fetched {
    /// Where the body came from, after redirects.
    pub url: Url,
    /// The media type, lowercase, without parameters.
    pub content_type: String,
    pub body: Bytes,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("only http and https URLs without credentials are fetched")]
    BadUrl,
    #[error("the address is not public: {0}")]
    Refused(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("the answer was HTTP {0}")]
    Status(u16),
    #[error("the content type {0:?} is not wanted")]
    Unwanted(String),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("no answer in time")]
    TimedOut,
    #[error("network error: {0}")]
    Network(String),
}

#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    limits: Arc<OutboundLimits>,
}

impl Outbound {
    pub fn new(limits: OutboundLimits) -> anyhow::Result<Outbound> {
        let guarded = resolver::Guarded {
            resolver: limits.resolver.clone(),
            policy: Arc::new(limits.policy.clone()),
        };
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(guarded))
            // Redirects are followed here, one checked hop at a time.
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would dial on our behalf and bypass the address check.
            .no_proxy()
            .connect_timeout(limits.connect_timeout)
            .user_agent(concat!(
                "Mozilla/5.0 (compatible; Chatalot/",
                env!("CARGO_PKG_VERSION"),
                "; link preview)"
            ))
            .build()?;
        Ok(Outbound {
            client,
            limits: Arc::new(limits),
        })
    }

    /// GETs `url` under the limits; the body is of a wanted type and size.
    pub async fn fetch(&self, url: &Url, want: Want) -> Result<Fetched, FetchError> {
        tokio::time::timeout(self.limits.deadline, self.follow(url.clone(), want))
            .await
            .unwrap_or(Err(FetchError::TimedOut))
    }

    async fn follow(&self, mut url: Url, want: Want) -> Result<Fetched, FetchError> {
        for _ in 0..=self.limits.max_redirects {
            self.check_url(&url)?;
            let response = self
                .client
                .get(url.clone())
                .header(header::ACCEPT, accept_header(want))
                .send()
                .await
                .map_err(classify)?;
            let status = response.status();
            if status.is_redirection() {
                let next = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| url.join(l).ok())
                    .ok_or(FetchError::Status(status.as_u16()))?;
                url = next;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16()));
            }
            let content_type = media_type(response.headers().get(header::CONTENT_TYPE));
            if !want.types.contains(&content_type.as_str()) {
                return Err(FetchError::Unwanted(content_type));
            }
            let body = read_capped(response, want).await?;
            return Ok(Fetched {
                url,
                content_type,
                body,
            });
        }
        Err(FetchError::TooManyRedirects(self.limits.max_redirects))
    }

    /// POSTs `body` to `url` (no redirects followed) under the same address rules and
    /// deadline; returns the answer's status.
    pub async fn post(
        &self,
        url: &Url,
        headers: header::HeaderMap,
        body: Vec<u8>,
    ) -> Result<u16, FetchError> {
        self.check_url(url)?;
        let send = self
            .client
            .post(url.clone())
            .headers(headers)
            .body(body)
            .send();
        let response = match tokio::time::timeout(self.limits.deadline, send).await {
            Ok(sent) => sent.map_err(classify)?,
            Err(_) => return Err(FetchError::TimedOut),
        };
        Ok(response.status().as_u16())
    }

    /// Scheme and credentials; an address written in the URL is checked here (the
    /// resolver sees names only).
    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https")
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(FetchError::BadUrl);
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => ip.into(),
            Some(Host::Ipv6(ip)) => ip.into(),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(FetchError::BadUrl),
        };
        if self.limits.policy.permits(ip) {
            Ok(())
        } else {
            Err(FetchError::Refused(ip.to_string()))
        }
    }
}

fn accept_header(want: Want) -> HeaderValue {
    HeaderValue::from_str(&want.types.join(", ")).unwrap_or(HeaderValue::from_static("*/*"))
}

fn media_type(value: Option<&HeaderValue>) -> String {
    value
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

async fn read_capped(mut response: reqwest::Response, want: Want) -> Result<Bytes, FetchError> {
    let declared = response.content_length().unwrap_or(0);
    if !want.truncate && declared > want.max_bytes as u64 {
        return Err(FetchError::TooLarge(want.max_bytes));
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        let room = want.max_bytes - body.len();
        if chunk.len() > room {
            if want.truncate {
                body.extend_from_slice(&chunk[..room]);
                break;
            }
            return Err(FetchError::TooLarge(want.max_bytes));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A refusal by the resolver arrives wrapped in the client's error.
fn classify(error: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<RefusedName>() {
            return FetchError::Refused(refused.host.clone());
        }
        source = e.source();
    }
    if error.is_timeout() {
        FetchError::TimedOut
    } else {
        FetchError::Network(error.without_url().to_string())
    }
}
