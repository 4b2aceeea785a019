//! ICE configuration for calls (VOICE-3), on both backends: public STUN by
//! default, coturn REST-API credentials with a TURN secret and URLs (checked here
//! with an independent HMAC-SHA1), the TTL clamped at both ends, the deprecated
//! `ICE_SERVERS`, and no credentials without a signed-in user.

mod common;

use chatalot_server::config::{Config, IceServer, Secret, TurnConfig};
use common::{Backend, TestServer, coturn_credential};
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::Value;

const PATH: &str = "/api/account/turn-credentials";

fn with_turn(config: &mut Config, ttl_variable: &str) {
    let variables = [
        ("TURN_AUTH_SECRET", "shared-with-coturn"),
        (
            "TURN_URLS",
            "turns:turn.example.com:5349,turn:turn.example.com:3478",
        ),
        ("TURN_CREDENTIAL_TTL_SECS", ttl_variable),
    ];
    // Read like the environment, so the clamp is the configuration's own.
    let lookup = |name: &str| {
        variables
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    };
    config.turn = TurnConfig::from_lookup(lookup).unwrap();
}

async fn turn_advertised(s: &TestServer) -> bool {
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    config.body["turn_enabled"].as_bool().unwrap()
}

async fn ice(s: &TestServer, token: &str) -> Value {
    s.get(PATH, Some(token)).await.expect(StatusCode::OK).body
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn turn_credentials_follow_coturns_scheme_and_expire(#[case] backend: Backend) {
    for (ttl, expected) in [("600", 600), ("5", 60), ("999999", 86_400)] {
        let Some(s) = TestServer::start_with(backend, |c| with_turn(c, ttl)).await else {
            return;
        };
        let (user, token) = s.user("alice").await;
        let before = chrono::Utc::now().timestamp();
        let body = ice(&s, &token).await;
        let after = chrono::Utc::now().timestamp();

        let servers = body["ice_servers"].as_array().unwrap();
        assert_eq!(servers.len(), 1, "{body}");
        assert_eq!(
            servers[0]["urls"],
            serde_json::json!(["turns:turn.example.com:5349", "turn:turn.example.com:3478"])
        );
        let username = servers[0]["username"].as_str().unwrap();
        let (expiry, named) = username.split_once(':').unwrap();
        assert_eq!(named, user.to_string());
        let expiry: i64 = expiry.parse().unwrap();
        assert!(
            (before + expected..=after + expected).contains(&expiry),
            "TTL {ttl} gave an expiry {} s ahead",
            expiry - before
        );
        assert_eq!(
            servers[0]["credential"].as_str().unwrap(),
            coturn_credential("shared-with-coturn", username)
        );
        let expires_at: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(body["expires_at"].clone()).unwrap();
        assert_eq!(expires_at.timestamp(), expiry);
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn without_turn_public_stun_or_the_deprecated_list(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, token) = s.user("alice").await;
    let body = ice(&s, &token).await;
    assert_eq!(
        body,
        serde_json::json!({"ice_servers": [{"urls": ["stun:stun.l.google.com:19302"]}]})
    );
    assert!(!turn_advertised(&s).await);
    // Nobody signed in gets nothing.
    s.get(PATH, None)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "missing_token");
    s.get(PATH, Some("not-a-token"))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");

    let listed = vec![IceServer {
        urls: vec!["turn:old.example.com:3478".into()],
        username: Some("static".into()),
        credential: Some("password".into()),
    }];
    let s = s
        .restart_with(|c| c.turn.ice_servers = Some(listed.clone()))
        .await;
    let token = s.login("alice", "alice-password").await.tokens.access_token;
    assert!(turn_advertised(&s).await);
    let body = ice(&s, &token).await;
    assert_eq!(
        body,
        serde_json::json!({"ice_servers": [{"urls": ["turn:old.example.com:3478"], "username": "static", "credential": "password"}]})
    );

    // A TURN secret with URLs wins over the deprecated list.
    let s = s
        .restart_with(|c| {
            c.turn.auth_secret = Some(Secret::new("s".into()));
            c.turn.urls = vec!["turn:turn.example.com:3478".into()];
        })
        .await;
    let token = s.login("alice", "alice-password").await.tokens.access_token;
    let body = ice(&s, &token).await;
    assert_eq!(
        body["ice_servers"][0]["urls"],
        serde_json::json!(["turn:turn.example.com:3478"])
    );
    assert!(body["ice_servers"][0]["credential"].is_string());
}
