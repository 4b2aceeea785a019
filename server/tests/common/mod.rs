//! Test harness: a real server on `127.0.0.1:0` over a fresh database per test,
//! on SQLite or PostgreSQL, and request helpers.
//!
//! PostgreSQL tests use `TEST_DATABASE_URL` (a server URL whose user may create
//! databases, e.g. `postgres://postgres@127.0.0.1:5432/postgres`). Without it they
//! are skipped with a message, except under `CI=true`, where they fail.

#![allow(dead_code)]

pub mod coturn;
pub mod db;
pub mod oidc;
pub mod push_service;
pub mod smtp;
pub mod watchdog;
pub mod ws;

use std::sync::Arc;

use chatalot_server::auth::keys::{generate_ed25519_pem, generate_hex_key};
use chatalot_server::config::{
    CommunityCreationMode, Config, JwtKeyPair, PasswordParams, RateLimit, RegistrationMode, Secret,
};
use chatalot_server::domain::Bootstrap;
use chatalot_server::{Server, api};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use db::{Backend, TestDb};

/// A running server and what a test needs to talk to it.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub config: Config,
    pub bootstrap: Bootstrap,
    pub db: Arc<TestDb>,
    /// The running server's domain handle (to look at live connections).
    pub core: chatalot_server::domain::Core,
    /// The uploaded files' folder, removed with the server.
    pub files_dir: Arc<tempfile::TempDir>,
    running: Option<(oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>)>,
    /// Ends the test process, naming the test, if it outlives its deadline.
    _watchdog: watchdog::Watchdog,
}

/// A response: status, headers and the JSON body (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// Asserts the status, showing the body on failure.
    #[track_caller]
    pub fn expect(self, status: StatusCode) -> Resp {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts a JSON error with this status and code.
    #[track_caller]
    pub fn expect_error(self, status: StatusCode, code: &str) -> Resp {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.code(),
            code,
            "unexpected error code; body: {}",
            self.text
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "error has a message: {}",
            self.text
        );
        self
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("body does not parse ({e}): {}", self.text))
    }
}

/// How long one request may take before the test fails instead of waiting on.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The tests' HTTP client: a request that never gets an answer fails the test.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("an HTTP client")
}

/// A configuration for tests: cheap password hashing, rate limits out of the way,
/// fresh keys, open registration.
pub fn test_config(database_url: String) -> Config {
    let (private_pem, public_pem) = generate_ed25519_pem();
    let totp: [u8; 32] = hex::decode(generate_hex_key()).unwrap().try_into().unwrap();
    let jwt = JwtKeyPair {
        private_pem: Secret::new(private_pem),
        public_pem,
    };
    let mut config = Config::new(database_url, jwt, totp);
    config.listen_addr = "127.0.0.1:0".parse().unwrap();
    config.static_files_path = std::path::PathBuf::from("/nonexistent-static-dir");
    config.registration_mode = RegistrationMode::Open;
    config.tuning.password_hashing = PasswordParams {
        memory_kib: 64,
        iterations: 1,
        lanes: 1,
    };
    let generous = RateLimit {
        per_second: 100_000,
        burst: 100_000,
    };
    config.tuning.rate_limits.general = generous;
    config.tuning.rate_limits.auth = generous;
    config
}

impl TestServer {
    /// A server with the test defaults; `None` when this backend is skipped.
    pub async fn start(backend: Backend) -> Option<TestServer> {
        TestServer::start_with(backend, |_| {}).await
    }

    /// A server whose test configuration `adjust` may change first.
    pub async fn start_with(
        backend: Backend,
        adjust: impl FnOnce(&mut Config),
    ) -> Option<TestServer> {
        let db = Arc::new(TestDb::create(backend).await?);
        let files_dir = Arc::new(tempfile::tempdir().expect("a folder for files"));
        let mut config = test_config(db.url.clone());
        config.files.storage_path = files_dir.path().to_path_buf();
        adjust(&mut config);
        Some(TestServer::launch(config, db, files_dir).await)
    }

    async fn launch(
        config: Config,
        db: Arc<TestDb>,
        files_dir: Arc<tempfile::TempDir>,
    ) -> TestServer {
        let listener = TcpListener::bind(config.listen_addr)
            .await
            .expect("bind test port");
        let server = Server::start(config.clone(), listener)
            .await
            .expect("server starts");
        let base = format!("http://{}", server.local_addr().unwrap());
        let bootstrap = server.bootstrap().clone();
        let core = server.core().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        TestServer {
            base,
            client: http_client(),
            config,
            bootstrap,
            db,
            core,
            files_dir,
            running: Some((stop, handle)),
            _watchdog: watchdog::Watchdog::start(),
        }
    }

    /// Stops gracefully and waits for the server to finish.
    pub async fn stop(&mut self) {
        if let Some((stop, handle)) = self.running.take() {
            let _ = stop.send(());
            handle
                .await
                .expect("server task")
                .expect("server stops cleanly");
        }
    }

    /// Stops, then starts a new server on the same database with a changed config.
    pub async fn restart_with(mut self, adjust: impl FnOnce(&mut Config)) -> TestServer {
        self.stop().await;
        let mut config = self.config.clone();
        adjust(&mut config);
        TestServer::launch(config, self.db.clone(), self.files_dir.clone()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request with an optional JSON body and bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Resp {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        send(request).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn register_raw(&self, username: &str, password: &str, invite: Option<&str>) -> Resp {
        let mut body = json!({ "username": username, "password": password });
        if let Some(code) = invite {
            body["invite_code"] = json!(code);
        }
        self.post("/api/auth/register", None, &body).await
    }

    /// Registers and returns the signed-in account.
    pub async fn register(
        &self,
        username: &str,
        password: &str,
        invite: Option<&str>,
    ) -> api::AuthResponse {
        self.register_raw(username, password, invite)
            .await
            .expect(StatusCode::CREATED)
            .json()
    }

    pub async fn login_raw(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/api/auth/login",
            None,
            &json!({ "username": username, "password": password }),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> api::AuthResponse {
        self.login_raw(username, password)
            .await
            .expect(StatusCode::OK)
            .json()
    }

    /// The owner account of a fresh instance (setup code when needed).
    pub async fn owner(&self) -> api::AuthResponse {
        self.register(
            "owner",
            "owner-password",
            self.bootstrap.setup_code.as_deref(),
        )
        .await
    }
}

pub async fn send(request: reqwest::RequestBuilder) -> Resp {
    let response = request.send().await.expect("request reaches the server");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("response body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
        text,
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.running.take() {
            let _ = stop.send(());
            handle.abort();
        }
    }
}

/// A JSON body from any serializable value.
pub fn body<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// A small PNG of this size.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 13) as u8, 99])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Stored objects in the files folder (not counting unfinished uploads).
pub fn stored_objects(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for shard in std::fs::read_dir(dir).unwrap().flatten() {
        if shard.path().is_dir() && shard.file_name() != "tmp" {
            for entry in std::fs::read_dir(shard.path()).unwrap().flatten() {
                found.push(format!(
                    "{}/{}",
                    shard.file_name().to_string_lossy(),
                    entry.file_name().to_string_lossy()
                ));
            }
        }
    }
    found.sort();
    found
}

/// Sends a file as a multipart part named `file` with this method.
pub async fn send_file(
    s: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Resp {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    send(
        s.client
            .request(method, s.url(path))
            .bearer_auth(token)
            .multipart(form),
    )
    .await
}

/// What [`TestServer::team`] made.
pub struct Team {
    pub community: uuid::Uuid,
    pub group: uuid::Uuid,
    pub channel: uuid::Uuid,
}

/// Test-side helpers for the community API.
impl TestServer {
    /// Registers a user (open registration) and returns (user id, access token).
    pub async fn user(&self, name: &str) -> (uuid::Uuid, String) {
        let auth = self.register(name, &format!("{name}-password"), None).await;
        (auth.user.id, auth.tokens.access_token)
    }

    /// Creates a community and returns its ID.
    pub async fn community(&self, token: &str, body: Value) -> uuid::Uuid {
        let resp = self
            .post("/api/communities", Some(token), &body)
            .await
            .expect(StatusCode::CREATED);
        resp.body["id"].as_str().unwrap().parse().unwrap()
    }

    /// Creates an invite in a community and returns its code.
    pub async fn community_invite(&self, token: &str, community: uuid::Uuid) -> String {
        let path = format!("/api/communities/{community}/invites");
        let resp = self
            .post(&path, Some(token), &json!({}))
            .await
            .expect(StatusCode::CREATED);
        resp.body["code"].as_str().unwrap().to_owned()
    }

    pub async fn accept(&self, token: &str, code: &str) -> Resp {
        self.post(
            &format!("/api/invites/{code}/accept"),
            Some(token),
            &json!({}),
        )
        .await
    }

    pub async fn set_role(&self, token: &str, community: uuid::Uuid, user: uuid::Uuid, role: &str) {
        let path = format!("/api/communities/{community}/members/{user}");
        self.call(
            Method::PATCH,
            &path,
            Some(token),
            Some(&json!({ "role": role })),
        )
        .await
        .expect(StatusCode::OK);
    }

    /// Creates a group and returns its ID.
    pub async fn group(&self, token: &str, community: uuid::Uuid, body: Value) -> uuid::Uuid {
        let path = format!("/api/communities/{community}/groups");
        let resp = self
            .post(&path, Some(token), &body)
            .await
            .expect(StatusCode::CREATED);
        resp.body["id"].as_str().unwrap().parse().unwrap()
    }

    /// Creates a channel and returns its ID.
    pub async fn channel(&self, token: &str, group: uuid::Uuid, body: Value) -> uuid::Uuid {
        let path = format!("/api/groups/{group}/channels");
        let resp = self
            .post(&path, Some(token), &body)
            .await
            .expect(StatusCode::CREATED);
        resp.body["id"].as_str().unwrap().parse().unwrap()
    }

    /// Posts a message and returns it (as the API answered, 201).
    pub async fn message(
        &self,
        token: &str,
        channel: impl std::fmt::Display,
        body: Value,
    ) -> Value {
        self.post(
            &format!("/api/channels/{channel}/messages"),
            Some(token),
            &body,
        )
        .await
        .expect(StatusCode::CREATED)
        .body
    }

    /// A community named `name` with one group and one channel, made by `owner`;
    /// every token of `members` joined it by invite.
    pub async fn team(&self, owner: &str, name: &str, members: &[&str]) -> Team {
        let community = self.community(owner, json!({ "name": name })).await;
        let group = self.group(owner, community, json!({"name": "G"})).await;
        let channel = self.channel(owner, group, json!({"name": "general"})).await;
        let code = self.community_invite(owner, community).await;
        for member in members {
            self.accept(member, &code).await.expect(StatusCode::OK);
        }
        Team {
            community,
            group,
            channel,
        }
    }

    /// A server where anyone may create communities and nobody's messages are rate
    /// limited, for tests that post a lot.
    pub async fn start_for_messages(backend: Backend) -> Option<TestServer> {
        TestServer::start_with(backend, |c| {
            c.community_creation_mode = CommunityCreationMode::Anyone;
            c.tuning.message_rate = RateLimit {
                per_second: 10_000,
                burst: 10_000,
            };
        })
        .await
    }
}

/// coturn's REST-API password for `username`: base64 of HMAC-SHA1 keyed with the
/// shared secret, computed here independently of the server.
pub fn coturn_credential(secret: &str, username: &str) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
