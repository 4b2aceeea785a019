//! Acceptance for host mode (DESK-2) without the GUI: the desktop crate's controller
//! starts the embedded server on a temporary data folder with secrets in the keyring
//! (the `keyring-core` mock store), a client registers as the owner and exchanges
//! messages over HTTP and WebSocket, the controller stops the server gracefully and
//! starts it again, and the data and secrets are still there.

use std::time::Duration;

use chatalot_desktop::host::{self, HostSecrets, HostSettings, RunningHost, SECRETS_NAME};
use chatalot_desktop::secrets::{KeyringStore, SecretStore};
use chatalot_server::config::PasswordParams;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const WAIT: Duration = Duration::from_secs(10);

fn settings() -> HostSettings {
    HostSettings {
        port: 0,
        lan: false,
    }
}

async fn start(dir: &std::path::Path, store: &KeyringStore) -> RunningHost {
    host::start_with(dir, settings(), store, |config| {
        // Cheap hashing keeps the test fast; everything else is the host default.
        config.tuning.password_hashing = PasswordParams {
            memory_kib: 64,
            iterations: 1,
            lanes: 1,
        };
    })
    .await
    .expect("the embedded server starts")
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let (status, body) = self
            .call(reqwest::Method::POST, path, token, Some(body))
            .await;
        assert!((200..300).contains(&status), "POST {path}: {status} {body}");
        body
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self
            .call(reqwest::Method::GET, path, Some(token), None)
            .await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
}

#[tokio::test]
async fn host_mode_serves_stops_gracefully_and_keeps_data_and_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("host");
    let store = KeyringStore::new(keyring_core::mock::Store::new().unwrap(), "chatalot-test");
    assert!(
        store.get(SECRETS_NAME).unwrap().is_none(),
        "a fresh keyring"
    );

    // First run: secrets are generated into the keyring, the database into the folder.
    let running = start(&data, &store).await;
    let secrets = store
        .get(SECRETS_NAME)
        .unwrap()
        .expect("secrets stored on first run");
    assert!(
        data.join(host::DB_FILE).exists(),
        "SQLite database in the data folder"
    );
    assert!(
        running.local_url().starts_with("http://127.0.0.1:"),
        "{}",
        running.local_url()
    );
    assert_eq!(
        running.share_url(),
        running.local_url(),
        "LAN access is off"
    );
    let setup_code = running
        .setup_code()
        .expect("a fresh instance offers a setup code")
        .to_owned();

    let client = Client {
        http: reqwest::Client::new(),
        base: running.local_url(),
    };
    let owner = client
        .post(
            "/api/auth/register",
            None,
            json!({"username": "host", "password": "host-password-1", "invite_code": setup_code}),
        )
        .await;
    assert_eq!(
        owner["user"]["instance_role"], "owner",
        "the local user owns the instance: {owner}"
    );
    let token = owner["access_token"].as_str().unwrap().to_owned();

    let community = client
        .post("/api/communities", Some(&token), json!({"name": "Home"}))
        .await;
    let group = client
        .post(
            &format!(
                "/api/communities/{}/groups",
                community["id"].as_str().unwrap()
            ),
            Some(&token),
            json!({"name": "General"}),
        )
        .await;
    let channel = client
        .post(
            &format!("/api/groups/{}/channels", group["id"].as_str().unwrap()),
            Some(&token),
            json!({"name": "chat"}),
        )
        .await;
    let channel_id = channel["id"].as_str().unwrap().to_owned();

    // A WebSocket client sees the message sent over REST.
    let ws_url = format!("{}/ws", running.local_url().replacen("http://", "ws://", 1));
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url)
        .await
        .expect("WebSocket connects");
    ws.send(Message::text(
        json!({"type": "authenticate", "token": token}).to_string(),
    ))
    .await
    .unwrap();
    next_event(&mut ws, |e| e["type"] == "ready").await;
    let sent = client
        .post(
            &format!("/api/channels/{channel_id}/messages"),
            Some(&token),
            json!({"content": "hello from host mode"}),
        )
        .await;
    let event = next_event(&mut ws, |e| e["type"] == "message_created").await;
    assert_eq!(
        event["message"]["id"], sent["id"],
        "the live event is the sent message: {event}"
    );
    assert_eq!(event["message"]["content"], "hello from host mode");

    // Graceful stop: the socket is told to reconnect (1012), the server finishes.
    running.stop().await.expect("the server stops cleanly");
    let close = tokio::time::timeout(WAIT, async {
        while let Some(frame) = ws.next().await {
            if let Ok(Message::Close(close)) = frame {
                return close.map(|c| u16::from(c.code));
            }
        }
        None
    })
    .await
    .expect("the socket is closed within 10 s");
    assert_eq!(close, Some(1012), "clients are told the server restarts");
    assert!(
        reqwest::get(format!("{}/api/health", client.base))
            .await
            .is_err(),
        "nothing listens after stop"
    );

    // Second run: same secrets, same data.
    let running = start(&data, &store).await;
    assert_eq!(
        store.get(SECRETS_NAME).unwrap().as_deref(),
        Some(secrets.as_str()),
        "secrets unchanged"
    );
    assert!(
        running.setup_code().is_none(),
        "the owner exists, so no setup code"
    );
    let client = Client {
        http: reqwest::Client::new(),
        base: running.local_url(),
    };
    // The access token from before the restart still verifies: same signing key.
    let me = client.get("/api/account/me", &token).await;
    assert_eq!(me["username"], "host");
    let login = client
        .post(
            "/api/auth/login",
            None,
            json!({"username": "host", "password": "host-password-1"}),
        )
        .await;
    let token = login["access_token"].as_str().unwrap();
    let history = client
        .get(&format!("/api/channels/{channel_id}/messages"), token)
        .await;
    let contents: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(
        contents,
        ["hello from host mode"],
        "the message survived the restart"
    );
    running
        .stop()
        .await
        .expect("the server stops cleanly again");

    let parsed = HostSecrets::load_or_create(&store).unwrap();
    assert!(parsed.jwt_public_pem.contains("PUBLIC KEY"));
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let store = KeyringStore::new(keyring_core::mock::Store::new().unwrap(), "chatalot-test");
    let err = host::start(dir.path(), HostSettings { port, lan: false }, &store)
        .await
        .err()
        .expect("the port is in use");
    assert_eq!(err.code(), "host_port_unavailable");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
}

async fn next_event<S>(ws: &mut S, matches: impl Fn(&Value) -> bool) -> Value
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    tokio::time::timeout(WAIT, async {
        loop {
            let frame = ws.next().await.expect("socket open").expect("valid frame");
            if let Message::Text(text) = frame {
                let event: Value = serde_json::from_str(&text).expect("JSON event");
                if matches(&event) {
                    return event;
                }
            }
        }
    })
    .await
    .expect("the event arrives within 10 s")
}
