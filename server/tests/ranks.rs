//! The rank rule on every moderation action (issue 12), on both backends: nobody
//! acts on someone of an equal or higher level — in the community, and for
//! instance staff, on the instance.

mod common;

use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_moderator_cannot_undo_or_touch_what_is_above_them(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await; // community owner
    let (bob_id, bob) = s.user("bob").await; // moderator
    let (mia_id, mia) = s.user("mia").await; // another moderator
    let (dave_id, _) = s.user("dave").await; // banned by the owner
    let (erin_id, erin) = s.user("erin").await; // a member
    let community = s.community(&alice, json!({"name": "Ranks"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "chat"})).await;
    let code = s.community_invite(&alice, community).await;
    for token in [&bob, &mia, &erin] {
        s.accept(token, &code).await.expect(StatusCode::OK);
    }
    s.set_role(&alice, community, bob_id, "moderator").await;
    s.set_role(&alice, community, mia_id, "moderator").await;
    let ban = format!("/api/communities/{community}/bans/{dave_id}");
    s.call(Method::PUT, &ban, Some(&alice), Some(&json!({})))
        .await
        .expect(StatusCode::NO_CONTENT);

    // The owner's ban holds against a moderator: no lifting, no re-banning over it.
    s.call(Method::DELETE, &ban, Some(&bob), None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    s.call(Method::PUT, &ban, Some(&bob), Some(&json!({})))
        .await
        .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM community_bans WHERE user_id = $1 AND banned_by IS NOT NULL",
            &[dave_id]
        )
        .await,
        1
    );

    // A moderator's ban is lifted by someone above them, not by a peer.
    let erin_ban = format!("/api/communities/{community}/bans/{erin_id}");
    s.call(Method::PUT, &erin_ban, Some(&bob), Some(&json!({})))
        .await
        .expect(StatusCode::NO_CONTENT);
    s.call(Method::DELETE, &erin_ban, Some(&mia), None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    s.call(Method::DELETE, &erin_ban, Some(&bob), None)
        .await
        .expect(StatusCode::NO_CONTENT);

    // Messages: a moderator deletes a member's, never the owner's or a peer's.
    let by_owner = s
        .message(&alice, channel, json!({"content": "owner speaks"}))
        .await;
    let by_peer = s
        .message(&mia, channel, json!({"content": "mia speaks"}))
        .await;
    for message in [&by_owner, &by_peer] {
        s.call(
            Method::DELETE,
            &format!("/api/messages/{}", message["id"].as_str().unwrap()),
            Some(&bob),
            None,
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    }
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM messages WHERE deleted_at IS NULL",
            &[]
        )
        .await,
        2,
        "both messages are still there"
    );
    // Nor close the owner's poll.
    let poll = s
        .post(
            &format!("/api/channels/{channel}/polls"),
            Some(&alice),
            &json!({"question": "Ship it?", "options": ["yes", "no"]}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    s.post(
        &format!("/api/polls/{}/close", poll["id"].as_str().unwrap()),
        Some(&bob),
        &json!({}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn instance_staff_never_act_on_the_instance_owner(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let owner = s.owner().await;
    let owner_token = owner.tokens.access_token.clone();
    let (adam_id, adam) = s.user("adam").await;
    s.call(
        Method::PUT,
        &format!("/api/admin/users/{adam_id}/role"),
        Some(&owner_token),
        Some(&json!({"role": "admin"})),
    )
    .await
    .expect(StatusCode::OK);
    let (_, carol) = s.user("carol").await;
    let community = s.community(&carol, json!({"name": "Carol's"})).await;
    let code = s.community_invite(&carol, community).await;
    s.accept(&owner_token, &code).await.expect(StatusCode::OK);
    s.accept(&adam, &code).await.expect(StatusCode::OK);
    let member = |user: uuid::Uuid| format!("/api/communities/{community}/members/{user}");

    // An instance admin cannot kick, ban, time out or demote the instance owner...
    s.post(
        &format!("{}/kick", member(owner.user.id)),
        Some(&adam),
        &json!({}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    s.call(
        Method::PUT,
        &format!("/api/communities/{community}/bans/{}", owner.user.id),
        Some(&adam),
        Some(&json!({})),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    s.call(
        Method::PUT,
        &format!("{}/timeout", member(owner.user.id)),
        Some(&adam),
        Some(&json!({"duration_secs": 600})),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    // ...nor can the community's owner act on instance staff.
    s.post(
        &format!("{}/kick", member(adam_id)),
        Some(&carol),
        &json!({}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM community_members WHERE community_id = $1",
            &[community]
        )
        .await,
        3,
        "everyone is still a member"
    );
    // The instance owner outranks an instance admin.
    s.post(
        &format!("{}/kick", member(adam_id)),
        Some(&owner_token),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
}
