//! Login, lockout, access tokens, refresh rotation and reuse detection, sessions,
//! password change, recovery code, logout and account deletion (AUTH-3..5, AUTH-7,
//! AUTH-9), on both backends.

mod common;

use std::time::Duration;

use chatalot_server::api::{AuthResponse, SessionInfo, Tokens};
use chatalot_server::auth::keys::generate_ed25519_pem;
use chatalot_server::auth::tokens::{ACCESS_TOKEN_TTL, TokenKeys};
use chatalot_server::config::LockoutPolicy;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

async fn me_status(s: &TestServer, token: &str) -> StatusCode {
    s.get("/api/account/me", Some(token)).await.status
}

async fn refresh(s: &TestServer, refresh_token: &str) -> common::Resp {
    s.post(
        "/api/auth/refresh",
        None,
        &json!({ "refresh_token": refresh_token }),
    )
    .await
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn login_succeeds_and_failures_do_not_reveal_accounts(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.register("alice", "alice-password", None).await;

    let ok = s.login("alice", "alice-password").await;
    assert_eq!(ok.user.username, "alice");
    assert_eq!(ok.tokens.token_type, "Bearer");
    assert!(
        ok.tokens.expires_in > 800 && ok.tokens.expires_in <= 900,
        "15 minutes: {}",
        ok.tokens.expires_in
    );
    assert_eq!(me_status(&s, &ok.tokens.access_token).await, StatusCode::OK);

    let wrong = s
        .login_raw("alice", "wrong-password")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    let unknown = s
        .login_raw("nobody", "wrong-password")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    assert_eq!(
        wrong.body, unknown.body,
        "same answer whether or not the account exists"
    );
    s.login_raw("ALICE", "alice-password")
        .await
        .expect(StatusCode::OK);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn failed_logins_lock_the_name_for_a_while(#[case] backend: Backend) {
    let policy = LockoutPolicy {
        max_failures: 3,
        window: Duration::from_secs(600),
        lock_for: Duration::from_secs(600),
    };
    let Some(s) = TestServer::start_with(backend, |c| c.tuning.lockout = policy).await else {
        return;
    };
    s.register("alice", "alice-password", None).await;

    for _ in 0..3 {
        s.login_raw("alice", "bad-password")
            .await
            .expect_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let locked = s
        .login_raw("alice", "alice-password")
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    let retry: u64 = locked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        retry > 500 && retry <= 600,
        "Retry-After close to the lock time: {retry}"
    );

    // Unknown names lock the same way, so a lockout reveals nothing.
    for _ in 0..3 {
        s.login_raw("ghost", "bad-password")
            .await
            .expect_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let ghost = s
        .login_raw("ghost", "bad-password")
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert_eq!(ghost.body["code"], locked.body["code"]);

    // Other accounts are unaffected; when the lock expires, the right password works.
    s.register("bob", "bob-password", None).await;
    s.login("bob", "bob-password").await;
    let db = s.db.connect().await;
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    db_exec!(
        db,
        "UPDATE login_attempts SET locked_until = $1 WHERE username_key = 'alice'",
        past
    );
    s.login("alice", "alice-password").await;

    let owner = s.login("alice", "alice-password").await;
    let log = s
        .get(
            "/api/admin/audit-log?action=login.locked",
            Some(&owner.tokens.access_token),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        log.body.as_array().unwrap().len(),
        2,
        "both lockouts audited: {}",
        log.text
    );
    let path = format!(
        "/api/admin/audit-log?action=login.failed&user_id={}",
        owner.user.id
    );
    let failures = s
        .get(&path, Some(&owner.tokens.access_token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        failures.body.as_array().unwrap().len(),
        3,
        "failures against a real account name it: {}",
        failures.text
    );
    assert!(failures.body[0]["ip"].as_str().is_some());
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn expired_tampered_and_foreign_access_tokens_are_rejected(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let alice = s.register("alice", "alice-password", None).await;
    let keys =
        TokenKeys::from_pem(s.config.jwt.private_pem.expose(), &s.config.jwt.public_pem).unwrap();
    let (user, session) = (alice.user.id, alice.tokens.session_id);

    // Signed with the server's own key, for a live session, but expired.
    let issued = chrono::Utc::now() - ACCESS_TOKEN_TTL - chrono::Duration::seconds(30);
    let (expired, _) = keys.issue(user, session, issued).unwrap();
    s.get("/api/account/me", Some(&expired))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");
    let (fresh, _) = keys.issue(user, session, chrono::Utc::now()).unwrap();
    assert_eq!(
        me_status(&s, &fresh).await,
        StatusCode::OK,
        "the same token, unexpired, works"
    );

    let token = &alice.tokens.access_token;
    let (head, rest) = token.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    // Claims of another user with the original signature.
    let forged_claims = format!(
        "{head}.{}.{signature}",
        base64_url(&format!(
            r#"{{"sub":"{}","sid":"{session}","iat":0,"exp":9999999999,"iss":"chatalot","aud":"chatalot-api"}}"#,
            uuid::Uuid::now_v7()
        ))
    );
    s.get("/api/account/me", Some(&forged_claims))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");
    let mut bad_signature = token.clone();
    let last = bad_signature.pop().unwrap();
    bad_signature.push(if last == 'A' { 'B' } else { 'A' });
    s.get("/api/account/me", Some(&bad_signature))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");

    let (other_private, other_public) = generate_ed25519_pem();
    let other = TokenKeys::from_pem(&other_private, &other_public).unwrap();
    let (foreign, _) = other.issue(user, session, chrono::Utc::now()).unwrap();
    s.get("/api/account/me", Some(&foreign))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");

    let unsigned = format!(
        "{}.{}.",
        base64_url(r#"{"alg":"none","typ":"JWT"}"#),
        rest.split_once('.').unwrap().0
    );
    s.get("/api/account/me", Some(&unsigned))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");
    s.get("/api/account/me", None)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "missing_token");
    s.get("/api/account/me", Some("not-a-jwt"))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn refresh_rotates_and_reuse_ends_the_session(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let alice = s.register("alice", "alice-password", None).await;
    let other_device = s.login("alice", "alice-password").await;

    let first: Tokens = refresh(&s, &alice.tokens.refresh_token)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_ne!(first.refresh_token, alice.tokens.refresh_token, "rotated");
    // Usually within the same second as registration: clients tell a refreshed pair
    // from a spent one by its access token, so even then it must be new.
    assert_ne!(
        first.access_token, alice.tokens.access_token,
        "new access token"
    );
    assert_eq!(first.session_id, alice.tokens.session_id, "same session");
    assert_eq!(me_status(&s, &first.access_token).await, StatusCode::OK);
    let second: Tokens = refresh(&s, &first.refresh_token)
        .await
        .expect(StatusCode::OK)
        .json();

    // The first token again: someone kept a copy. The whole session ends.
    refresh(&s, &alice.tokens.refresh_token)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "refresh_token_reused");
    refresh(&s, &second.refresh_token)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    s.get("/api/account/me", Some(&second.access_token))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "session_ended");
    // Other sessions of the user are untouched.
    assert_eq!(
        me_status(&s, &other_device.tokens.access_token).await,
        StatusCode::OK
    );

    refresh(&s, "made-up-token")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_refresh_token");

    // An expired session cannot be refreshed.
    let db = s.db.connect().await;
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    db_exec!(
        db,
        "UPDATE sessions SET expires_at = $1 WHERE id = $2",
        past,
        other_device.tokens.session_id
    );
    refresh(&s, &other_device.tokens.refresh_token)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    s.get("/api/account/me", Some(&other_device.tokens.access_token))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "session_ended");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn sessions_are_listed_and_revoked(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let laptop = s.register("alice", "alice-password", None).await;
    let phone = s.login("alice", "alice-password").await;
    let tablet = s.login("alice", "alice-password").await;
    let bob = s.register("bob", "bob-password", None).await;
    let token = laptop.tokens.access_token.as_str();

    let sessions: Vec<SessionInfo> = s
        .get("/api/account/sessions", Some(token))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(sessions.len(), 3, "only alice's sessions");
    assert_eq!(sessions.iter().filter(|x| x.current).count(), 1);
    assert!(
        sessions
            .iter()
            .find(|x| x.current)
            .is_some_and(|x| x.id == laptop.tokens.session_id)
    );
    assert!(
        sessions
            .iter()
            .all(|x| x.ip.as_deref() == Some("127.0.0.1") && x.user_agent.is_none())
    );

    let phone_path = format!("/api/account/sessions/{}", phone.tokens.session_id);
    // Bob cannot end Alice's session: it is not his to see.
    s.call(
        Method::DELETE,
        &phone_path,
        Some(&bob.tokens.access_token),
        None,
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "session_not_found");
    assert_eq!(
        me_status(&s, &phone.tokens.access_token).await,
        StatusCode::OK
    );

    s.call(Method::DELETE, &phone_path, Some(token), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        me_status(&s, &phone.tokens.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    refresh(&s, &phone.tokens.refresh_token)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_refresh_token");

    let revoked = s
        .post(
            "/api/account/sessions/revoke-others",
            Some(token),
            &json!({}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(revoked.body["revoked"], 1);
    assert_eq!(
        me_status(&s, &tablet.tokens.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me_status(&s, token).await, StatusCode::OK);
    assert_eq!(
        me_status(&s, &bob.tokens.access_token).await,
        StatusCode::OK
    );

    s.post("/api/auth/logout", Some(token), &json!({}))
        .await
        .expect(StatusCode::NO_CONTENT);
    assert_eq!(me_status(&s, token).await, StatusCode::UNAUTHORIZED);
    refresh(&s, &laptop.tokens.refresh_token)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn password_change_ends_other_sessions(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let here = s.register("alice", "old-password", None).await;
    let elsewhere = s.login("alice", "old-password").await;
    let token = Some(here.tokens.access_token.as_str());

    let wrong = json!({"current_password": "not-it", "new_password": "new-password"});
    s.post("/api/account/password", token, &wrong)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "wrong_password");
    let weak = json!({"current_password": "old-password", "new_password": "short"});
    s.post("/api/account/password", token, &weak)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(
        me_status(&s, &elsewhere.tokens.access_token).await,
        StatusCode::OK,
        "refused changes end nothing"
    );

    let change = json!({"current_password": "old-password", "new_password": "new-password"});
    let done = s
        .post("/api/account/password", token, &change)
        .await
        .expect(StatusCode::OK);
    assert_eq!(done.body["sessions_ended"], 1);
    assert_eq!(
        me_status(&s, &elsewhere.tokens.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    refresh(&s, &elsewhere.tokens.refresh_token)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    assert_eq!(
        me_status(&s, &here.tokens.access_token).await,
        StatusCode::OK,
        "the changing session stays"
    );
    s.login_raw("alice", "old-password")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    s.login("alice", "new-password").await;
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn recovery_code_resets_the_password_once(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let alice = s.register("alice", "forgotten-password", None).await;
    let code = alice.recovery_code.clone().unwrap();

    let recover = |code: String, password: &'static str| json!({"username": "alice", "recovery_code": code, "new_password": password});
    s.post(
        "/api/auth/recover",
        None,
        &recover("AAAAA-AAAAA-AAAAA-AAAAA".into(), "new-password"),
    )
    .await
    .expect_error(StatusCode::UNAUTHORIZED, "invalid_recovery_code");
    let unknown =
        json!({"username": "nobody", "recovery_code": code, "new_password": "new-password"});
    s.post("/api/auth/recover", None, &unknown)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_recovery_code");

    // Typed without dashes and in lower case.
    let typed = code.replace('-', "").to_lowercase();
    let recovered: AuthResponse = s
        .post("/api/auth/recover", None, &recover(typed, "new-password"))
        .await
        .expect(StatusCode::OK)
        .json();
    let new_code = recovered
        .recovery_code
        .clone()
        .expect("a new recovery code");
    assert_ne!(new_code, code);
    assert_eq!(
        me_status(&s, &alice.tokens.access_token).await,
        StatusCode::UNAUTHORIZED,
        "old sessions end"
    );
    assert_eq!(
        me_status(&s, &recovered.tokens.access_token).await,
        StatusCode::OK
    );
    s.login("alice", "new-password").await;

    s.post("/api/auth/recover", None, &recover(code, "third-password"))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_recovery_code");

    // Regenerating needs the password and replaces the code.
    let token = Some(recovered.tokens.access_token.as_str());
    s.post(
        "/api/account/recovery-code",
        token,
        &json!({"password": "wrong"}),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
    let regenerated = s
        .post(
            "/api/account/recovery-code",
            token,
            &json!({"password": "new-password"}),
        )
        .await
        .expect(StatusCode::OK);
    let newest = regenerated.body["recovery_code"]
        .as_str()
        .unwrap()
        .to_owned();
    s.post(
        "/api/auth/recover",
        None,
        &recover(new_code, "fourth-password"),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
    s.post(
        "/api/auth/recover",
        None,
        &recover(newest, "fourth-password"),
    )
    .await
    .expect(StatusCode::OK);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn profile_email_and_account_deletion(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let owner = s.owner().await;
    let alice = s.register("alice", "alice-password", None).await;
    let token = Some(alice.tokens.access_token.as_str());

    let update = json!({"display_name": "Alice A.", "bio": "Hello", "pronouns": "she/her"});
    let me = s
        .call(Method::PATCH, "/api/account/me", token, Some(&update))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (me.body["display_name"].as_str(), me.body["bio"].as_str()),
        (Some("Alice A."), Some("Hello"))
    );
    let clear = json!({"bio": null});
    let me = s
        .call(Method::PATCH, "/api/account/me", token, Some(&clear))
        .await
        .expect(StatusCode::OK);
    assert!(me.body["bio"].is_null(), "null clears");
    assert_eq!(me.body["pronouns"], "she/her", "absent keeps");
    let too_long = json!({"display_name": "x".repeat(65)});
    s.call(Method::PATCH, "/api/account/me", token, Some(&too_long))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");

    let email = json!({"password": "alice-password", "email": "alice@example.com"});
    let me = s
        .call(Method::PUT, "/api/account/email", token, Some(&email))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["email"], "alice@example.com");
    let bad = json!({"password": "wrong", "email": "other@example.com"});
    s.call(Method::PUT, "/api/account/email", token, Some(&bad))
        .await
        .expect(StatusCode::UNAUTHORIZED);

    let owner_token = Some(owner.tokens.access_token.as_str());
    s.call(
        Method::DELETE,
        "/api/account",
        owner_token,
        Some(&json!({"password": "owner-password"})),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "owner_cannot_delete");
    s.call(
        Method::DELETE,
        "/api/account",
        token,
        Some(&json!({"password": "wrong"})),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
    s.call(
        Method::DELETE,
        "/api/account",
        token,
        Some(&json!({"password": "alice-password"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        me_status(&s, &alice.tokens.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    s.login_raw("alice", "alice-password")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    // The name is free again.
    s.register("alice", "another-password", None).await;
    let log = s
        .get("/api/admin/audit-log?action=account.deleted", owner_token)
        .await
        .expect(StatusCode::OK);
    assert_eq!(log.body[0]["details"]["username"], "alice");
}
