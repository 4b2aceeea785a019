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

use common::coturn::{Coturn, coturn_available};
use common::{Backend, TestServer, coturn_credential};
use reqwest::StatusCode;
use tokio::net::UdpSocket;
use tokio::process::Command;

const SECRET: &str = "coturn-test-secret";

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
    if !coturn_available("coturn relay test") {
        return;
    }
    let coturn = Coturn::start(SECRET).await;
    let port = coturn.port;
    let peer = echo_peer().await;

    let Some(s) = TestServer::start_with(Backend::Sqlite, |c| {
        c.turn.auth_secret = Some(chatalot_server::config::Secret::new(SECRET.into()));
        c.turn.urls = vec![coturn.url()];
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
