//! The real coturn (`turnserver`, Debian's `coturn`) run with the deployment's
//! configuration (`docker/coturn/turnserver.conf`, plus loopback listening and
//! loopback peers, which only a test may allow) relays data for credentials from
//! `GET /api/account/turn-credentials`, and refuses forged and expired ones
//! (VOICE-3). `turnutils_uclient` allocates a relay and sends through it to a UDP
//! echo peer run by this test.
//!
//! Without coturn installed the test is skipped with a message, except under
//! `CI=true`, where it fails.

mod common;

use std::path::PathBuf;
use std::process::Stdio;

use common::{Backend, TestServer, coturn_credential};
use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::UdpSocket;
use tokio::process::{Child, Command};

const SECRET: &str = "coturn-test-secret";

fn installed(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// coturn in the foreground on loopback, ready once its servers and database are up.
async fn start_coturn(dir: &std::path::Path, port: u16, relay: u16) -> Child {
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docker/coturn/turnserver.conf");
    let mut child = Command::new("turnserver")
        .arg("-c")
        .arg(&config)
        .args([
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            &format!("--listening-port={port}"),
            &format!("--min-port={relay}"),
            &format!("--max-port={}", relay + 3),
            &format!("--static-auth-secret={SECRET}"),
            "--allow-loopback-peers",
            "--no-tls",
            "--no-dtls",
        ])
        .arg(format!(
            "--pidfile={}",
            dir.join("turnserver.pid").display()
        ))
        .arg(format!("--userdb={}", dir.join("turndb").display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("turnserver starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut servers, mut database) = (false, false);
    while !(servers && database) {
        let line = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
            .await
            .expect("coturn starts within 20 s")
            .unwrap()
            .expect("coturn keeps running");
        servers |= line.contains("Total General servers");
        database |= line.contains("DB connection success");
    }
    // Keep reading so coturn never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

/// A UDP peer that echoes what the relay sends it.
async fn echo_peer() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65_536];
        while let Ok((n, from)) = socket.recv_from(&mut buf).await {
            let _ = socket.send_to(&buf[..n], from).await;
        }
    });
    port
}

/// `turnutils_uclient` allocating with `username`/`credential` and sending ten
/// 100-byte messages to the peer: whether it succeeded, and its output.
async fn relay_through(port: u16, peer: u16, username: &str, credential: &str) -> (bool, String) {
    let out = Command::new("turnutils_uclient")
        .args(["-c", "-n", "10", "-l", "100", "-e", "127.0.0.1"])
        .args(["-r", &peer.to_string(), "-p", &port.to_string()])
        .args(["-u", username, "-w", credential, "127.0.0.1"])
        .output()
        .await
        .expect("turnutils_uclient runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[tokio::test]
async fn coturn_relays_for_issued_credentials_and_refuses_forged_and_expired_ones() {
    if !installed("turnserver") || !installed("turnutils_uclient") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "coturn is not installed (apt-get install coturn) and CI=true"
        );
        eprintln!("SKIPPED: coturn relay test, coturn is not installed (apt-get install coturn)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (port, relay) = (free_udp_port(), free_udp_port());
    let _coturn = start_coturn(dir.path(), port, relay).await;
    let peer = echo_peer().await;

    let Some(s) = TestServer::start_with(Backend::Sqlite, |c| {
        c.turn.auth_secret = Some(chatalot_server::config::Secret::new(SECRET.into()));
        c.turn.urls = vec![format!("turn:127.0.0.1:{port}?transport=udp")];
    })
    .await
    else {
        return;
    };
    let (user, token) = s.user("alice").await;
    let ice = s
        .get("/api/account/turn-credentials", Some(&token))
        .await
        .expect(StatusCode::OK)
        .body;
    let username = ice["ice_servers"][0]["username"].as_str().unwrap();
    let credential = ice["ice_servers"][0]["credential"].as_str().unwrap();

    let (ok, out) = relay_through(port, peer, username, credential).await;
    assert!(ok, "the issued credential is refused:\n{out}");
    assert!(
        out.contains("Total lost packets 0 "),
        "data did not come back through the relay:\n{out}"
    );

    // The same user with a password not made from the secret.
    let forged =
        coturn_credential(SECRET, username).replace(|c: char| c.is_ascii_alphabetic(), "A");
    let (ok, out) = relay_through(port, peer, username, &forged).await;
    assert!(!ok, "a forged credential was accepted:\n{out}");

    // A credential made with the secret whose expiry has passed.
    let expired = format!("{}:{user}", chrono::Utc::now().timestamp() - 60);
    let (ok, out) = relay_through(port, peer, &expired, &coturn_credential(SECRET, &expired)).await;
    assert!(!ok, "an expired credential was accepted:\n{out}");
}
