//! Registration in each mode, invites, first owner, ADMIN_USERNAME and the
//! fresh-instance bootstrap (AUTH-1, AUTH-7, ADM-1, ADM-3, CFG-5, CFG-6), on both backends.

mod common;

use chatalot_server::config::RegistrationMode;
use common::{Backend, TestServer};
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::json;

async fn invite(s: &TestServer, token: &str, body: serde_json::Value) -> String {
    let resp = s
        .post("/api/admin/invites", Some(token), &body)
        .await
        .expect(StatusCode::CREATED);
    resp.body["code"].as_str().unwrap().to_owned()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn open_registration_first_user_is_owner(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(config.body["setup_required"], true);
    assert_eq!(config.body["registration_mode"], "open");
    assert!(
        s.bootstrap.setup_code.is_none(),
        "open mode needs no setup code"
    );

    let first = s.register("alice", "alice-password", None).await;
    assert_eq!(first.user.instance_role, "owner");
    let code = first
        .recovery_code
        .expect("recovery code shown at registration");
    assert_eq!(code.len(), 23);
    let second = s.register("bob", "bob-password", None).await;
    assert_eq!(second.user.instance_role, "user");
    assert!(second.recovery_code.is_some());

    let me = s
        .get("/api/account/me", Some(&second.tokens.access_token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["username"], "bob");
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(config.body["setup_required"], false);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn usernames_are_unique_regardless_of_case_and_validated(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.register("Carol", "carol-password", None).await;
    assert_eq!(
        s.register_raw("carol", "other-password", None)
            .await
            .expect_error(StatusCode::CONFLICT, "username_taken")
            .body["field"],
        "username"
    );
    let bad = s
        .register_raw("c!", "carol-password", None)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(bad.body["field"], "username");
    let short = s
        .register_raw("dave", "short", None)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(short.body["field"], "password");

    let with_email =
        json!({"username": "erin", "password": "erin-password", "email": "Erin@Example.com"});
    s.post("/api/auth/register", None, &with_email)
        .await
        .expect(StatusCode::CREATED);
    let same_email =
        json!({"username": "frank", "password": "frank-password", "email": "erin@example.COM"});
    s.post("/api/auth/register", None, &same_email)
        .await
        .expect_error(StatusCode::CONFLICT, "email_taken");
    // Login by email works too, case-insensitively.
    s.login("ERIN@example.com", "erin-password").await;
    // Nothing of the refused registrations was written.
    s.login_raw("frank", "frank-password")
        .await
        .expect(StatusCode::UNAUTHORIZED);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn invite_only_needs_a_valid_invite(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.registration_mode = RegistrationMode::InviteOnly
    })
    .await
    else {
        return;
    };
    let owner = s.owner().await;
    let token = owner.tokens.access_token.as_str();

    assert_eq!(
        s.register_raw("nocode", "password-123", None)
            .await
            .expect_error(StatusCode::FORBIDDEN, "invite_required")
            .body["field"],
        "invite_code"
    );
    assert_eq!(
        s.register_raw("badcode", "password-123", Some("NOSUCHCODE"))
            .await
            .expect_error(StatusCode::FORBIDDEN, "invite_invalid")
            .body["field"],
        "invite_code"
    );

    let twice = invite(&s, token, json!({ "max_uses": 2 })).await;
    s.register("first", "password-123", Some(&twice)).await;
    s.register("second", "password-123", Some(&twice.to_lowercase()))
        .await;
    assert_eq!(
        s.register_raw("third", "password-123", Some(&twice))
            .await
            .expect_error(StatusCode::FORBIDDEN, "invite_used_up")
            .body["field"],
        "invite_code"
    );

    let expiring = invite(&s, token, json!({ "expires_in_hours": 1 })).await;
    let db = s.db.connect().await;
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    assert_eq!(
        db_exec!(
            db,
            "UPDATE registration_invites SET expires_at = $1 WHERE code = $2",
            past,
            &expiring
        ),
        1
    );
    assert_eq!(
        s.register_raw("late", "password-123", Some(&expiring))
            .await
            .expect_error(StatusCode::FORBIDDEN, "invite_expired")
            .body["field"],
        "invite_code"
    );

    let revoked = s
        .post("/api/admin/invites", Some(token), &json!({}))
        .await
        .expect(StatusCode::CREATED);
    let id = revoked.body["id"].as_str().unwrap();
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/admin/invites/{id}"),
        Some(token),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let code = revoked.body["code"].as_str().unwrap();
    assert_eq!(
        s.register_raw("revoked", "password-123", Some(code))
            .await
            .expect_error(StatusCode::FORBIDDEN, "invite_invalid")
            .body["field"],
        "invite_code"
    );

    // The refused attempts created nobody; the list shows the uses.
    for name in ["nocode", "badcode", "third", "late", "revoked"] {
        s.login_raw(name, "password-123")
            .await
            .expect(StatusCode::UNAUTHORIZED);
    }
    let list = s
        .get("/api/admin/invites", Some(token))
        .await
        .expect(StatusCode::OK);
    let used = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == twice.as_str())
        .unwrap();
    assert_eq!(
        (used["uses"].as_i64(), used["max_uses"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(used["created_by"], owner.user.id.to_string());
    assert_eq!(
        used["created_by_username"], "owner",
        "the list names the creator"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn invite_limits_are_validated_and_admin_only(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let owner = s.owner().await;
    let user = s.register("member", "member-password", None).await;
    let token = owner.tokens.access_token.as_str();
    for bad in [
        json!({"max_uses": 0}),
        json!({"expires_in_hours": 0}),
        json!({"expires_in_hours": 8761}),
    ] {
        s.post("/api/admin/invites", Some(token), &bad)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    invite(&s, token, json!({"max_uses": 1, "expires_in_hours": 8760})).await;
    let member = Some(user.tokens.access_token.as_str());
    s.post("/api/admin/invites", member, &json!({}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "admin_required");
    s.get("/api/admin/invites", member)
        .await
        .expect_error(StatusCode::FORBIDDEN, "admin_required");
    s.get("/api/admin/audit-log", member)
        .await
        .expect_error(StatusCode::FORBIDDEN, "admin_required");
    let unknown = uuid::Uuid::now_v7();
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/admin/invites/{unknown}"),
        Some(token),
        None,
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "invite_not_found");
    let list = s
        .get("/api/admin/invites", Some(token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        list.body.as_array().unwrap().len(),
        1,
        "refused creations wrote nothing"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn closed_registration_refuses_everyone_but_the_setup_code(#[case] backend: Backend) {
    let Some(s) =
        TestServer::start_with(backend, |c| c.registration_mode = RegistrationMode::Closed).await
    else {
        return;
    };
    let setup = s
        .bootstrap
        .setup_code
        .clone()
        .expect("closed fresh instance prints a setup code");
    s.register_raw("early", "password-123", None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "registration_closed");
    let owner = s.register("owner", "password-123", Some(&setup)).await;
    assert_eq!(owner.user.instance_role, "owner");
    s.register_raw("late", "password-123", Some(&setup))
        .await
        .expect_error(StatusCode::FORBIDDEN, "registration_closed");
    s.register_raw("late", "password-123", None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "registration_closed");
    // An invite does not open a closed instance either.
    let code = invite(&s, &owner.tokens.access_token, json!({})).await;
    s.register_raw("invited", "password-123", Some(&code))
        .await
        .expect_error(StatusCode::FORBIDDEN, "registration_closed");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn invite_only_bootstrap_with_the_setup_code(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.registration_mode = RegistrationMode::InviteOnly
    })
    .await
    else {
        return;
    };
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(config.body["setup_required"], true);
    assert_eq!(config.body["registration_mode"], "invite_only");
    let setup = s
        .bootstrap
        .setup_code
        .clone()
        .expect("setup code while no owner exists");

    assert_eq!(
        s.register_raw("guess", "password-123", Some("AAAAAAAAAAAA"))
            .await
            .expect_error(StatusCode::FORBIDDEN, "invite_invalid")
            .body["field"],
        "invite_code"
    );
    // Called what it is: before the owner exists a code can only be the setup code.
    let wrong = s
        .register_raw("guess", "password-123", Some("BBBBBBBBBBBB"))
        .await
        .expect_error(StatusCode::FORBIDDEN, "invite_invalid");
    assert!(
        wrong.body["message"]
            .as_str()
            .unwrap()
            .contains("setup code is not valid"),
        "{}",
        wrong.text
    );
    // The code is typed by people: case and separators do not matter.
    let typed = format!("{}-{}", &setup[..6], &setup[6..]).to_lowercase();
    let owner = s.register("owner", "password-123", Some(&typed)).await;
    assert_eq!(owner.user.instance_role, "owner");
    assert_eq!(
        s.register_raw("second", "password-123", Some(&setup))
            .await
            .expect_error(StatusCode::FORBIDDEN, "invite_invalid")
            .body["field"],
        "invite_code"
    );
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(config.body["setup_required"], false);

    // After a restart no setup code is offered any more.
    let s = s.restart_with(|_| {}).await;
    assert!(s.bootstrap.setup_code.is_none());
    assert!(!s.bootstrap.needs_owner);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn admin_username_is_granted_at_registration_and_at_start(#[case] backend: Backend) {
    let Some(s) =
        TestServer::start_with(backend, |c| c.admin_username = Some("Alice".into())).await
    else {
        return;
    };
    s.owner().await;
    let alice = s.register("alice", "password-123", None).await;
    assert_eq!(
        alice.user.instance_role, "admin",
        "ADMIN_USERNAME matches case-insensitively"
    );
    let bob = s.register("bob", "password-123", None).await;
    assert_eq!(bob.user.instance_role, "user");

    let s = s
        .restart_with(|c| c.admin_username = Some("bob".into()))
        .await;
    let me = s
        .get("/api/account/me", Some(&bob.tokens.access_token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["instance_role"], "admin", "granted at start-up");
    // The owner named as ADMIN_USERNAME stays owner.
    let s = s
        .restart_with(|c| c.admin_username = Some("owner".into()))
        .await;
    let owner = s.login("owner", "owner-password").await;
    assert_eq!(owner.user.instance_role, "owner");
    let log = s
        .get(
            "/api/admin/audit-log?action=admin.granted",
            Some(&owner.tokens.access_token),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        log.body.as_array().unwrap().len(),
        1,
        "one grant at start-up: {}",
        log.text
    );
}
