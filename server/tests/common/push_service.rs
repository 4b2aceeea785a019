//! A real web push endpoint on loopback: `tests/push/receiver.py`, which checks the
//! VAPID JWT (ES256, `aud` with the port, `exp`, `sub`) and decrypts the RFC 8291
//! `aes128gcm` body with the subscription's keys, as a browser's push service and
//! the browser would; the test scripts its answers (201, 410, 503 …).
//!
//! Its Python lives in a virtual environment (`scripts/test.sh` makes it from
//! `tests/push/requirements.txt`; `CHATALOT_PUSH_VENV` overrides where). Without it
//! the push tests are skipped with a notice, except under `CI=true`, where they fail.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chatalot_server::config::{Config, Secret, VapidKeys};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

/// A VAPID key pair made for these tests (raw P-256, base64url).
pub const VAPID_PRIVATE: &str = "4UVHvqweJU3cKjY29l7IGDfqwJwlhsV1zePeWhN0EUk";
pub const VAPID_PUBLIC: &str =
    "BHEgzmyeX40vpD_j3r09EomzkP8WSquwTS_l97mF1LO0Xf35nJ7V71ZEdY09rB4mZXF2OolIp9vYuRiTWk0YlFk";
const WAIT: Duration = Duration::from_secs(30);

fn python() -> Option<PathBuf> {
    let venv = std::env::var_os("CHATALOT_PUSH_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/chatalot/venv-push"))
        })?;
    let python = venv.join("bin/python");
    python.exists().then_some(python)
}

/// Whether the push service can run here (a notice when not; a failure under CI).
pub fn available() -> bool {
    let found = python().is_some();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "push tests cannot run under CI=true: no Python environment from tests/push/requirements.txt"
        );
        eprintln!("SKIPPED: push test, no Python environment (see tests/push/requirements.txt)");
    }
    found
}

/// Web push on, sending to loopback over http (browsers' services are https).
pub fn configure(config: &mut Config) {
    config.push = Some(VapidKeys {
        private_key: Secret::new(URL_SAFE_NO_PAD.decode(VAPID_PRIVATE).unwrap()),
        public_key: URL_SAFE_NO_PAD.decode(VAPID_PUBLIC).unwrap(),
    });
    config.tuning.push_http_endpoints = true;
    config.tuning.push_retry_base = Duration::from_millis(100);
    config
        .tuning
        .outbound
        .policy
        .allow
        .push("127.0.0.1/32".parse().unwrap());
}

/// One line the service printed.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Received { id: String, delivery: Value },
    Rejected { id: String, reason: String },
    Gone { id: String },
    Failed { id: String, status: u16 },
}

pub struct PushService {
    pub port: u16,
    client: reqwest::Client,
    events: watch::Sender<Vec<Event>>,
    _child: Child,
}

impl PushService {
    pub async fn start() -> PushService {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/push/receiver.py");
        let mut child = Command::new(python().expect("the push service's Python"))
            .arg(script)
            .args(["--port", "0", "--expect-key", VAPID_PUBLIC])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the push service");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(WAIT, lines.next_line())
            .await
            .expect("the push service starts within 30 s")
            .expect("read the push service's output")
            .expect("the push service says READY");
        let port = ready
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {ready:?}"));
        let events = watch::Sender::new(Vec::new());
        let sink = events.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(event) = parse(&line) {
                    sink.send_modify(|all| all.push(event));
                }
            }
        });
        PushService {
            port,
            client: reqwest::Client::new(),
            events,
            _child: child,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A new browser subscription: `{id, endpoint, keys: {p256dh, auth}}`.
    pub async fn subscription(&self) -> Value {
        let resp = self
            .client
            .post(self.url("/subscriptions"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        resp.json().await.unwrap()
    }

    /// What the service answers for one subscription from now on.
    pub async fn answer(&self, id: &str, status: u16) {
        let resp = self
            .client
            .post(self.url(&format!("/control/{id}")))
            .json(&json!({ "status": status }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
    }

    pub fn events(&self) -> Vec<Event> {
        self.events.borrow().clone()
    }

    /// Payloads delivered (verified and decrypted) to one subscription.
    pub fn payloads(&self, id: &str) -> Vec<Value> {
        payloads(&self.events(), id)
    }

    /// Waits until an event matches.
    pub async fn wait_for(&self, what: &str, matches: impl Fn(&Event) -> bool) -> Event {
        let all = self.wait_until(what, |all| all.iter().any(&matches)).await;
        all.into_iter().find(|e| matches(e)).unwrap()
    }

    /// Waits until what the service saw satisfies `done`; returns all of it.
    pub async fn wait_until(&self, what: &str, done: impl Fn(&[Event]) -> bool) -> Vec<Event> {
        let mut events = self.events.subscribe();
        let found = tokio::time::timeout(WAIT, events.wait_for(|all| done(all)))
            .await
            .unwrap_or_else(|_| panic!("{what} within 30 s; the service saw {:?}", self.events()));
        found.expect("the push service's events").clone()
    }

    /// Waits for the `n`-th payload delivered to a subscription and returns it.
    pub async fn nth_payload(&self, id: &str, n: usize) -> Value {
        let all = self
            .wait_until(&format!("push #{n} to {id}"), |all| {
                payloads(all, id).len() >= n
            })
            .await;
        payloads(&all, id)[n - 1].clone()
    }
}

/// Payloads delivered (verified and decrypted) to one subscription, in order.
pub fn payloads(events: &[Event], id: &str) -> Vec<Value> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Received { id: to, delivery } if to == id => Some(delivery["payload"].clone()),
            _ => None,
        })
        .collect()
}

fn parse(line: &str) -> Option<Event> {
    let (word, rest) = line.split_once(' ')?;
    match word {
        "RECEIVED" => {
            let (id, json) = rest.split_once(' ')?;
            Some(Event::Received {
                id: id.to_owned(),
                delivery: serde_json::from_str(json).ok()?,
            })
        }
        "REJECTED" => {
            let (id, reason) = rest.split_once(' ')?;
            Some(Event::Rejected {
                id: id.to_owned(),
                reason: reason.to_owned(),
            })
        }
        "GONE" => Some(Event::Gone {
            id: rest.to_owned(),
        }),
        "FAILED" => {
            let (id, status) = rest.split_once(' ')?;
            Some(Event::Failed {
                id: id.to_owned(),
                status: status.parse().ok()?,
            })
        }
        _ => None,
    }
}
