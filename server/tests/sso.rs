//! Single sign-on against a real OpenID provider on loopback (AUTH-8), on both
//! backends: provisioning, linking by subject, the registration rules, and the
//! refusals (tampered state, replayed code, wrong nonce, another audience, a
//! provider that refuses), key rotation, and password login turned off.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chatalot_server::config::RegistrationMode;
use common::oidc::{self, sso_login, sso_server};
use common::{Backend, TestServer};
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::json;
use sha2::{Digest, Sha256};

async fn audit_actions(s: &TestServer, admin_token: &str) -> Vec<String> {
    let log = s
        .get("/api/admin/audit-log?limit=200", Some(admin_token))
        .await
        .expect(StatusCode::OK);
    log.body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn first_login_provisions_then_the_subject_finds_the_same_account(#[case] backend: Backend) {
    let Some((s, _provider)) = sso_server(backend, |_| {}).await else {
        return;
    };
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(
        (
            config.body["sso_enabled"].clone(),
            config.body["sso_available"].clone()
        ),
        (json!(true), json!(true))
    );

    let first = sso_login(&s, "alice", None).await.expect(StatusCode::OK);
    let user = &first.body["user"];
    assert_eq!(user["username"], "alice");
    assert_eq!(user["email"], "alice@example.test");
    assert_eq!(user["display_name"], "Test alice");
    assert_eq!(user["has_password"], false);
    assert_eq!(
        user["instance_role"], "owner",
        "the first account owns the instance"
    );
    let token = first.body["access_token"].as_str().unwrap().to_owned();
    s.get("/api/account/me", Some(&token))
        .await
        .expect(StatusCode::OK);

    let again = sso_login(&s, "alice", None).await.expect(StatusCode::OK);
    assert_eq!(again.body["user"]["id"], user["id"], "linked by subject");

    // Another person at the provider who also prefers "alice" gets a suffix; the
    // existing account is never taken over by name (or email).
    let second = sso_login(&s, "alice~2", None).await.expect(StatusCode::OK);
    assert_eq!(second.body["user"]["username"], "alice2");
    assert_ne!(second.body["user"]["id"], user["id"]);
    let third = sso_login(&s, "alice~3", None).await.expect(StatusCode::OK);
    assert_eq!(third.body["user"]["username"], "alice3");

    let actions = audit_actions(&s, &token).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "sso.provisioned").count(),
        3
    );
    assert_eq!(actions.iter().filter(|a| *a == "sso.login").count(), 1);
    let admin_view = s
        .get(
            &format!(
                "/api/admin/users/{}",
                second.body["user"]["id"].as_str().unwrap()
            ),
            Some(&token),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(admin_view.body["sso_linked"], true);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn invite_only_admits_a_first_time_sso_user_only_with_an_invite(#[case] backend: Backend) {
    let Some((s, _provider)) = sso_server(backend, |c| {
        c.registration_mode = RegistrationMode::InviteOnly
    })
    .await
    else {
        return;
    };
    let owner = s.owner().await;
    let token = owner.tokens.access_token.clone();

    let refused = sso_login(&s, "bob", None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert!(
        refused.text.contains("data-code=\"invite_required\""),
        "{}",
        refused.text
    );
    assert!(
        refused.text.contains("invite-only"),
        "the page says why: {}",
        refused.text
    );
    assert!(
        refused.text.contains("href=\"/login\""),
        "and leads back: {}",
        refused.text
    );

    let invite = s
        .post("/api/admin/invites", Some(&token), &json!({"max_uses": 1}))
        .await
        .expect(StatusCode::CREATED);
    let code = invite.body["code"].as_str().unwrap();
    let admitted = sso_login(&s, "bob", Some(code))
        .await
        .expect(StatusCode::OK);
    assert_eq!(admitted.body["user"]["username"], "bob");
    // The invite is spent; once linked, bob needs no invite again.
    let used_up = sso_login(&s, "carol", Some(code)).await;
    assert!(
        used_up.text.contains("data-code=\"invite_used_up\""),
        "{}",
        used_up.text
    );
    sso_login(&s, "bob", None).await.expect(StatusCode::OK);

    let closed = s
        .restart_with(|c| c.registration_mode = RegistrationMode::Closed)
        .await;
    closed.core.sso.discover().await.unwrap();
    let refused = sso_login(&closed, "dave", None).await;
    assert!(
        refused.text.contains("data-code=\"registration_closed\""),
        "{}",
        refused.text
    );
    sso_login(&closed, "bob", None).await.expect(StatusCode::OK);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn tampered_state_replayed_code_wrong_nonce_and_denial_are_refused(#[case] backend: Backend) {
    let Some((s, _provider)) = sso_server(backend, |_| {}).await else {
        return;
    };
    let browser = oidc::browser();

    // Tampered state: unknown to the server.
    let authorization = oidc::start(&s, &browser, None).await;
    let back = oidc::sign_in_at_provider(&browser, &authorization, "erin").await;
    let tampered = oidc::with_param(&back, "state", "forged-state");
    let resp = oidc::callback(&browser, &tampered).await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert!(
        resp.text.contains("data-code=\"sso_state_invalid\""),
        "{}",
        resp.text
    );

    // The genuine answer still works once; the same answer again does not.
    let resp = oidc::callback(&browser, &back).await;
    let ticket = oidc::ticket(&resp);
    let replayed = oidc::callback(&browser, &back).await;
    assert!(
        replayed.text.contains("data-code=\"sso_state_invalid\""),
        "{}",
        replayed.text
    );

    // A used code under a fresh state: the provider refuses it.
    let fresh = oidc::start(&s, &browser, None).await;
    let replay = oidc::with_param(
        &format!(
            "http://x/cb?code={}&state={}",
            oidc::param(&back, "code"),
            oidc::param(&fresh, "state")
        ),
        "iss",
        &oidc::param(&back, "iss"),
    );
    let replay = replay.replacen("http://x/cb", &s.url("/auth/oidc/callback"), 1);
    let resp = oidc::callback(&browser, &replay).await;
    assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{}", resp.text);
    assert!(
        resp.text.contains("data-code=\"sso_failed\""),
        "{}",
        resp.text
    );

    // The ticket works once.
    oidc::exchange(&s, &ticket).await.expect(StatusCode::OK);
    oidc::exchange(&s, &ticket)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "sso_ticket_invalid");

    // A nonce changed on the way to the provider: the ID token carries it, and it
    // is not the one the server keeps for this state.
    let authorization = oidc::start(&s, &browser, None).await;
    let forged = oidc::with_param(&authorization, "nonce", "attacker-nonce");
    let back = oidc::sign_in_at_provider(&browser, &forged, "erin").await;
    let resp = oidc::callback(&browser, &back).await;
    assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{}", resp.text);
    assert!(
        resp.text.contains("data-code=\"sso_failed\""),
        "{}",
        resp.text
    );

    // The person refused at the provider.
    let authorization = oidc::start(&s, &browser, None).await;
    let denied = format!(
        "{}?error=access_denied&error_description=no&state={}",
        s.url("/auth/oidc/callback"),
        oidc::param(&authorization, "state")
    );
    let resp = oidc::callback(&browser, &denied).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    assert!(
        resp.text.contains("data-code=\"sso_denied\""),
        "{}",
        resp.text
    );
    // Never a server error, and nothing but the one account was made.
    assert_eq!(s.db.count("SELECT COUNT(*) FROM users", &[]).await, 1);
}

fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn an_id_token_issued_to_another_application_is_refused(#[case] backend: Backend) {
    let Some((s, provider)) = sso_server(backend, |_| {}).await else {
        return;
    };
    // A genuine, signed ID token from the same provider, for another client.
    let browser = oidc::browser();
    let (verifier, challenge) = pkce();
    let redirect = "http://127.0.0.1:9/other/callback";
    let authorization = format!(
        "{}/auth?client_id={}&response_type=code&scope=openid%20email%20profile&redirect_uri={}&state=s1&nonce=n1&code_challenge={}&code_challenge_method=S256",
        provider.issuer,
        oidc::OTHER_CLIENT_ID,
        percent(redirect),
        challenge
    );
    let back = oidc::sign_in_at_provider(&browser, &authorization, "frank").await;
    let tokens: serde_json::Value = browser
        .post(format!("{}/token", provider.issuer))
        .basic_auth(oidc::OTHER_CLIENT_ID, Some(oidc::OTHER_CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &oidc::param(&back, "code")),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    let err = s
        .core
        .sso
        .verify_raw(id_token, "n1")
        .await
        .expect_err("another audience");
    assert!(err.to_string().contains("audience"), "{err}");
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_rotated_provider_key_is_fetched_when_a_token_names_it(#[case] backend: Backend) {
    let Some((s, provider)) = sso_server(backend, |_| {}).await else {
        return;
    };
    sso_login(&s, "gina", None).await.expect(StatusCode::OK);
    // The provider restarts with a new signing key on the same address.
    let _provider = provider.restart().await;
    let resp = sso_login(&s, "gina", None).await.expect(StatusCode::OK);
    assert_eq!(resp.body["user"]["username"], "gina");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn with_password_login_disabled_only_sso_signs_in(#[case] backend: Backend) {
    let Some((s, _provider)) = sso_server(backend, |c| {
        c.oidc.as_mut().unwrap().disable_password_login = true
    })
    .await
    else {
        return;
    };
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(config.body["password_login_enabled"], false);
    s.register_raw("henry", "henry-password", None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "password_login_disabled");
    s.login_raw("henry", "henry-password")
        .await
        .expect_error(StatusCode::FORBIDDEN, "password_login_disabled");
    s.post(
        "/api/auth/recover",
        None,
        &json!({"username": "henry", "recovery_code": "x", "new_password": "new-password-1"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "password_login_disabled");

    let signed_in = sso_login(&s, "henry", None).await.expect(StatusCode::OK);
    let token = signed_in.body["access_token"].as_str().unwrap();
    // An SSO account may not add a password that could never be used.
    s.post(
        "/api/account/password",
        Some(token),
        &json!({"current_password": "", "new_password": "a-new-password"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "password_login_disabled");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_sso_account_may_add_a_password_and_then_sign_in_with_it(#[case] backend: Backend) {
    let Some((s, _provider)) = sso_server(backend, |_| {}).await else {
        return;
    };
    let signed_in = sso_login(&s, "iris", None).await.expect(StatusCode::OK);
    let token = signed_in.body["access_token"].as_str().unwrap();
    s.post(
        "/api/account/password",
        Some(token),
        &json!({"current_password": "", "new_password": "iris-password"}),
    )
    .await
    .expect(StatusCode::OK);
    let login = s.login("iris", "iris-password").await;
    assert!(login.user.has_password);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn an_unreachable_provider_leaves_the_server_up_and_sso_unavailable(
    #[case] backend: Backend,
) {
    let port = oidc::free_port();
    let closed = oidc::free_port();
    let Some(s) = TestServer::start_with(backend, |c| {
        c.listen_addr = format!("127.0.0.1:{port}").parse().unwrap();
        c.oidc = Some(oidc::oidc_config(
            &format!("http://127.0.0.1:{closed}"),
            port,
        ));
    })
    .await
    else {
        return;
    };
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(config.body["sso_enabled"], true);
    assert_eq!(config.body["sso_available"], false);
    s.get("/api/auth/oidc/start", None)
        .await
        .expect_error(StatusCode::SERVICE_UNAVAILABLE, "sso_unavailable");
    // Password sign-in is unaffected.
    s.register("jack", "jack-password", None).await;
    s.login("jack", "jack-password").await;

    assert!(s.core.sso.discover().await.is_err(), "still unreachable");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn without_sso_configured_the_endpoints_say_so(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(config.body["sso_enabled"], false);
    assert_eq!(config.body["sso_available"], false);
    s.get("/api/auth/oidc/start", None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "sso_disabled");
    oidc::exchange(&s, "anything")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "sso_ticket_invalid");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_account_an_admin_created_is_claimed_by_its_first_sso_sign_in(#[case] backend: Backend) {
    let Some((s, _provider)) = sso_server(backend, |c| {
        c.registration_mode = RegistrationMode::InviteOnly
    })
    .await
    else {
        return;
    };
    let owner = s.owner().await;
    let token = owner.tokens.access_token.clone();
    let created = s
        .post(
            "/api/admin/users",
            Some(&token),
            &json!({"username": "mia", "email": "Mia@Example.test", "display_name": "Mia"}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(created.body["sso_linked"], false);
    s.post(
        "/api/admin/users",
        Some(&token),
        &json!({"username": "MIA", "email": "other@example.test"}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "username_taken");
    let (_, plain) = {
        let invite = s
            .post("/api/admin/invites", Some(&token), &json!({}))
            .await
            .expect(StatusCode::CREATED);
        let code = invite.body["code"].as_str().unwrap().to_owned();
        let auth = s.register("ned", "ned-password", Some(&code)).await;
        (auth.user.id, auth.tokens.access_token)
    };
    s.post(
        "/api/admin/users",
        Some(&plain),
        &json!({"username": "nia", "email": "nia@example.test"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "admin_required");

    // Registration needs an invite, but this account was made for her: her verified email
    // at the provider claims it, once.
    let signed_in = sso_login(&s, "mia", None).await.expect(StatusCode::OK);
    assert_eq!(signed_in.body["user"]["id"], created.body["id"]);
    assert_eq!(signed_in.body["user"]["display_name"], "Mia");
    let again = sso_login(&s, "mia", None).await.expect(StatusCode::OK);
    assert_eq!(
        again.body["user"]["id"], created.body["id"],
        "linked by subject now"
    );
    // Someone else is still refused.
    let refused = sso_login(&s, "mia~2", None).await;
    assert!(
        refused.text.contains("data-code=\"invite_required\""),
        "{}",
        refused.text
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_account_without_a_password_confirms_by_a_recent_sign_in(#[case] backend: Backend) {
    let Some((s, _provider)) = sso_server(backend, |_| {}).await else {
        return;
    };
    s.owner().await;
    let old = sso_login(&s, "nora", None).await.expect(StatusCode::OK);
    let old_token = old.body["access_token"].as_str().unwrap().to_owned();
    let session: uuid::Uuid = old.body["session_id"].as_str().unwrap().parse().unwrap();
    let eleven_minutes_ago = chrono::Utc::now() - chrono::Duration::minutes(11);
    let db = s.db.connect().await;
    db_exec!(
        db,
        "UPDATE sessions SET created_at = $1 WHERE id = $2",
        eleven_minutes_ago,
        session
    );
    // A session from a while ago (or a stolen token) cannot add a password, set up
    // 2FA or delete the account.
    s.post(
        "/api/account/password",
        Some(&old_token),
        &json!({"current_password": "", "new_password": "nora-password"}),
    )
    .await
    .expect_error(StatusCode::UNAUTHORIZED, "reauthentication_required");
    s.post("/api/account/2fa/setup", Some(&old_token), &json!({}))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "reauthentication_required");
    s.call(
        reqwest::Method::DELETE,
        "/api/account",
        Some(&old_token),
        Some(&json!({"password": ""})),
    )
    .await
    .expect_error(StatusCode::UNAUTHORIZED, "reauthentication_required");

    // Signed in just now: it may.
    let fresh = sso_login(&s, "nora", None).await.expect(StatusCode::OK);
    let token = fresh.body["access_token"].as_str().unwrap();
    s.post("/api/account/2fa/setup", Some(token), &json!({}))
        .await
        .expect(StatusCode::OK);
    s.call(
        reqwest::Method::DELETE,
        "/api/account",
        Some(token),
        Some(&json!({"password": ""})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
}
