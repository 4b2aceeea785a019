//! TOTP two-factor authentication (AUTH-6, ADM-5) on both backends: setup and
//! enabling, the second step of signing in, replay, backup codes, lockout,
//! recovery, turning it off, an admin's reset, encryption at rest and a changed
//! TOTP_ENCRYPTION_KEY.

mod common;

use std::time::Duration;

use chatalot_server::auth::totp;
use chatalot_server::config::LockoutPolicy;
use common::{Backend, Resp, TestServer};
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::{Value, json};

/// The raw secret of a setup answer.
fn secret_of(setup: &Resp) -> Vec<u8> {
    let base32 = setup.body["secret"].as_str().unwrap().to_owned();
    totp_rs::Secret::Encoded(base32).to_bytes().unwrap()
}

/// The code of the current step shifted by `offset` steps (±1 is accepted).
fn code(secret: &[u8], offset: i64) -> String {
    totp::code_at_step(
        secret,
        totp::step_of(chrono::Utc::now().timestamp()) + offset,
    )
}

/// Registers `name` and turns 2FA on; returns (token, secret, backup codes). The
/// current step's code is spent by enabling.
async fn with_two_factor(s: &TestServer, name: &str) -> (String, Vec<u8>, Vec<String>) {
    let auth = s.register(name, &format!("{name}-password"), None).await;
    let token = auth.tokens.access_token;
    let setup = s
        .post(
            "/api/account/2fa/setup",
            Some(&token),
            &json!({"password": format!("{name}-password")}),
        )
        .await
        .expect(StatusCode::OK);
    let secret = secret_of(&setup);
    let enabled = s
        .post(
            "/api/account/2fa/enable",
            Some(&token),
            &json!({"code": code(&secret, 0)}),
        )
        .await
        .expect(StatusCode::OK);
    let codes = enabled.body["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (token, secret, codes)
}

async fn challenge(s: &TestServer, name: &str) -> String {
    let resp = s
        .login_raw(name, &format!("{name}-password"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(resp.body["two_factor_required"], true, "{}", resp.text);
    assert!(resp.body.get("access_token").is_none(), "no session yet");
    resp.body["challenge_token"].as_str().unwrap().to_owned()
}

async fn second_step(s: &TestServer, challenge: &str, code: &str) -> Resp {
    s.post(
        "/api/auth/login/2fa",
        None,
        &json!({"challenge_token": challenge, "code": code}),
    )
    .await
}

async fn actions(s: &TestServer, token: &str) -> Vec<Value> {
    let log = s
        .get("/api/admin/audit-log?limit=200", Some(token))
        .await
        .expect(StatusCode::OK);
    log.body.as_array().unwrap().clone()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn setup_enable_sign_in_replay_backup_codes_and_disable(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let owner = s.owner().await;
    let auth = s.register("alice", "alice-password", None).await;
    let token = auth.tokens.access_token;
    assert!(!auth.user.two_factor_enabled);

    s.post(
        "/api/account/2fa/setup",
        Some(&token),
        &json!({"password": "wrong"}),
    )
    .await
    .expect_error(StatusCode::UNAUTHORIZED, "wrong_password");
    s.post(
        "/api/account/2fa/enable",
        Some(&token),
        &json!({"code": "123456"}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "two_factor_setup_required");
    let setup = s
        .post(
            "/api/account/2fa/setup",
            Some(&token),
            &json!({"password": "alice-password"}),
        )
        .await
        .expect(StatusCode::OK);
    let secret = secret_of(&setup);
    assert_eq!(secret.len(), totp::SECRET_LEN);
    let uri = setup.body["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Chatalot:alice?"), "{uri}");
    assert!(setup.body["qr_svg"].as_str().unwrap().contains("<svg"));
    // Not on until confirmed: signing in still takes only the password.
    assert!(
        s.login("alice", "alice-password")
            .await
            .tokens
            .access_token
            .len()
            > 10
    );

    let wrong = if code(&secret, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    s.post(
        "/api/account/2fa/enable",
        Some(&token),
        &json!({"code": wrong}),
    )
    .await
    .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");
    let enabled = s
        .post(
            "/api/account/2fa/enable",
            Some(&token),
            &json!({"code": code(&secret, 0)}),
        )
        .await
        .expect(StatusCode::OK);
    let backup: Vec<String> = enabled.json::<chatalot_server::api::BackupCodes>().codes;
    assert_eq!(backup.len(), 10);
    let me = s
        .get("/api/account/me", Some(&token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["two_factor_enabled"], true);
    let status = s
        .get("/api/account/2fa", Some(&token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(status.body["backup_codes_remaining"], 10);
    s.post(
        "/api/account/2fa/setup",
        Some(&token),
        &json!({"password": "alice-password"}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "two_factor_already_enabled");

    // Password, then a code. The next step's code is accepted once.
    let first = challenge(&s, "alice").await;
    second_step(&s, &first, wrong)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");
    let next = code(&secret, 1);
    let signed_in = second_step(&s, &first, &next).await.expect(StatusCode::OK);
    assert_eq!(signed_in.body["user"]["username"], "alice");
    second_step(&s, &first, &next)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "challenge_expired");
    let replay = challenge(&s, "alice").await;
    second_step(&s, &replay, &next)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");
    // The code of the step already used is refused too (codes only move forward).
    second_step(&s, &replay, &code(&secret, 0))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");

    // A backup code works once, typed in any case and without its dash.
    let typed = backup[0].to_lowercase().replace('-', "");
    second_step(&s, &replay, &typed)
        .await
        .expect(StatusCode::OK);
    let again = challenge(&s, "alice").await;
    second_step(&s, &again, &backup[0])
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");
    let status = s
        .get("/api/account/2fa", Some(&token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(status.body["backup_codes_remaining"], 9);

    // New backup codes need password and a code; the old ones stop working.
    let renewed = s
        .post(
            "/api/account/2fa/backup-codes",
            Some(&token),
            &json!({"password": "alice-password", "code": backup[1]}),
        )
        .await
        .expect(StatusCode::OK);
    let renewed: Vec<String> = renewed.json::<chatalot_server::api::BackupCodes>().codes;
    second_step(&s, &again, &backup[2])
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");

    // Off with password and a (backup) code; then the password alone signs in.
    s.post(
        "/api/account/2fa/disable",
        Some(&token),
        &json!({"password": "wrong", "code": renewed[0]}),
    )
    .await
    .expect_error(StatusCode::UNAUTHORIZED, "wrong_password");
    s.post(
        "/api/account/2fa/disable",
        Some(&token),
        &json!({"password": "alice-password", "code": wrong}),
    )
    .await
    .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");
    s.post(
        "/api/account/2fa/disable",
        Some(&token),
        &json!({"password": "alice-password", "code": renewed[0]}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.login("alice", "alice-password").await;
    assert_eq!(
        s.db.count("SELECT COUNT(*) FROM backup_codes", &[]).await,
        0
    );

    let log = actions(&s, &owner.tokens.access_token).await;
    let named = |action: &str| log.iter().filter(|e| e["action"] == action).count();
    assert_eq!(named("two_factor.enabled"), 1);
    assert_eq!(named("two_factor.disabled"), 1);
    assert_eq!(
        named("two_factor.backup_code_used"),
        3,
        "sign-in, renewal, disabling"
    );
    assert_eq!(named("two_factor.backup_codes_regenerated"), 1);
    assert!(named("two_factor.failed") >= 4);
    let used = log
        .iter()
        .find(|e| e["action"] == "two_factor.backup_code_used")
        .unwrap();
    assert!(
        used["ip"].as_str().is_some_and(|ip| ip.starts_with("127.")),
        "{used}"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn one_code_signs_in_once_even_when_sent_twice_at_once(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, secret, _) = with_two_factor(&s, "bob").await;
    let (a, b) = (challenge(&s, "bob").await, challenge(&s, "bob").await);
    let next = code(&secret, 1);
    let (ra, rb) = tokio::join!(second_step(&s, &a, &next), second_step(&s, &b, &next));
    let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 401], "{} / {}", ra.text, rb.text);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn wrong_codes_count_toward_the_account_lockout(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.tuning.lockout = LockoutPolicy {
            max_failures: 5,
            window: Duration::from_secs(600),
            lock_for: Duration::from_secs(600),
        }
    })
    .await
    else {
        return;
    };
    let (_, secret, backup) = with_two_factor(&s, "carol").await;
    let ticket = challenge(&s, "carol").await;
    let wrong = if code(&secret, 1) == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..2 {
        second_step(&s, &ticket, wrong)
            .await
            .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");
    }
    // The right password does not reset the count of wrong codes: until signing in
    // is done, each password step counts as an attempt too (here the 1st and 4th).
    let ticket = challenge(&s, "carol").await;
    second_step(&s, &ticket, wrong)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");
    second_step(&s, &ticket, &backup[0])
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    s.login_raw("carol", "carol-password")
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn recovery_of_an_account_with_two_factor_takes_a_code(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let auth = s.register("dave", "dave-password", None).await;
    let recovery = auth.recovery_code.unwrap();
    let token = auth.tokens.access_token;
    let setup = s
        .post(
            "/api/account/2fa/setup",
            Some(&token),
            &json!({"password": "dave-password"}),
        )
        .await
        .expect(StatusCode::OK);
    let enabled = s
        .post(
            "/api/account/2fa/enable",
            Some(&token),
            &json!({"code": code(&secret_of(&setup), 0)}),
        )
        .await
        .expect(StatusCode::OK);
    let backup = enabled.body["codes"][0].as_str().unwrap().to_owned();
    let recover = |code: Option<&str>| {
        let mut body = json!({"username": "dave", "recovery_code": recovery, "new_password": "dave-new-password"});
        if let Some(code) = code {
            body["two_factor_code"] = json!(code);
        }
        body
    };
    let missing = s
        .post("/api/auth/recover", None, &recover(None))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "two_factor_required");
    assert_eq!(missing.body["field"], "two_factor_code");
    let wrong = s
        .post(
            "/api/auth/recover",
            None,
            &recover(Some("000000-not-a-code")),
        )
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_code");
    assert_eq!(wrong.body["field"], "two_factor_code");
    s.login_raw("dave", "dave-new-password")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    s.post("/api/auth/recover", None, &recover(Some(&backup)))
        .await
        .expect(StatusCode::OK);
    let resp = s
        .login_raw("dave", "dave-new-password")
        .await
        .expect(StatusCode::OK);
    assert_eq!(resp.body["two_factor_required"], true, "2FA stays on");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_secret_is_encrypted_for_its_account_and_a_changed_key_fails_clearly(
    #[case] backend: Backend,
) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let owner = s.owner().await;
    let (token, secret, _) = with_two_factor(&s, "erin").await;
    let me: chatalot_server::api::UserProfile = s
        .get("/api/account/me", Some(&token))
        .await
        .expect(StatusCode::OK)
        .json();

    let db = s.db.connect().await;
    let (sealed,): (Vec<u8>,) = match &db {
        chatalot_server::store::Db::Postgres(pool, _) => {
            sqlx::query_as("SELECT secret_enc FROM totp_secrets")
                .fetch_one(pool)
                .await
                .unwrap()
        }
        chatalot_server::store::Db::Sqlite(pool, _) => {
            sqlx::query_as("SELECT secret_enc FROM totp_secrets")
                .fetch_one(pool)
                .await
                .unwrap()
        }
    };
    assert!(
        !sealed.windows(secret.len()).any(|w| w == secret.as_slice()),
        "not stored in plain"
    );
    let base32 = totp::base32(&secret);
    assert!(!sealed.windows(base32.len()).any(|w| w == base32.as_bytes()));
    let key = *s.config.totp_encryption_key.expose();
    assert_eq!(totp::open(&key, me.id, &sealed).unwrap(), secret);
    assert!(
        totp::open(&key, owner.user.id, &sealed).is_err(),
        "bound to its account"
    );
    assert!(
        totp::open(&rand::random(), me.id, &sealed).is_err(),
        "bound to its key"
    );

    // Another TOTP_ENCRYPTION_KEY: a clear 503, never a panic or a 500.
    let s = s
        .restart_with(|c| {
            c.totp_encryption_key = chatalot_server::config::Secret::new(rand::random());
        })
        .await;
    let ticket = challenge(&s, "erin").await;
    let resp = second_step(&s, &ticket, &code(&secret, 1))
        .await
        .expect_error(StatusCode::SERVICE_UNAVAILABLE, "two_factor_unavailable");
    assert!(
        resp.body["message"]
            .as_str()
            .unwrap()
            .contains("administrator")
    );
    // An administrator resets it; the password alone signs in again.
    let owner = s.login("owner", "owner-password").await;
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/admin/users/{}/2fa", me.id),
        Some(&owner.tokens.access_token),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.login("erin", "erin-password").await;
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn only_an_admin_above_the_account_resets_its_two_factor(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let owner = s.owner().await;
    let (frank_token, _, _) = with_two_factor(&s, "frank").await;
    let frank: chatalot_server::api::UserProfile = s
        .get("/api/account/me", Some(&frank_token))
        .await
        .expect(StatusCode::OK)
        .json();
    let (gina_id, gina_token) = s.user("gina").await;
    let reset = |id: uuid::Uuid, token: String| {
        let s = &s;
        async move {
            s.call(
                reqwest::Method::DELETE,
                &format!("/api/admin/users/{id}/2fa"),
                Some(&token),
                None,
            )
            .await
        }
    };
    reset(frank.id, gina_token.clone())
        .await
        .expect_error(StatusCode::FORBIDDEN, "admin_required");
    let admin_view = s
        .get(
            &format!("/api/admin/users/{}", frank.id),
            Some(&owner.tokens.access_token),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(admin_view.body["two_factor_enabled"], true);
    reset(frank.id, owner.tokens.access_token.clone())
        .await
        .expect(StatusCode::NO_CONTENT);
    reset(frank.id, owner.tokens.access_token.clone())
        .await
        .expect_error(StatusCode::CONFLICT, "two_factor_not_enabled");
    reset(gina_id, owner.tokens.access_token.clone())
        .await
        .expect_error(StatusCode::CONFLICT, "two_factor_not_enabled");
    s.login("frank", "frank-password").await;
    let log = actions(&s, &owner.tokens.access_token).await;
    let entry = log
        .iter()
        .find(|e| e["action"] == "two_factor.reset")
        .unwrap();
    assert_eq!(entry["target_user_id"], json!(frank.id));
    assert_eq!(entry["actor_id"], json!(owner.user.id));
}
