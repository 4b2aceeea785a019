//! A real OpenID provider for SSO tests: `tests/oidc-provider` (the `oidc-provider`
//! npm package) started on loopback per test, and a browser-like client that signs
//! in at it without a person (its dev login form accepts any name).
//!
//! Without Node.js or the provider's packages (`npm ci` in `tests/oidc-provider`)
//! SSO tests are skipped with a notice, except under `CI=true`, where they fail.

use std::path::PathBuf;
use std::process::Stdio;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::{Backend, Resp, TestServer, send};
use chatalot_server::config::{Config, OidcConfig, Secret};

pub const CLIENT_ID: &str = "chatalot";
pub const CLIENT_SECRET: &str = "chatalot-test-client-secret";
/// A second application registered at the same provider.
pub const OTHER_CLIENT_ID: &str = "other-app";
pub const OTHER_CLIENT_SECRET: &str = "other-app-secret";

/// How long the provider may take to print its issuer.
const PROVIDER_START: std::time::Duration = std::time::Duration::from_secs(30);

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/oidc-provider")
}

fn skip(reason: &str) -> Option<Provider> {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "SSO tests cannot run under CI=true: {reason}"
    );
    eprintln!("SKIPPED: SSO test, {reason} (run `npm ci` in tests/oidc-provider)");
    None
}

pub struct Provider {
    pub issuer: String,
    port: u16,
    clients: String,
    child: Child,
}

impl Provider {
    /// Starts the provider with the Chatalot client (calling back to
    /// `http://127.0.0.1:<server_port>`) and a second application.
    pub async fn start(server_port: u16) -> Option<Provider> {
        if !provider_dir().join("node_modules/oidc-provider").exists() {
            return skip("the provider's packages are not installed");
        }
        let clients = serde_json::json!([
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [format!("http://127.0.0.1:{server_port}/auth/oidc/callback")],
            },
            {
                "client_id": OTHER_CLIENT_ID,
                "client_secret": OTHER_CLIENT_SECRET,
                "redirect_uris": ["http://127.0.0.1:9/other/callback"],
            },
        ])
        .to_string();
        Provider::spawn(0, clients).await
    }

    async fn spawn(port: u16, clients: String) -> Option<Provider> {
        let child = Command::new("node")
            .arg(provider_dir().join("provider.mjs"))
            .env("OIDC_TEST_PORT", port.to_string())
            .env("OIDC_TEST_CLIENTS", &clients)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => return skip(&format!("node does not start: {e}")),
        };
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = async {
            loop {
                let line = lines
                    .next_line()
                    .await
                    .expect("provider output")
                    .expect("the provider prints its issuer before exiting");
                if let Ok(ready) = serde_json::from_str::<serde_json::Value>(&line)
                    && let Some(issuer) = ready["issuer"].as_str()
                {
                    break issuer.to_owned();
                }
            }
        };
        let issuer = tokio::time::timeout(PROVIDER_START, ready)
            .await
            .expect("the provider starts within 30 s");
        // Keep reading: a closed pipe would make the provider's next write fail.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let port = issuer.rsplit(':').next().unwrap().parse().unwrap();
        Some(Provider {
            issuer,
            port,
            clients,
            child,
        })
    }

    /// Stops the provider and starts it again on the same port: it signs with a
    /// new key from now on (a key rotation).
    pub async fn restart(self) -> Provider {
        let Provider {
            port,
            clients,
            mut child,
            ..
        } = self;
        child.kill().await.expect("stop the provider");
        Provider::spawn(port, clients)
            .await
            .expect("the provider starts again")
    }
}

/// A free loopback port for a server that must be known before it starts (the
/// provider needs its callback address).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn oidc_config(issuer: &str, server_port: u16) -> OidcConfig {
    OidcConfig {
        issuer_url: issuer.parse().unwrap(),
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET.into()),
        redirect_uri: Some(
            format!("http://127.0.0.1:{server_port}/auth/oidc/callback")
                .parse()
                .unwrap(),
        ),
        disable_password_login: false,
    }
}

/// A server with SSO at a fresh provider; discovery has finished when it returns.
pub async fn sso_server(
    backend: Backend,
    adjust: impl FnOnce(&mut Config),
) -> Option<(TestServer, Provider)> {
    let port = free_port();
    let provider = Provider::start(port).await?;
    let issuer = provider.issuer.clone();
    let server = TestServer::start_with(backend, |c| {
        c.listen_addr = format!("127.0.0.1:{port}").parse().unwrap();
        c.oidc = Some(oidc_config(&issuer, port));
        adjust(c);
    })
    .await?;
    server
        .core
        .sso
        .discover()
        .await
        .expect("discovery at the test provider");
    Some((server, provider))
}

/// A browser: keeps cookies, follows no redirects (each hop is checked).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(super::REQUEST_TIMEOUT)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get(LOCATION)
        .unwrap_or_else(|| panic!("a redirect from {}: {}", resp.url(), resp.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

fn absolute(base: &reqwest::Url, location: &str) -> String {
    base.join(location).unwrap().to_string()
}

/// `GET /api/auth/oidc/start`: the provider's authorization URL.
pub async fn start(s: &TestServer, browser: &reqwest::Client, invite: Option<&str>) -> String {
    let mut url = s.url("/api/auth/oidc/start");
    if let Some(code) = invite {
        url = format!("{url}?invite_code={code}");
    }
    let resp = browser.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "start redirects");
    location(&resp)
}

/// Signs in as `login` at the provider from its authorization URL (unless this
/// browser has a session there already); returns the callback URL it redirects to
/// (with `code` and `state`).
pub async fn sign_in_at_provider(
    browser: &reqwest::Client,
    authorization_url: &str,
    login: &str,
) -> String {
    let provider = reqwest::Url::parse(authorization_url).unwrap().origin();
    let mut next = authorization_url.to_owned();
    let mut logged_in = false;
    for _ in 0..8 {
        if reqwest::Url::parse(&next).unwrap().origin() != provider {
            return next;
        }
        let resp = if next.contains("/interaction/") && !logged_in {
            logged_in = true;
            browser
                .post(&next)
                .form(&[("prompt", "login"), ("login", login), ("password", "x")])
                .send()
                .await
                .unwrap()
        } else {
            browser.get(&next).send().await.unwrap()
        };
        let url = resp.url().clone();
        if resp.status() != StatusCode::SEE_OTHER {
            panic!(
                "provider step {next}: {} {}",
                resp.status(),
                resp.text().await.unwrap_or_default()
            );
        }
        next = absolute(&url, &location(&resp));
    }
    panic!("the provider did not redirect back: {next}");
}

/// Sends the browser to the server's callback.
pub async fn callback(browser: &reqwest::Client, url: &str) -> Resp {
    send(browser.get(url)).await
}

/// The ticket in the callback's redirect to `/sso#ticket=…`.
#[track_caller]
pub fn ticket(resp: &Resp) -> String {
    assert_eq!(
        resp.status,
        StatusCode::SEE_OTHER,
        "callback: {}",
        resp.text
    );
    let to = resp.headers[LOCATION].to_str().unwrap();
    to.strip_prefix("/sso#ticket=")
        .unwrap_or_else(|| panic!("redirect to the client: {to}"))
        .to_owned()
}

/// The whole flow for `login`: start, provider, callback, exchange. Returns the
/// exchange's answer.
pub async fn sso_login(s: &TestServer, login: &str, invite: Option<&str>) -> Resp {
    let browser = browser();
    let authorization = start(s, &browser, invite).await;
    let back = sign_in_at_provider(&browser, &authorization, login).await;
    let resp = callback(&browser, &back).await;
    if resp.status != StatusCode::SEE_OTHER {
        return resp;
    }
    exchange(s, &ticket(&resp)).await
}

pub async fn exchange(s: &TestServer, ticket: &str) -> Resp {
    s.post(
        "/api/auth/oidc/exchange",
        None,
        &serde_json::json!({ "ticket": ticket }),
    )
    .await
}

/// Replaces one query parameter of a URL.
pub fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut url = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

pub fn param(url: &str, name: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("{name} in {url}"))
        .1
        .into_owned()
}
