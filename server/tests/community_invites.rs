//! Community invite edge cases (COM-2): preview, expiry, use limits, revocation,
//! the invite policy, a deleted community and banned users, on both backends.

mod common;

use chatalot_server::config::CommunityCreationMode;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn invites_expire_run_out_are_revoked_and_die_with_their_community(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.community_creation_mode = CommunityCreationMode::Anyone
    })
    .await
    else {
        return;
    };
    let (_, owner) = s.user("owner").await;
    let users: Vec<String> = {
        let mut v = Vec::new();
        for name in ["ann", "ben", "cid", "dot", "eve"] {
            v.push(s.user(name).await.1);
        }
        v
    };
    let community = s
        .community(&owner, json!({"name": "Edge", "description": "cases"}))
        .await;
    let invites = format!("/api/communities/{community}/invites");

    // Used up: two uses, the third is refused and nothing changes.
    let twice = s
        .post(&invites, Some(&owner), &json!({"max_uses": 2}))
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(twice.body["created_by_username"], "owner");
    let twice = twice.body["code"].as_str().unwrap().to_owned();
    s.accept(&users[0], &twice).await.expect(StatusCode::OK);
    s.accept(&users[1], &twice.to_lowercase())
        .await
        .expect(StatusCode::OK);
    s.get(&format!("/api/invites/{twice}"), None)
        .await
        .expect_error(StatusCode::GONE, "invite_used_up");
    s.accept(&users[2], &twice)
        .await
        .expect_error(StatusCode::GONE, "invite_used_up");

    // Expired.
    let expiring = s
        .post(&invites, Some(&owner), &json!({"expires_in_hours": 1}))
        .await
        .expect(StatusCode::CREATED);
    let preview = s
        .get(
            &format!("/api/invites/{}", expiring.body["code"].as_str().unwrap()),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert!(preview.body["expires_at"].is_string());
    let db = s.db.connect().await;
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    let id: uuid::Uuid = expiring.body["id"].as_str().unwrap().parse().unwrap();
    db_exec!(
        db,
        "UPDATE community_invites SET expires_at = $1 WHERE id = $2",
        past,
        id
    );
    let code = expiring.body["code"].as_str().unwrap();
    s.get(&format!("/api/invites/{code}"), None)
        .await
        .expect_error(StatusCode::GONE, "invite_expired");
    s.accept(&users[2], code)
        .await
        .expect_error(StatusCode::GONE, "invite_expired");

    // Revoked.
    let revoked = s
        .post(&invites, Some(&owner), &json!({}))
        .await
        .expect(StatusCode::CREATED);
    let id = revoked.body["id"].as_str().unwrap();
    s.call(
        Method::DELETE,
        &format!("{invites}/{id}"),
        Some(&owner),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let code = revoked.body["code"].as_str().unwrap();
    s.get(&format!("/api/invites/{code}"), None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "invite_not_found");
    s.accept(&users[2], code)
        .await
        .expect_error(StatusCode::NOT_FOUND, "invite_not_found");

    // Unknown, and already a member.
    s.accept(&users[2], "NOPE123")
        .await
        .expect_error(StatusCode::NOT_FOUND, "invite_not_found");
    let open = s.community_invite(&owner, community).await;
    s.accept(&users[0], &open)
        .await
        .expect_error(StatusCode::CONFLICT, "already_member");

    // The listing shows uses and revocation; only 3 people got in.
    let list = s.get(&invites, Some(&owner)).await.expect(StatusCode::OK);
    assert_eq!(list.body.as_array().unwrap().len(), 4);
    assert!(
        list.body
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["created_by_username"] == "owner"),
        "the list names the creator"
    );
    assert!(
        list.body
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["revoked"] == true)
    );
    let members = s
        .get(
            &format!("/api/communities/{community}/members"),
            Some(&owner),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(members.body.as_array().unwrap().len(), 3);

    // A deleted community takes its invites with it.
    s.call(
        Method::DELETE,
        &format!("/api/communities/{community}"),
        Some(&owner),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get(&format!("/api/invites/{open}"), None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "invite_not_found");
    s.accept(&users[3], &open)
        .await
        .expect_error(StatusCode::NOT_FOUND, "invite_not_found");
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM community_members WHERE community_id = $1",
            &[community]
        )
        .await,
        0
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn banned_users_and_the_invite_policy(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.community_creation_mode = CommunityCreationMode::Anyone
    })
    .await
    else {
        return;
    };
    let (_, owner) = s.user("owner").await;
    let (member_id, member) = s.user("member").await;
    let (troll_id, troll) = s.user("troll").await;
    let community = s.community(&owner, json!({"name": "Policy"})).await;
    let code = s.community_invite(&owner, community).await;
    s.accept(&member, &code).await.expect(StatusCode::OK);
    let invites = format!("/api/communities/{community}/invites");

    // Default policy: moderators and up create invites.
    s.post(&invites, Some(&member), &json!({}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    s.call(
        Method::PATCH,
        &format!("/api/communities/{community}"),
        Some(&owner),
        Some(&json!({"who_can_create_invites": "member"})),
    )
    .await
    .expect(StatusCode::OK);
    let by_member = s
        .post(&invites, Some(&member), &json!({"max_uses": 5}))
        .await
        .expect(StatusCode::CREATED);
    // Members cannot list all invites, but can revoke their own.
    s.get(&invites, Some(&member))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    let own = by_member.body["id"].as_str().unwrap();
    let owners = s
        .post(&invites, Some(&owner), &json!({}))
        .await
        .expect(StatusCode::CREATED);
    let owners_id = owners.body["id"].as_str().unwrap();
    s.call(
        Method::DELETE,
        &format!("{invites}/{owners_id}"),
        Some(&member),
        None,
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    s.call(
        Method::DELETE,
        &format!("{invites}/{own}"),
        Some(&member),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);

    // A banned user — banned before ever joining — cannot use any invite.
    s.call(
        Method::PUT,
        &format!("/api/communities/{community}/bans/{troll_id}"),
        Some(&owner),
        Some(&json!({"reason": "known troll"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let fresh = s.community_invite(&owner, community).await;
    s.accept(&troll, &fresh)
        .await
        .expect_error(StatusCode::FORBIDDEN, "banned");
    // The refusal did not use the invite up.
    let list = s.get(&invites, Some(&owner)).await.expect(StatusCode::OK);
    let fresh_row = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == fresh.as_str())
        .unwrap();
    assert_eq!(fresh_row["uses"], 0);

    // A member who is banned is removed, and a banned inviter's codes still work
    // for others (invites belong to the community).
    let by_member = s
        .post(&invites, Some(&member), &json!({}))
        .await
        .expect(StatusCode::CREATED);
    s.call(
        Method::PUT,
        &format!("/api/communities/{community}/bans/{member_id}"),
        Some(&owner),
        Some(&json!({})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.post(&invites, Some(&member), &json!({}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "community_not_found");
    let (_, newcomer) = s.user("newcomer").await;
    s.accept(&newcomer, by_member.body["code"].as_str().unwrap())
        .await
        .expect(StatusCode::OK);

    // Unbanned, the troll may join.
    s.call(
        Method::DELETE,
        &format!("/api/communities/{community}/bans/{troll_id}"),
        Some(&owner),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.accept(&troll, &fresh).await.expect(StatusCode::OK);
}
