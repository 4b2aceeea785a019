//! Incoming webhooks and bot accounts (INT-4, INT-5) on both backends: a webhook
//! post appears live and marked as a bot; wrong, revoked and replaced URLs fail;
//! the per-webhook limit applies; only channel managers manage webhooks. A bot uses
//! the REST API and the WebSocket with its token, and never gets further than its
//! owner: not into a private group the owner is not in, not above the owner's role,
//! not after the owner is removed.

mod common;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;
use uuid::Uuid;

struct World {
    s: TestServer,
    community: Uuid,
    channel: Uuid,
    alice: (Uuid, String),
    bob: (Uuid, String),
    carol: (Uuid, String),
}

/// Alice owns a community with a channel; Bob is a member; Carol is not.
async fn world(backend: Backend) -> Option<World> {
    let s = TestServer::start_for_messages(backend).await?;
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let carol = s.user("carol").await;
    let team = s.team(&alice.1, "Hooks", &[&bob.1]).await;
    Some(World {
        s,
        community: team.community,
        channel: team.channel,
        alice,
        bob,
        carol,
    })
}

async fn hook_post(s: &TestServer, url: &str, content: &str) -> common::Resp {
    common::send(
        s.client
            .post(s.url(url))
            .json(&json!({ "content": content })),
    )
    .await
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn webhook_posts_appear_live_until_revoked(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, alice, bob, carol) = (&w.s, &w.alice.1, &w.bob.1, &w.carol.1);
    let hooks = format!("/api/channels/{}/webhooks", w.channel);

    // Only those who may edit the channel manage its webhooks.
    s.post(&hooks, Some(bob), &json!({"name": "CI"}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    s.post(&hooks, Some(carol), &json!({"name": "CI"}))
        .await
        .expect(StatusCode::NOT_FOUND);
    s.post(&hooks, Some(alice), &json!({"name": " "}))
        .await
        .expect(StatusCode::BAD_REQUEST);
    let created = s
        .post(&hooks, Some(alice), &json!({"name": "CI builds"}))
        .await
        .expect(StatusCode::CREATED)
        .body;
    let url = created["url"].as_str().unwrap().to_owned();
    let id = created["webhook"]["id"].as_str().unwrap().to_owned();
    assert!(url.ends_with(&format!(
        "/api/hooks/{id}/{}",
        created["token"].as_str().unwrap()
    )));
    let listed = s.get(&hooks, Some(alice)).await.expect(StatusCode::OK).body;
    assert_eq!(listed[0]["name"], "CI builds");
    assert!(listed[0].get("token").is_none(), "the secret is shown once");
    s.get(&hooks, Some(bob)).await.expect(StatusCode::FORBIDDEN);

    // A post appears live, authored by the webhook and marked as a bot.
    let mut bob_ws = Ws::connect(s, bob).await;
    let posted = hook_post(s, &url, "build **green**")
        .await
        .expect(StatusCode::CREATED);
    let event = bob_ws
        .expect_where(|e| e["type"] == "message_created")
        .await;
    let message = &event["message"];
    assert_eq!(message["id"], posted.body["id"]);
    assert_eq!(message["content"], "build **green**");
    assert_eq!(message["author"]["display_name"], "CI builds");
    assert_eq!(message["author"]["bot"], true);
    let used = s.get(&hooks, Some(alice)).await.expect(StatusCode::OK).body;
    assert!(used[0]["last_used_at"].is_string());

    // Bad input and bad tokens.
    hook_post(s, &url, "").await.expect(StatusCode::BAD_REQUEST);
    let wrong = format!("/api/hooks/{id}/not-the-token");
    hook_post(s, &wrong, "x")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_webhook_token");
    let unknown = format!("/api/hooks/{}/whatever", Uuid::new_v4());
    hook_post(s, &unknown, "x")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_webhook_token");

    // A new URL replaces the old one.
    let rotated = s
        .post(
            &format!("/api/webhooks/{id}/token"),
            Some(alice),
            &json!({}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let new_url = rotated["url"].as_str().unwrap().to_owned();
    hook_post(s, &url, "old")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    hook_post(s, &new_url, "new")
        .await
        .expect(StatusCode::CREATED);

    // Renaming renames its author everywhere.
    let renamed = s
        .call(
            Method::PATCH,
            &format!("/api/webhooks/{id}"),
            Some(alice),
            Some(&json!({"name": "Deploys"})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(renamed.body["name"], "Deploys");
    let history = s
        .get(&format!("/api/channels/{}/messages", w.channel), Some(bob))
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(
        history.to_string().contains("\"display_name\":\"Deploys\""),
        "{history}"
    );

    // Revoked: the URL fails and the messages stay.
    s.call(
        Method::DELETE,
        &format!("/api/webhooks/{id}"),
        Some(bob),
        None,
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    s.call(
        Method::DELETE,
        &format!("/api/webhooks/{id}"),
        Some(alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    hook_post(s, &new_url, "after")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_webhook_token");
    let after = s
        .get(&format!("/api/channels/{}/messages", w.channel), Some(bob))
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(after.to_string().contains("build **green**"));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn webhooks_are_rate_limited_and_stop_at_archived_channels(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, alice) = (&w.s, &w.alice.1);
    let created = s
        .post(
            &format!("/api/channels/{}/webhooks", w.channel),
            Some(alice),
            &json!({"name": "Noisy"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let url = created["url"].as_str().unwrap().to_owned();
    // Ten in a burst, then about one a second: thirty at once must hit the limit.
    let mut accepted = 0;
    let mut limited = None;
    for n in 0..30 {
        let resp = hook_post(s, &url, &format!("post {n}")).await;
        if resp.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(resp);
            break;
        }
        resp.expect(StatusCode::CREATED);
        accepted += 1;
    }
    let limited = limited.expect("the webhook was never limited");
    assert_eq!(limited.code(), "rate_limited");
    assert!(accepted >= 10, "the burst allows ten ({accepted})");
    assert!(limited.headers.contains_key("retry-after"));

    // An archived channel takes no more posts.
    s.call(
        Method::PATCH,
        &format!("/api/channels/{}", w.channel),
        Some(alice),
        Some(&json!({"archived": true})),
    )
    .await
    .expect(StatusCode::OK);
    let created = s
        .post(
            &format!("/api/channels/{}/webhooks", w.channel),
            Some(alice),
            &json!({"name": "Late"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    hook_post(s, created["url"].as_str().unwrap(), "x")
        .await
        .expect_error(StatusCode::FORBIDDEN, "channel_archived");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bots_act_with_at_most_their_owners_rights(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, alice, bob) = (&w.s, &w.alice.1, &w.bob.1);
    let (bob_id, community) = (w.bob.0, w.community);

    // Bob makes a bot; its token is shown once.
    s.post(
        "/api/bots",
        Some(bob),
        &json!({"username": "alice", "display_name": "X"}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "username_taken");
    let made = s
        .post(
            "/api/bots",
            Some(bob),
            &json!({"username": "bobs-bot", "display_name": "Bob's bot"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let bot_id: Uuid = made["bot"]["id"].as_str().unwrap().parse().unwrap();
    let token = made["token"].as_str().unwrap().to_owned();
    assert_eq!(made["bot"]["owner_id"], bob_id.to_string());
    let mine = s
        .get("/api/bots", Some(bob))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert!(mine[0].get("token").is_none());

    // A bot cannot sign in with a password, make bots or webhooks.
    s.login_raw("bobs-bot", "any password at all")
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    s.post(
        "/api/bots",
        Some(&token),
        &json!({"username": "grandchild", "display_name": "G"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "bots_not_allowed");

    // Only moderators bring their bots in.
    let bots = format!("/api/communities/{community}/bots");
    s.post(&bots, Some(bob), &json!({"bot_id": bot_id}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    s.post(&bots, Some(alice), &json!({"bot_id": bot_id}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "bot_not_found");
    s.set_role(alice, community, bob_id, "moderator").await;
    s.post(&bots, Some(bob), &json!({"bot_id": bot_id}))
        .await
        .expect(StatusCode::CREATED);
    let listed = s.get(&bots, Some(alice)).await.expect(StatusCode::OK).body;
    assert_eq!(listed[0]["username"], "bobs-bot");
    let members = s
        .get(
            &format!("/api/communities/{community}/members"),
            Some(alice),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let bot_member = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == bot_id.to_string())
        .expect("the bot is a member");
    assert_eq!(bot_member["bot"], true);

    // The REST API and the WebSocket with the bot's token.
    let mut bot_ws = Ws::connect(s, &token).await;
    let from_alice = s
        .message(alice, w.channel, json!({"content": "hello bot"}))
        .await;
    let seen = bot_ws
        .expect_where(|e| e["type"] == "message_created")
        .await;
    assert_eq!(seen["message"]["id"], from_alice["id"]);
    let said = s
        .message(&token, w.channel, json!({"content": "beep"}))
        .await;
    assert_eq!(said["author"]["bot"], true);
    assert_eq!(said["author"]["username"], "bobs-bot");

    // Bob goes back to being a member. Made community admin, the bot still has
    // only its owner's rights: it cannot edit the channel (admins do), nor see
    // private groups (moderators do).
    s.set_role(alice, community, bob_id, "member").await;
    s.set_role(alice, community, bot_id, "admin").await;
    let channel_path = format!("/api/channels/{}", w.channel);
    let change = json!({"topic": "bots were here"});
    s.call(Method::PATCH, &channel_path, Some(bob), Some(&change))
        .await
        .expect(StatusCode::FORBIDDEN);
    s.call(Method::PATCH, &channel_path, Some(&token), Some(&change))
        .await
        .expect(StatusCode::FORBIDDEN);

    // A private group the bot was added to, but Bob is not in: not found for the bot.
    let private = s
        .group(
            alice,
            community,
            json!({"name": "Staff", "visibility": "private"}),
        )
        .await;
    let secret = s.channel(alice, private, json!({"name": "secret"})).await;
    s.call(
        Method::PUT,
        &format!("/api/groups/{private}/members/{bot_id}"),
        Some(alice),
        Some(&json!({"role": "member"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let secret_messages = format!("/api/channels/{secret}/messages");
    s.get(&secret_messages, Some(&token))
        .await
        .expect(StatusCode::NOT_FOUND);
    s.post(&secret_messages, Some(&token), &json!({"content": "sneak"}))
        .await
        .expect(StatusCode::NOT_FOUND);
    // Once Bob is in the group too, so is his bot.
    s.call(
        Method::PUT,
        &format!("/api/groups/{private}/members/{bob_id}"),
        Some(alice),
        Some(&json!({"role": "member"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get(&secret_messages, Some(&token))
        .await
        .expect(StatusCode::OK);

    // An admin cannot make a bot an instance admin; admins see every bot.
    s.call(
        Method::PUT,
        &format!("/api/admin/users/{bot_id}/role"),
        Some(alice),
        Some(&json!({"role": "admin"})),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "bot_account");
    let all = s
        .get("/api/admin/bots", Some(alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(all[0]["owner_username"], "bob");
    s.get("/api/admin/bots", Some(bob))
        .await
        .expect(StatusCode::FORBIDDEN);

    // When Bob is kicked, his bot loses the community with him.
    s.call(
        Method::POST,
        &format!("/api/communities/{community}/members/{bob_id}/kick"),
        Some(alice),
        Some(&json!({})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.post(
        &format!("/api/channels/{}/messages", w.channel),
        Some(&token),
        &json!({"content": "still here?"}),
    )
    .await
    .expect(StatusCode::NOT_FOUND);

    // A replaced token stops working at once; a deleted bot is gone.
    let rotated = s
        .post(&format!("/api/bots/{bot_id}/token"), Some(bob), &json!({}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(bot_ws.expect_close().await, 4003);
    s.get("/api/bots", Some(&token))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");
    let new_token = rotated["token"].as_str().unwrap().to_owned();
    s.get("/api/bots", Some(&new_token))
        .await
        .expect(StatusCode::OK);
    s.call(
        Method::DELETE,
        &format!("/api/bots/{bot_id}"),
        Some(&w.carol.1),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    s.call(
        Method::DELETE,
        &format!("/api/bots/{bot_id}"),
        Some(bob),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get("/api/bots", Some(&new_token))
        .await
        .expect(StatusCode::UNAUTHORIZED);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn webhooks_and_bots_post_with_their_avatar(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, alice, bob) = (&w.s, &w.alice.1, &w.bob.1);
    let created = s
        .post(
            &format!("/api/channels/{}/webhooks", w.channel),
            Some(alice),
            &json!({"name": "Deploys"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let id = created["webhook"]["id"].as_str().unwrap();
    let avatar = format!("/api/webhooks/{id}/avatar");
    let png = common::png(16, 16);

    // Only the channel's managers change it; Bob is a member only.
    common::send_file(s, Method::PUT, &avatar, bob, "a.png", png.clone())
        .await
        .expect(StatusCode::FORBIDDEN);
    common::send_file(s, Method::PUT, &avatar, alice, "a.txt", b"text".to_vec())
        .await
        .expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    common::send_file(s, Method::PUT, &avatar, alice, "a.png", png.clone())
        .await
        .expect(StatusCode::NO_CONTENT);
    let posted = hook_post(s, created["url"].as_str().unwrap(), "deployed")
        .await
        .expect(StatusCode::CREATED);
    let history = s
        .get(&format!("/api/channels/{}/messages", w.channel), Some(bob))
        .await
        .expect(StatusCode::OK)
        .body;
    let message = history
        .as_array()
        .or_else(|| history["messages"].as_array())
        .unwrap()
        .iter()
        .find(|m| m["id"] == posted.body["id"])
        .unwrap()
        .clone();
    assert_eq!(message["author"]["display_name"], "Deploys");
    let file = message["author"]["avatar_file_id"].as_str().unwrap();
    s.get(&format!("/api/files/{file}"), Some(bob))
        .await
        .expect(StatusCode::OK);
    s.call(Method::DELETE, &avatar, Some(alice), None)
        .await
        .expect(StatusCode::NO_CONTENT);

    // A bot's avatar is its owner's to set.
    let bot = s
        .post(
            "/api/bots",
            Some(bob),
            &json!({"username": "helper", "display_name": "Helper"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let bot_avatar = format!("/api/bots/{}/avatar", bot["bot"]["id"].as_str().unwrap());
    common::send_file(
        s,
        Method::PUT,
        &bot_avatar,
        &w.carol.1,
        "a.png",
        png.clone(),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    common::send_file(s, Method::PUT, &bot_avatar, bob, "a.png", png)
        .await
        .expect(StatusCode::NO_CONTENT);
    let mine = s
        .get("/api/bots", Some(bob))
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(mine[0]["avatar_file_id"].is_string(), "{mine}");
}
