//! Instance administration of accounts (ADM-2) on both backends: search and
//! pagination, suspension ending sessions at once, admin grants, password resets,
//! deletion, and handing instance ownership over.

mod common;

use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn administrators_manage_accounts(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, root) = s.user("root").await;
    let (admin_id, _) = s.user("helper").await;
    let (alice_id, alice) = s.user("alice").await;
    for i in 0..5 {
        s.user(&format!("user{i}")).await;
    }
    let root = Some(root.as_str());

    // Search and paginate.
    let page = s
        .get("/api/admin/users?limit=3", root)
        .await
        .expect(StatusCode::OK);
    assert_eq!(page.body.as_array().unwrap().len(), 3);
    let last = page.body[2]["id"].as_str().unwrap();
    let next = s
        .get(&format!("/api/admin/users?limit=10&after={last}"), root)
        .await
        .expect(StatusCode::OK);
    assert_eq!(next.body.as_array().unwrap().len(), 5, "8 accounts in all");
    let found = s
        .get("/api/admin/users?query=ALI", root)
        .await
        .expect(StatusCode::OK);
    assert_eq!(found.body.as_array().unwrap().len(), 1);
    assert_eq!(found.body[0]["username"], "alice");
    let literal = s
        .get("/api/admin/users?query=%25", root)
        .await
        .expect(StatusCode::OK);
    assert_eq!(literal.body, json!([]), "% is not a wildcard");

    // The owner makes an admin; admins cannot make admins.
    let grant = json!({"role": "admin"});
    s.call(
        Method::PUT,
        &format!("/api/admin/users/{admin_id}/role"),
        root,
        Some(&grant),
    )
    .await
    .expect(StatusCode::OK);
    let helper = s
        .login("helper", "helper-password")
        .await
        .tokens
        .access_token;
    let helper = Some(helper.as_str());
    s.call(
        Method::PUT,
        &format!("/api/admin/users/{alice_id}/role"),
        helper,
        Some(&grant),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "owner_only");

    // Suspension ends every session at once and blocks sign-in.
    let second_device = s.login("alice", "alice-password").await;
    let suspended = s
        .post(
            &format!("/api/admin/users/{alice_id}/suspend"),
            helper,
            &json!({"reason": "spam"}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(suspended.body["suspended_reason"], "spam");
    for token in [&alice, &second_device.tokens.access_token] {
        assert_eq!(
            s.get("/api/account/me", Some(token)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    s.post(
        "/api/auth/refresh",
        None,
        &json!({"refresh_token": second_device.tokens.refresh_token}),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
    s.login_raw("alice", "alice-password")
        .await
        .expect_error(StatusCode::FORBIDDEN, "account_suspended");
    s.post(
        &format!("/api/admin/users/{alice_id}/unsuspend"),
        helper,
        &json!({}),
    )
    .await
    .expect(StatusCode::OK);
    s.login("alice", "alice-password").await;

    // A password reset returns a temporary password and ends sessions.
    let reset = s
        .post(
            &format!("/api/admin/users/{alice_id}/reset-password"),
            helper,
            &json!({}),
        )
        .await
        .expect(StatusCode::OK);
    let temporary = reset.body["temporary_password"]
        .as_str()
        .unwrap()
        .to_owned();
    s.login_raw("alice", "alice-password")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    s.login("alice", &temporary).await;

    // Admins cannot act on the owner or on each other.
    let root_id = s.get("/api/account/me", root).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.post(
        &format!("/api/admin/users/{root_id}/suspend"),
        helper,
        &json!({}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    s.call(
        Method::DELETE,
        &format!("/api/admin/users/{root_id}"),
        helper,
        None,
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");

    // Deletion removes the account.
    s.call(
        Method::DELETE,
        &format!("/api/admin/users/{alice_id}"),
        helper,
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.login_raw("alice", &temporary)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    s.get(&format!("/api/admin/users/{alice_id}"), helper)
        .await
        .expect_error(StatusCode::NOT_FOUND, "user_not_found");

    // Every step is audited.
    let log = s
        .get("/api/admin/audit-log?limit=200", root)
        .await
        .expect(StatusCode::OK);
    let actions: Vec<&str> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Entries name the accounts involved while they exist.
    let suspended = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "admin.user_unsuspended")
        .unwrap();
    assert_eq!(
        suspended["target_username"],
        Value::Null,
        "alice was deleted"
    );
    assert_eq!(suspended["actor_username"], "helper", "{suspended}");
    let granted = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "admin.granted")
        .unwrap();
    assert_eq!(granted["target_username"], "helper", "{granted}");
    assert!(granted["target_display_name"].is_string(), "{granted}");
    assert_eq!(suspended["target_display_name"], Value::Null, "{suspended}");
    for expected in [
        "admin.granted",
        "admin.user_suspended",
        "admin.user_unsuspended",
        "admin.password_reset",
        "admin.user_deleted",
    ] {
        assert!(actions.contains(&expected), "{expected}: {actions:?}");
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn instance_ownership_changes_hands(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, root) = s.user("root").await;
    let (bob_id, bob) = s.user("bob").await;
    let community = s.community(&root, json!({"name": "Root's"})).await;

    // The owner cannot delete their account, even without communities, until they hand over.
    let confirm = json!({"password": "root-password"});
    s.call(Method::DELETE, "/api/account", Some(&root), Some(&confirm))
        .await
        .expect_error(StatusCode::CONFLICT, "owner_cannot_delete");
    s.post(
        "/api/admin/transfer-ownership",
        Some(&bob),
        &json!({"user_id": bob_id}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "owner_only");
    s.post(
        "/api/admin/transfer-ownership",
        Some(&root),
        &json!({"user_id": bob_id}),
    )
    .await
    .expect(StatusCode::OK);
    let me = s
        .get("/api/account/me", Some(&bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["instance_role"], "owner");
    let me = s
        .get("/api/account/me", Some(&root))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["instance_role"], "admin");

    // Owning a community still blocks deletion until it is handed over or deleted.
    s.call(Method::DELETE, "/api/account", Some(&root), Some(&confirm))
        .await
        .expect_error(StatusCode::CONFLICT, "owns_communities");
    s.call(
        Method::DELETE,
        &format!("/api/communities/{community}"),
        Some(&root),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.call(Method::DELETE, "/api/account", Some(&root), Some(&confirm))
        .await
        .expect(StatusCode::NO_CONTENT);

    // After a restart the new owner is still the owner and no setup is offered.
    let s = s.restart_with(|_| {}).await;
    let config = s.get("/api/auth/config", None).await.expect(StatusCode::OK);
    assert_eq!(config.body["setup_required"], false);
    assert_eq!(
        s.login("bob", "bob-password").await.user.instance_role,
        "owner"
    );
}
