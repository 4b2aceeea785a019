//! Per-channel permissions for roles (COM-4) on both backends: the lowest role that
//! may post, react, start threads and notify everyone, set by admins, shown in the
//! channel, sent live, and enforced the same over REST and the WebSocket.

mod common;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

fn send_frame(channel: uuid::Uuid, content: &str) -> Value {
    json!({"type": "send_message", "channel_id": channel, "content": content})
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn channel_permissions_hold_over_rest_and_websocket(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, owner) = s.user("owner").await;
    let (admin_id, admin) = s.user("admin").await;
    let (moderator_id, moderator) = s.user("moderator").await;
    let (_, alice) = s.user("alice").await;
    let team = s.team(&owner, "Team", &[&admin, &moderator, &alice]).await;
    s.set_role(&owner, team.community, admin_id, "admin").await;
    s.set_role(&owner, team.community, moderator_id, "moderator")
        .await;
    let channel = format!("/api/channels/{}", team.channel);

    // The defaults: members post, react and start threads; moderators notify all.
    let view = s
        .get(&channel, Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        view["permissions"],
        json!({"post": "member", "react": "member", "create_threads": "member", "mention_everyone": "moderator"})
    );
    let everyone = s
        .message(&alice, team.channel, json!({"content": "@everyone hi"}))
        .await;
    assert_eq!(everyone["mentions_everyone"], false);

    // Members and moderators cannot change them; bad roles are refused.
    let change = json!({"permissions": {"post": "moderator", "react": "admin",
        "create_threads": "admin", "mention_everyone": "member"}});
    for token in [&alice, &moderator] {
        s.call(Method::PATCH, &channel, Some(token), Some(&change))
            .await
            .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    }
    let bad = s
        .call(
            Method::PATCH,
            &channel,
            Some(&admin),
            Some(&json!({"permissions": {"post": "god"}})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM channels WHERE id = $1 AND post_role = 'member'",
            &[team.channel]
        )
        .await,
        1
    );

    // An admin changes them; the channel's readers hear it live.
    let mut alice_ws = Ws::connect(&s, &alice).await;
    let mut moderator_ws = Ws::connect(&s, &moderator).await;
    let changed = s
        .call(Method::PATCH, &channel, Some(&admin), Some(&change))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(changed["permissions"]["post"], "moderator");
    let live = alice_ws.expect("channel_updated").await;
    assert_eq!(live["channel"]["permissions"], changed["permissions"]);

    // Posting: refused to members over REST and the WebSocket alike.
    s.post(
        &format!("{channel}/messages"),
        Some(&alice),
        &json!({"content": "may I?"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "cannot_post_here");
    let refused = alice_ws.request(send_frame(team.channel, "may I?")).await;
    assert_eq!(refused["code"], "cannot_post_here", "{refused}");
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM messages WHERE content = 'may I?'",
            &[]
        )
        .await,
        0
    );
    let posted = moderator_ws
        .request(send_frame(team.channel, "moderators speak"))
        .await;
    assert_eq!(posted["type"], "ack", "{posted}");
    let root = s
        .message(&moderator, team.channel, json!({"content": "rules"}))
        .await;
    let root_id = root["id"].as_str().unwrap().to_owned();

    // Reacting: admins and up, over REST and the WebSocket.
    let thumbs = format!("/api/messages/{root_id}/reactions/%F0%9F%91%8D");
    s.call(Method::PUT, &thumbs, Some(&moderator), None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "cannot_react_here");
    let refused = moderator_ws
        .request(json!({"type": "add_reaction", "message_id": root_id, "emoji": "👍"}))
        .await;
    assert_eq!(refused["code"], "cannot_react_here", "{refused}");
    assert_eq!(s.db.count("SELECT COUNT(*) FROM reactions", &[]).await, 0);
    s.call(Method::PUT, &thumbs, Some(&admin), None)
        .await
        .expect(StatusCode::NO_CONTENT);

    // Starting a thread: admins and up; once started, whoever may post replies.
    let in_thread = json!({"content": "first reply", "thread_id": root_id});
    s.post(&format!("{channel}/messages"), Some(&moderator), &in_thread)
        .await
        .expect_error(StatusCode::FORBIDDEN, "cannot_start_threads_here");
    s.message(&admin, team.channel, in_thread.clone()).await;
    s.message(
        &moderator,
        team.channel,
        json!({"content": "second reply", "thread_id": root_id}),
    )
    .await;
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM messages WHERE thread_id IS NOT NULL",
            &[]
        )
        .await,
        2
    );

    // Notifying everyone: now members too (once they may post again).
    s.call(
        Method::PATCH,
        &channel,
        Some(&owner),
        Some(&json!({"permissions": {"post": "member"}})),
    )
    .await
    .expect(StatusCode::OK);
    let everyone = s
        .message(&alice, team.channel, json!({"content": "@everyone look"}))
        .await;
    assert_eq!(everyone["mentions_everyone"], true);

    // Read-only still means admins post, whatever the setting says.
    s.call(
        Method::PATCH,
        &channel,
        Some(&owner),
        Some(&json!({"read_only": true})),
    )
    .await
    .expect(StatusCode::OK);
    s.post(
        &format!("{channel}/messages"),
        Some(&moderator),
        &json!({"content": "read only"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "channel_read_only");

    // Direct messages have no roles: both people do everything.
    let dm = s
        .post(
            "/api/dms",
            Some(&alice),
            &json!({"user_ids": [moderator_id]}),
        )
        .await;
    assert!(dm.status.is_success(), "{}", dm.body);
    let dm_id: uuid::Uuid = dm.body["id"].as_str().unwrap().parse().unwrap();
    let hello = s
        .message(&alice, dm_id, json!({"content": "@everyone"}))
        .await;
    assert_eq!(hello["mentions_everyone"], true);
}
