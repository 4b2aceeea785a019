//! One link is enough for a new person: on an invite-only server a community invite
//! made by the community's moderators and up (or an instance administrator) also
//! admits a person without an account, who joins the community as they register;
//! members' invites do not, and administrators can turn it off. On both backends.

mod common;

use chatalot_server::config::RegistrationMode;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;
use uuid::Uuid;

/// Registers `name` with `code` and returns the new account's token.
async fn register_with(s: &TestServer, name: &str, code: &str) -> String {
    s.register(name, &format!("{name}-password"), Some(code))
        .await
        .tokens
        .access_token
}

/// Whether `token`'s account is a member of `community` (seen from both sides).
async fn is_member(s: &TestServer, token: &str, community: Uuid) -> bool {
    let mine = s
        .get("/api/communities", Some(token))
        .await
        .expect(StatusCode::OK);
    mine.body
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == json!(community))
}

async fn invite_uses(s: &TestServer, owner: &str, community: Uuid, code: &str) -> i64 {
    let invites = s
        .get(
            &format!("/api/communities/{community}/invites"),
            Some(owner),
        )
        .await
        .expect(StatusCode::OK);
    invites
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .expect("the invite is listed")["uses"]
        .as_i64()
        .unwrap()
}

async fn users_named(s: &TestServer, name: &str) -> i64 {
    let db = s.db.connect().await;
    match &db {
        chatalot_server::store::Db::Postgres(pool, _) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
                .bind(name)
                .fetch_one(pool)
                .await
                .unwrap()
        }
        chatalot_server::store::Db::Sqlite(pool, _) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
                .bind(name)
                .fetch_one(pool)
                .await
                .unwrap()
        }
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn staff_invites_admit_new_people_on_an_invite_only_server(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.registration_mode = RegistrationMode::InviteOnly
    })
    .await
    else {
        return;
    };
    let owner = s.owner().await.tokens.access_token;
    let community = s.community(&owner, json!({"name": "Crew"})).await;
    let owners_code = s.community_invite(&owner, community).await;
    // Two colleagues with accounts: a moderator and a member, who may also invite.
    let server_invite = s
        .post("/api/admin/invites", Some(&owner), &json!({}))
        .await
        .expect(StatusCode::CREATED);
    let server_code = server_invite.body["code"].as_str().unwrap().to_owned();
    let moderator_auth = s.register("max", "max-password", Some(&server_code)).await;
    let member = register_with(&s, "mia", &server_code).await;
    let moderator = moderator_auth.tokens.access_token.clone();
    for token in [&moderator, &member] {
        s.accept(token, &owners_code).await.expect(StatusCode::OK);
    }
    s.set_role(&owner, community, moderator_auth.user.id, "moderator")
        .await;
    s.call(
        Method::PATCH,
        &format!("/api/communities/{community}"),
        Some(&owner),
        Some(&json!({"who_can_create_invites": "member"})),
    )
    .await
    .expect(StatusCode::OK);
    let moderators_code = s.community_invite(&moderator, community).await;
    let members_code = s.community_invite(&member, community).await;

    // The invite page tells a signed-out visitor who invited them and whether they
    // can create an account with it.
    let preview = s
        .get(&format!("/api/invites/{moderators_code}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(preview.body["name"], "Crew");
    assert_eq!(preview.body["invited_by"], "max");
    assert_eq!(preview.body["admits_new_accounts"], true);
    let preview = s
        .get(&format!("/api/invites/{members_code}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(preview.body["admits_new_accounts"], false);

    // A member's invite does not let a stranger in: nothing is created or used.
    s.register_raw("nora", "nora-password", Some(&members_code))
        .await
        .expect_error(StatusCode::FORBIDDEN, "invite_cannot_admit");
    assert_eq!(users_named(&s, "nora").await, 0);
    assert_eq!(invite_uses(&s, &owner, community, &members_code).await, 0);

    // The moderator's invite does: one link registers and joins.
    let nora = register_with(&s, "nora", &moderators_code.to_lowercase()).await;
    assert!(is_member(&s, &nora, community).await);
    assert_eq!(
        invite_uses(&s, &owner, community, &moderators_code).await,
        1
    );

    // The rule looks at the inviter's role now: demoted, their invite stops admitting.
    s.set_role(&owner, community, moderator_auth.user.id, "member")
        .await;
    s.register_raw("olga", "olga-password", Some(&moderators_code))
        .await
        .expect_error(StatusCode::FORBIDDEN, "invite_cannot_admit");
    // ...while it still works for people who have an account.
    let preview = s
        .get(&format!("/api/invites/{moderators_code}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(preview.body["admits_new_accounts"], false);

    // Administrators can turn it off for everyone (audited); members cannot.
    s.call(
        Method::PATCH,
        "/api/admin/settings",
        Some(&member),
        Some(&json!({"community_invites_admit_new_accounts": false})),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "admin_required");
    let settings = s
        .call(
            Method::PATCH,
            "/api/admin/settings",
            Some(&owner),
            Some(&json!({"community_invites_admit_new_accounts": false})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(settings.body["community_invites_admit_new_accounts"], false);
    let settings = s
        .get("/api/admin/settings", Some(&owner))
        .await
        .expect(StatusCode::OK);
    assert_eq!(settings.body["community_invites_admit_new_accounts"], false);
    let preview = s
        .get(&format!("/api/invites/{owners_code}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(preview.body["admits_new_accounts"], false);
    s.register_raw("olga", "olga-password", Some(&owners_code))
        .await
        .expect_error(StatusCode::FORBIDDEN, "invite_cannot_admit");
    let audit = s
        .get(
            "/api/admin/audit-log?action=admin.settings_changed",
            Some(&owner),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(audit.body.as_array().map(Vec::len), Some(1));

    // On again; an invite with one use admits one person only.
    s.call(
        Method::PATCH,
        "/api/admin/settings",
        Some(&owner),
        Some(&json!({"community_invites_admit_new_accounts": true})),
    )
    .await
    .expect(StatusCode::OK);
    let once = s
        .post(
            &format!("/api/communities/{community}/invites"),
            Some(&owner),
            &json!({"max_uses": 1}),
        )
        .await
        .expect(StatusCode::CREATED);
    let once = once.body["code"].as_str().unwrap().to_owned();
    let olga = register_with(&s, "olga", &once).await;
    assert!(is_member(&s, &olga, community).await);
    s.register_raw("pia", "pia-password", Some(&once))
        .await
        .expect_error(StatusCode::FORBIDDEN, "invite_used_up");
    assert_eq!(users_named(&s, "pia").await, 0);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn open_servers_join_on_registration_and_closed_ones_admit_no_one(#[case] backend: Backend) {
    let Some(open) = TestServer::start(backend).await else {
        return;
    };
    let (_, owner) = open.user("owner").await;
    let community = open.community(&owner, json!({"name": "Open"})).await;
    let code = open.community_invite(&owner, community).await;
    let preview = open
        .get(&format!("/api/invites/{code}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(preview.body["admits_new_accounts"], true);
    let ann = register_with(&open, "ann", &code).await;
    assert!(is_member(&open, &ann, community).await);

    let Some(closed) =
        TestServer::start_with(backend, |c| c.registration_mode = RegistrationMode::Closed).await
    else {
        return;
    };
    let owner = closed.owner().await.tokens.access_token;
    let community = closed.community(&owner, json!({"name": "Closed"})).await;
    let code = closed.community_invite(&owner, community).await;
    let preview = closed
        .get(&format!("/api/invites/{code}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(preview.body["admits_new_accounts"], false);
    closed
        .register_raw("ann", "ann-password", Some(&code))
        .await
        .expect_error(StatusCode::FORBIDDEN, "registration_closed");
}
