//! A small client for the Docker Engine API: the handful of calls an update needs,
//! over the Engine's Unix socket (or TCP), with JSON bodies kept as values so a
//! container is recreated with exactly the configuration the Engine reported.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// Engine API version: 1.44 (Docker Engine 25) creates a container on several
/// networks at once.
pub const API_VERSION: &str = "v1.44";

#[derive(Debug, Clone)]
enum Endpoint {
    Unix(PathBuf),
    Tcp(String),
}

#[derive(Debug, Clone)]
pub struct Engine {
    endpoint: Endpoint,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the Docker Engine is unreachable: {0}")]
    Unreachable(String),
    #[error("the Docker Engine refused {what}: {status} {message}")]
    Refused {
        what: String,
        status: u16,
        message: String,
    },
    #[error("the Docker Engine did not answer {0} in time")]
    Timeout(String),
    #[error("unexpected answer from the Docker Engine to {0}")]
    Unexpected(String),
}

impl EngineError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, EngineError::Refused { status: 404, .. })
    }
}

fn query(pairs: &[(&str, &str)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    q.finish()
}

fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Engine {
    /// `unix:///var/run/docker.sock` or `tcp://host:port`.
    pub fn new(docker_host: &str) -> Engine {
        let endpoint = match docker_host.strip_prefix("unix://") {
            Some(path) => Endpoint::Unix(PathBuf::from(path)),
            None => Endpoint::Tcp(docker_host.trim_start_matches("tcp://").to_owned()),
        };
        Engine { endpoint }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        registry_auth: Option<&str>,
        timeout: Duration,
    ) -> Result<(StatusCode, Bytes), EngineError> {
        let what = format!("{method} {path}");
        tokio::time::timeout(timeout, self.send(method, path, body, registry_auth))
            .await
            .map_err(|_| EngineError::Timeout(what))?
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        registry_auth: Option<&str>,
    ) -> Result<(StatusCode, Bytes), EngineError> {
        let unreachable = |e: &dyn std::fmt::Display| EngineError::Unreachable(e.to_string());
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/{API_VERSION}{path}"))
            .header(hyper::header::HOST, "docker");
        if let Some(auth) = registry_auth {
            request = request.header("X-Registry-Auth", auth);
        }
        let payload = match body {
            Some(body) => {
                request = request.header(hyper::header::CONTENT_TYPE, "application/json");
                Bytes::from(serde_json::to_vec(body).expect("JSON values serialize"))
            }
            None => Bytes::new(),
        };
        let request = request
            .body(Full::new(payload))
            .map_err(|e| unreachable(&e))?;
        // One connection per call: calls are few, and a long pull never holds up another.
        let response = match &self.endpoint {
            Endpoint::Unix(path) => {
                let stream = tokio::net::UnixStream::connect(path)
                    .await
                    .map_err(|e| EngineError::Unreachable(format!("{}: {e}", path.display())))?;
                exchange(TokioIo::new(stream), request).await?
            }
            Endpoint::Tcp(addr) => {
                let stream = tokio::net::TcpStream::connect(addr)
                    .await
                    .map_err(|e| EngineError::Unreachable(format!("{addr}: {e}")))?;
                exchange(TokioIo::new(stream), request).await?
            }
        };
        Ok(response)
    }

    /// A call whose success is a 2xx; the Engine's `message` otherwise.
    async fn expect_ok(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        timeout: Duration,
    ) -> Result<Bytes, EngineError> {
        let what = format!("{method} {path}");
        let (status, bytes) = self.call(method, path, body, None, timeout).await?;
        // 304: already started / already stopped, which is what was asked.
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            Ok(bytes)
        } else {
            Err(refused(what, status, &bytes))
        }
    }

    async fn json(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, EngineError> {
        let bytes = self.expect_ok(method, path, body, SHORT).await?;
        serde_json::from_slice(&bytes).map_err(|_| EngineError::Unexpected(path.to_owned()))
    }

    pub async fn inspect_container(&self, name: &str) -> Result<Value, EngineError> {
        self.json(
            Method::GET,
            &format!("/containers/{}/json", segment(name)),
            None,
        )
        .await
    }

    pub async fn inspect_image(&self, reference: &str) -> Result<Value, EngineError> {
        self.json(
            Method::GET,
            &format!("/images/{}/json", segment(reference)),
            None,
        )
        .await
    }

    /// Pulls `reference` (`repo@sha256:…`), with credentials when given. The Engine
    /// answers 200 and then reports errors inside its progress stream.
    pub async fn pull(
        &self,
        reference: &str,
        registry_auth: Option<&str>,
    ) -> Result<(), EngineError> {
        let path = format!("/images/create?{}", query(&[("fromImage", reference)]));
        let what = format!("the pull of {reference}");
        let (status, bytes) = self
            .call(Method::POST, &path, None, registry_auth, PULL)
            .await?;
        if !status.is_success() {
            return Err(refused(what, status, &bytes));
        }
        for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let Ok(event) = serde_json::from_slice::<Value>(line) else {
                continue;
            };
            let error = event
                .pointer("/errorDetail/message")
                .or_else(|| event.get("error"))
                .and_then(Value::as_str);
            if let Some(message) = error {
                return Err(EngineError::Refused {
                    what,
                    status: 200,
                    message: message.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Creates a container named `name` from a create body; returns its ID.
    pub async fn create_container(&self, name: &str, body: &Value) -> Result<String, EngineError> {
        let path = format!("/containers/create?{}", query(&[("name", name)]));
        let created = self.json(Method::POST, &path, Some(body)).await?;
        created["Id"]
            .as_str()
            .map(str::to_owned)
            .ok_or(EngineError::Unexpected(path))
    }

    pub async fn start(&self, id: &str) -> Result<(), EngineError> {
        self.expect_ok(
            Method::POST,
            &format!("/containers/{}/start", segment(id)),
            None,
            SHORT,
        )
        .await
        .map(drop)
    }

    /// Stops with `grace` for a clean shutdown before the Engine kills it.
    pub async fn stop(&self, id: &str, grace: Duration) -> Result<(), EngineError> {
        let path = format!(
            "/containers/{}/stop?{}",
            segment(id),
            query(&[("t", &grace.as_secs().to_string())])
        );
        self.expect_ok(Method::POST, &path, None, SHORT + grace)
            .await
            .map(drop)
    }

    pub async fn rename(&self, id: &str, new_name: &str) -> Result<(), EngineError> {
        let path = format!(
            "/containers/{}/rename?{}",
            segment(id),
            query(&[("name", new_name)])
        );
        self.expect_ok(Method::POST, &path, None, SHORT)
            .await
            .map(drop)
    }

    pub async fn remove(&self, id: &str) -> Result<(), EngineError> {
        let path = format!(
            "/containers/{}?{}",
            segment(id),
            query(&[("force", "true")])
        );
        self.expect_ok(Method::DELETE, &path, None, SHORT)
            .await
            .map(drop)
    }

    /// Waits for a container to exit; its exit code.
    pub async fn wait(&self, id: &str, timeout: Duration) -> Result<i64, EngineError> {
        let path = format!("/containers/{}/wait", segment(id));
        let bytes = self.expect_ok(Method::POST, &path, None, timeout).await?;
        let answer: Value =
            serde_json::from_slice(&bytes).map_err(|_| EngineError::Unexpected(path.clone()))?;
        answer["StatusCode"]
            .as_i64()
            .ok_or(EngineError::Unexpected(path))
    }
}

const SHORT: Duration = Duration::from_secs(60);
const PULL: Duration = Duration::from_secs(30 * 60);

fn refused(what: String, status: StatusCode, body: &[u8]) -> EngineError {
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_owned());
    EngineError::Refused {
        what,
        status: status.as_u16(),
        message,
    }
}

async fn exchange<IO>(
    io: IO,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), EngineError>
where
    IO: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| EngineError::Unreachable(e.to_string()))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| EngineError::Unreachable(e.to_string()))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| EngineError::Unreachable(e.to_string()))?
        .to_bytes();
    Ok((status, body))
}
