//! Abuse limits and privacy rules found by probing the running server (issue 12),
//! on both backends: attempt counting on every secret check, authorisation before
//! hashing, one text rule, deleted forwards, mentions among readers.

mod common;

use std::time::Duration;

use chatalot_server::config::{LockoutPolicy, RegistrationMode};
use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;
use uuid::Uuid;

fn lockout(max_failures: u32) -> LockoutPolicy {
    LockoutPolicy {
        max_failures,
        window: Duration::from_secs(600),
        lock_for: Duration::from_secs(600),
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn lockout_holds_under_parallel_attempts_by_username_email_and_recovery(
    #[case] backend: Backend,
) {
    let Some(s) = TestServer::start_with(backend, |c| c.tuning.lockout = lockout(10)).await else {
        return;
    };
    s.post(
        "/api/auth/register",
        None,
        &json!({"username": "alice", "password": "alice-password", "email": "alice@example.com"}),
    )
    .await
    .expect(StatusCode::CREATED);

    // 25 wrong passwords at once: every one is counted, none resets the count.
    let attempts = (0..25).map(|_| s.login_raw("alice", "wrong-password"));
    let answers = futures_util::future::join_all(attempts).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (checked, refused),
        (10, 15),
        "only the first ten attempts are checked: {statuses:?}"
    );
    let before = s.core.password_work();
    for _ in 0..3 {
        s.login_raw("alice", "wrong-password")
            .await
            .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    }
    // The lock covers the account however it is named, and the right password.
    s.login_raw("ALICE@example.com", "alice-password")
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    s.login_raw("alice", "alice-password")
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    s.post(
        "/api/auth/recover",
        None,
        &json!({"username": "alice", "recovery_code": "WRONG-CODE", "new_password": "new-password-1"}),
    )
    .await
    .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert_eq!(
        s.core.password_work(),
        before,
        "no password is checked while the account is locked"
    );
    let locked_until =
        s.db.count(
            "SELECT COUNT(*) FROM login_attempts WHERE username_key = 'alice' AND failures = 31",
            &[],
        )
        .await;
    assert_eq!(locked_until, 1, "attempts during the lock keep counting");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn email_logins_and_recovery_share_the_account_counter(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| c.tuning.lockout = lockout(4)).await else {
        return;
    };
    s.post(
        "/api/auth/register",
        None,
        &json!({"username": "alice", "password": "alice-password", "email": "alice@example.com"}),
    )
    .await
    .expect(StatusCode::CREATED);
    s.login_raw("alice@example.com", "wrong-password")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    s.login_raw("Alice", "wrong-password")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    for _ in 0..2 {
        s.post(
            "/api/auth/recover",
            None,
            &json!({"username": "alice@example.com", "recovery_code": "WRONG-CODE", "new_password": "new-password-1"}),
        )
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_recovery_code");
    }
    s.login_raw("alice", "alice-password")
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn password_reconfirmation_is_attempt_limited(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| c.tuning.lockout = lockout(10)).await else {
        return;
    };
    s.owner().await;
    let alice = s.register("alice", "alice-password", None).await;
    let token = Some(alice.tokens.access_token.as_str());

    // A stolen access token gives ten guesses in all, across every endpoint.
    for _ in 0..4 {
        s.post(
            "/api/account/recovery-code",
            token,
            &json!({"password": "guess-1234"}),
        )
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "wrong_password");
    }
    for _ in 0..3 {
        s.call(
            Method::PUT,
            "/api/account/email",
            token,
            Some(&json!({"password": "guess-1234", "email": "x@example.com"})),
        )
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "wrong_password");
    }
    for _ in 0..3 {
        s.post(
            "/api/account/password",
            token,
            &json!({"current_password": "guess-1234", "new_password": "another-password"}),
        )
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "wrong_password");
    }
    let before = s.core.password_work();
    s.call(
        Method::DELETE,
        "/api/account",
        token,
        Some(&json!({"password": "alice-password"})),
    )
    .await
    .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    s.post(
        "/api/account/recovery-code",
        token,
        &json!({"password": "alice-password"}),
    )
    .await
    .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    s.login_raw("alice", "alice-password")
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert_eq!(
        s.core.password_work(),
        before,
        "nothing checked while locked"
    );
    assert_eq!(
        s.db.count("SELECT COUNT(*) FROM users WHERE username = 'alice'", &[])
            .await,
        1,
        "the account was not deleted"
    );
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'password.confirm_failed'",
            &[]
        )
        .await,
        10,
        "each failure audited"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn refused_requests_hash_no_password(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.registration_mode = RegistrationMode::InviteOnly;
    })
    .await
    else {
        return;
    };
    let owner = s.owner().await;
    let invite = s
        .post(
            "/api/admin/invites",
            Some(&owner.tokens.access_token),
            &json!({}),
        )
        .await
        .expect(StatusCode::CREATED);
    let code = invite.body["code"].as_str().unwrap().to_owned();
    let bob = s.register("bob", "bob-password", Some(&code)).await;
    let carol = s.register("carol", "carol-password", Some(&code)).await;

    let before = s.core.password_work();
    s.post(
        &format!("/api/admin/users/{}/reset-password", carol.user.id),
        Some(&bob.tokens.access_token),
        &json!({}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "admin_required");
    s.register_raw("dave", "dave-password", None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "invite_required");
    s.register_raw("dave", "dave-password", Some("NOT-A-CODE"))
        .await
        .expect_error(StatusCode::FORBIDDEN, "invite_invalid");
    s.register_raw("Bob", "dave-password", Some(&code))
        .await
        .expect_error(StatusCode::CONFLICT, "username_taken");
    s.call(
        Method::DELETE,
        "/api/account",
        Some(&owner.tokens.access_token),
        Some(&json!({"password": "owner-password"})),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "owner_cannot_delete");
    assert_eq!(
        s.core.password_work(),
        before,
        "refused requests cost no password hashing"
    );
    // The invite was not spent by the refused attempts.
    s.register("dave", "dave-password", Some(&code)).await;
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn control_characters_are_refused_everywhere(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let community = s.community(&alice, json!({"name": "Text"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "chat"})).await;
    let messages = format!("/api/channels/{channel}/messages");

    let refused = [
        ("content", json!({"content": "nul \u{0} here"})),
        ("content", json!({"content": "carriage\r return"})),
        ("content", json!({"content": "escape \u{1b}[31m red"})),
        ("content", json!({"content": "delete \u{7f}"})),
    ];
    for (field, body) in refused {
        let answer = s
            .post(&messages, Some(&alice), &body)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(answer.body["field"], field, "{}", answer.text);
    }
    s.message(&alice, channel, json!({"content": "tab\tand\nnewline"}))
        .await;
    assert_eq!(
        s.db.count("SELECT COUNT(*) FROM messages", &[]).await,
        1,
        "only the clean message was stored"
    );

    let profile = s
        .call(
            Method::PATCH,
            "/api/account/me",
            Some(&alice),
            Some(&json!({"bio": "a\u{0}b"})),
        )
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(profile.body["field"], "bio");
    let name = s
        .call(
            Method::PATCH,
            "/api/account/me",
            Some(&alice),
            Some(&json!({"display_name": "evil\u{202e}gnp.exe"})),
        )
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(name.body["field"], "display_name");
    s.post(
        "/api/communities",
        Some(&alice),
        &json!({"name": "Bidi \u{2067}name"}),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    s.login_raw("ali\u{0}ce", "alice-password")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    let search = s
        .get("/api/search?q=hello%00world", Some(&alice))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(search.body["field"], "q");
    s.get("/api/invites/ab%00cd", Some(&alice))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    s.get("/api/search?q=tab%09ok", Some(&alice))
        .await
        .expect(StatusCode::OK);

    // The WebSocket applies the same rule.
    let mut ws = Ws::connect(&s, &alice).await;
    let answer = ws
        .request(json!({"type": "send_message", "channel_id": channel, "content": "ws \u{0}"}))
        .await;
    assert_eq!(
        (answer["type"].as_str(), answer["code"].as_str()),
        (Some("error"), Some("invalid_input")),
        "{answer}"
    );
    assert_eq!(s.db.count("SELECT COUNT(*) FROM messages", &[]).await, 1);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_deleted_forward_keeps_nothing_of_what_it_quoted(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let community = s.community(&alice, json!({"name": "Fwd"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let source = s.channel(&alice, group, json!({"name": "source"})).await;
    let target = s.channel(&alice, group, json!({"name": "target"})).await;
    let original = s
        .message(&alice, source, json!({"content": "the secret plan"}))
        .await;
    let forward = s
        .post(
            &format!("/api/messages/{}/forward", original["id"].as_str().unwrap()),
            Some(&alice),
            &json!({"channel_id": target, "comment": "see this"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let id: Uuid = forward["id"].as_str().unwrap().parse().unwrap();
    s.call(
        Method::DELETE,
        &format!("/api/messages/{id}"),
        Some(&alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);

    let history = s
        .get(&format!("/api/channels/{target}/messages"), Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    let deleted = history
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id.to_string())
        .expect("the tombstone is in history");
    assert_eq!(deleted["deleted"], true);
    assert!(deleted["forwarded_from"].is_null(), "{deleted}");
    assert!(!history.to_string().contains("secret plan"), "{history}");
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM messages WHERE id = $1 AND forwarded_from IS NULL",
            &[id]
        )
        .await,
        1,
        "nothing of the quote is left in the database"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn mentions_resolve_only_among_readers(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let (bob_id, bob) = s.user("bob").await;
    let (_, _carol) = s.user("carol").await;
    let community = s.community(&alice, json!({"name": "Mentions"})).await;
    let open = s.group(&alice, community, json!({"name": "Open"})).await;
    let private = s
        .group(
            &alice,
            community,
            json!({"name": "Private", "visibility": "private"}),
        )
        .await;
    let general = s.channel(&alice, open, json!({"name": "general"})).await;
    let secret = s.channel(&alice, private, json!({"name": "secret"})).await;
    let code = s.community_invite(&alice, community).await;
    s.accept(&bob, &code).await.expect(StatusCode::OK);

    let sent = s
        .message(&alice, general, json!({"content": "hi @bob and @carol"}))
        .await;
    assert_eq!(
        sent["mentions"],
        json!([bob_id]),
        "carol is not in the community: not resolved"
    );
    let hidden = s
        .message(&alice, secret, json!({"content": "@bob @carol"}))
        .await;
    assert_eq!(
        hidden["mentions"],
        json!([]),
        "nobody mentioned can read the private channel"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn auth_config_advertises_only_what_this_server_serves(#[case] backend: Backend) {
    use chatalot_server::config::{OidcConfig, Secret};
    // Every feature configured: push, SSO, TURN and GIF search are advertised (SSO
    // is on, and unavailable while its provider does not answer); no secret is.
    let Some(s) = TestServer::start_with(backend, |c| {
        c.integrations.giphy_api_key = Some(Secret::new("giphy-key".to_owned()));
        common::push_service::configure(c);
        c.turn.auth_secret = Some(Secret::new("turn-secret".to_owned()));
        c.turn.urls = vec!["turn:127.0.0.1:3478".to_owned()];
        c.oidc = Some(OidcConfig {
            // Nothing listens there: SSO is configured but not available.
            issuer_url: "http://127.0.0.1:9/app".parse().unwrap(),
            client_id: "chatalot".to_owned(),
            client_secret: Secret::new("s3cret".to_owned()),
            redirect_uri: Some("http://127.0.0.1:9/auth/oidc/callback".parse().unwrap()),
            disable_password_login: false,
        });
    })
    .await
    else {
        return;
    };
    let config = s
        .get("/api/auth/config", None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(config["push_enabled"], true, "{config}");
    assert_eq!(
        config["vapid_public_key"],
        common::push_service::VAPID_PUBLIC,
        "{config}"
    );
    assert!(
        !config
            .to_string()
            .contains(common::push_service::VAPID_PRIVATE),
        "the VAPID private key stays on the server"
    );
    assert_eq!(config["gifs_enabled"], true, "{config}");
    assert!(
        !config.to_string().contains("giphy-key"),
        "the Giphy key stays on the server"
    );
    // TURN credentials are issued (tests/voice_ice.rs).
    assert_eq!(config["turn_enabled"], true, "{config}");
    assert_eq!(config["sso_enabled"], true, "{config}");
    assert_eq!(config["sso_available"], false, "{config}");
    assert_eq!(config["password_login_enabled"], true);
}
