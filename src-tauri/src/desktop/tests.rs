//! The operations behind the Tauri commands, on the `keyring-core` mock store.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::secrets::{KeyringStore, mock_store};

struct Fixture {
    desktop: Desktop,
    store: Arc<KeyringStore>,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(mock_store());
    let desktop = Desktop::new(
        store.clone(),
        &dir.path().join("config"),
        &dir.path().join("data/host"),
    );
    Fixture {
        desktop,
        store,
        _dir: dir,
    }
}

fn tokens(refresh: &str) -> TokenSet {
    TokenSet {
        session_id: "0190a0a0-0000-7000-8000-000000000001".into(),
        access_token: format!("access-{refresh}"),
        access_token_expires_at: 1_900_000_000_000,
        refresh_token: refresh.into(),
    }
}

#[tokio::test]
async fn sessions_are_kept_per_server_in_the_keyring() {
    let f = fixture();
    let a = "https://a.example".to_owned();
    let b = "https://b.example".to_owned();
    assert_eq!(f.desktop.session_load(a.clone()).await.unwrap(), None);

    f.desktop
        .session_save(a.clone(), tokens("ra"))
        .await
        .unwrap();
    f.desktop
        .session_save(b.clone(), tokens("rb"))
        .await
        .unwrap();
    assert_eq!(
        f.desktop.session_load(a.clone()).await.unwrap(),
        Some(tokens("ra"))
    );
    assert_eq!(
        f.desktop.session_load(b.clone()).await.unwrap(),
        Some(tokens("rb"))
    );
    let raw = f
        .store
        .get(&format!("session:{a}"))
        .unwrap()
        .expect("in the keyring");
    assert!(
        raw.contains("\"refreshToken\":\"ra\""),
        "stored in the client's shape: {raw}"
    );

    f.desktop
        .session_save(a.clone(), tokens("ra2"))
        .await
        .unwrap();
    assert_eq!(
        f.desktop.session_load(a.clone()).await.unwrap(),
        Some(tokens("ra2")),
        "rotation replaces"
    );

    f.desktop.session_clear(a.clone()).await.unwrap();
    assert_eq!(f.desktop.session_load(a.clone()).await.unwrap(), None);
    assert_eq!(
        f.desktop.session_load(b).await.unwrap(),
        Some(tokens("rb")),
        "other servers keep theirs"
    );
    f.desktop
        .session_clear(a)
        .await
        .expect("clearing twice is fine");
}

#[tokio::test]
async fn an_unreadable_stored_session_counts_as_signed_out() {
    let f = fixture();
    f.store
        .set("session:https://a.example", "{\"nope\":1}")
        .unwrap();
    assert_eq!(
        f.desktop
            .session_load("https://a.example".into())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn without_a_keyring_every_credential_command_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let desktop = Desktop::new(
        Arc::new(KeyringStore::unavailable(
            "org.chatalot.test",
            "no session bus",
        )),
        dir.path(),
        dir.path(),
    );
    let err = desktop
        .session_load("https://a.example".into())
        .await
        .unwrap_err();
    assert_eq!(err.code, "keyring_unavailable");
    assert!(err.message.contains("no session bus"), "{}", err.message);
    let err = desktop
        .session_save("https://a.example".into(), tokens("r"))
        .await
        .unwrap_err();
    assert_eq!(err.code, "keyring_unavailable");
    assert_eq!(
        desktop.keyring_check().await.unwrap_err().code,
        "keyring_unavailable"
    );
    let err = desktop
        .host_start(Some(HostSettings {
            port: 0,
            lan: false,
        }))
        .await
        .unwrap_err();
    assert_eq!(
        err.code, "keyring_unavailable",
        "host mode needs the keyring for its secrets"
    );
    assert_eq!(
        serde_json::to_value(&err).unwrap()["code"],
        "keyring_unavailable",
        "the UI receives {{code, message}}"
    );
}

#[tokio::test]
async fn keyring_check_passes_with_a_keyring() {
    fixture().desktop.keyring_check().await.unwrap();
}

#[tokio::test]
async fn host_mode_becomes_the_current_server_and_stops() {
    let f = fixture();
    let settings = HostSettings {
        port: 0,
        lan: false,
    };
    assert!(!f.desktop.host_status().await.running);

    let status = f.desktop.host_start(Some(settings)).await.unwrap();
    assert!(status.running);
    assert_eq!(status.settings, settings, "settings saved");
    let url = status.local_url.clone().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(
        status.setup_code.is_some(),
        "a fresh instance needs its owner"
    );
    let list = f.desktop.servers();
    assert_eq!(list.current.as_deref(), Some(HOST_KEY));
    assert_eq!(list.current().unwrap().kind, ServerKind::Host);

    let again = f.desktop.host_start(None).await.unwrap();
    assert_eq!(
        again.local_url, status.local_url,
        "starting twice keeps the running server"
    );

    // The running host answers like any Chatalot server: add it as a remote too.
    let list = f
        .desktop
        .server_add(url.clone(), Some("  ".into()))
        .await
        .unwrap();
    assert_eq!(list.current.as_deref(), Some(url.as_str()));
    assert_eq!(
        list.current().unwrap().name,
        url.trim_start_matches("http://"),
        "blank names get the host"
    );
    assert_eq!(list.servers.len(), 2);

    let stopped = f.desktop.host_stop().await.unwrap();
    assert!(!stopped.running && stopped.local_url.is_none());
    assert!(
        reqwest::get(format!("{url}/api/health")).await.is_err(),
        "stopped means closed"
    );
    assert_eq!(f.desktop.host_settings(), settings, "settings survive");
}

#[tokio::test]
async fn adding_a_server_checks_it_first() {
    let f = fixture();
    let err = f
        .desktop
        .server_add("ftp://x".into(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code, "server_url_invalid");

    // Nothing listens on a port that was just released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = f
        .desktop
        .server_add(format!("http://{closed}"), None)
        .await
        .unwrap_err();
    assert_eq!(err.code, "server_unreachable", "{}", err.message);

    let other = not_chatalot().await;
    let err = f.desktop.server_add(other, None).await.unwrap_err();
    assert_eq!(err.code, "server_not_chatalot", "{}", err.message);
    assert!(
        f.desktop.servers().servers.is_empty(),
        "nothing saved after failures"
    );
}

#[tokio::test]
async fn selecting_and_removing_saved_servers() {
    let f = fixture();
    let status = f
        .desktop
        .host_start(Some(HostSettings {
            port: 0,
            lan: false,
        }))
        .await
        .unwrap();
    let url = status.local_url.unwrap();
    f.desktop
        .server_add(url.clone(), Some("Mine".into()))
        .await
        .unwrap();
    f.desktop
        .session_save(url.clone(), tokens("r"))
        .await
        .unwrap();

    let list = f.desktop.server_select(HOST_KEY.into()).unwrap();
    assert_eq!(list.current.as_deref(), Some(HOST_KEY));
    assert_eq!(
        f.desktop
            .server_select("https://unknown.example".into())
            .unwrap_err()
            .code,
        "server_unknown"
    );

    let list = f.desktop.server_remove(url.clone()).await.unwrap();
    assert_eq!(list.servers.len(), 1);
    assert_eq!(
        f.desktop.session_load(url).await.unwrap(),
        None,
        "its session is forgotten"
    );
    f.desktop.host_stop().await.unwrap();
}

/// An HTTP server that answers every request with a web page.
async fn not_chatalot() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 2048];
            let _ = socket.read(&mut buf).await;
            let body = "<html>hello</html>";
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    format!("http://{addr}")
}
