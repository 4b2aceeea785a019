//! Messages over REST on both backends (MSG-1..6, MSG-9, MSG-10, COM-5): history
//! pages, edits with history, replies, threads, forwarding, reactions, mentions and
//! unread counts, pins, slash commands, DMs and blocking, bookmarks, polls, and
//! scheduled messages that survive a restart.

mod common;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

/// Whether the channel's newest page shows message `id` as pinned.
async fn pinned_in_history(s: &TestServer, channel: Uuid, token: &str, id: &str) -> Option<bool> {
    let page = s
        .get(&format!("/api/channels/{channel}/messages"), Some(token))
        .await
        .expect(StatusCode::OK)
        .body;
    let row = page.as_array()?.iter().find(|m| m["id"] == id)?;
    row["pinned"].as_bool()
}

struct World {
    s: TestServer,
    community: Uuid,
    group: Uuid,
    channel: Uuid,
    alice: (Uuid, String),
    bob: (Uuid, String),
}

async fn world(backend: Backend) -> Option<World> {
    let s = TestServer::start_for_messages(backend).await?;
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let community = s.community(&alice.1, json!({"name": "Msgs"})).await;
    let group = s.group(&alice.1, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice.1, group, json!({"name": "chat"})).await;
    let code = s.community_invite(&alice.1, community).await;
    s.accept(&bob.1, &code).await.expect(StatusCode::OK);
    Some(World {
        s,
        community,
        group,
        channel,
        alice,
        bob,
    })
}

fn ids(page: &Value) -> Vec<String> {
    page.as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn history_pages_edits_replies_threads_and_forwarding(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, a) = (&w.s, &w.alice.1);
    let mut sent = Vec::new();
    for i in 0..30 {
        sent.push(
            s.message(a, w.channel, json!({"content": format!("m{i}")}))
                .await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let base = format!("/api/channels/{}/messages", w.channel);
    let latest = s
        .get(&format!("{base}?limit=10"), Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(ids(&latest), sent[20..30], "latest page, oldest first");
    let older = s
        .get(&format!("{base}?limit=10&before={}", sent[20]), Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(ids(&older), sent[10..20]);
    let after = s
        .get(&format!("{base}?limit=5&after={}", sent[3]), Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(ids(&after), sent[4..9]);
    let around = s
        .get(&format!("{base}?limit=5&around={}", sent[15]), Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        ids(&around),
        sent[13..18],
        "two before, the message, two after"
    );
    s.get(
        &format!("{base}?before={}&after={}", sent[1], sent[2]),
        Some(a),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");

    // Edits keep their history; only the author edits.
    let id = &sent[0];
    s.call(
        Method::PATCH,
        &format!("/api/messages/{id}"),
        Some(&w.bob.1),
        Some(&json!({"content": "hijack"})),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "not_author");
    for text in ["second", "third"] {
        s.call(
            Method::PATCH,
            &format!("/api/messages/{id}"),
            Some(a),
            Some(&json!({"content": text})),
        )
        .await
        .expect(StatusCode::OK);
    }
    let edits = s
        .get(&format!("/api/messages/{id}/edits"), Some(&w.bob.1))
        .await
        .expect(StatusCode::OK)
        .body;
    let old: Vec<&str> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["content"].as_str().unwrap())
        .collect();
    assert_eq!(old, ["m0", "second"]);

    // Replies and threads.
    let reply = s
        .message(
            &w.bob.1,
            w.channel,
            json!({"content": "replying", "reply_to_id": sent[1]}),
        )
        .await;
    assert_eq!(reply["reply_to_id"], sent[1].as_str());
    let root = &sent[2];
    for i in 0..3 {
        s.message(
            &w.bob.1,
            w.channel,
            json!({"content": format!("in thread {i}"), "thread_id": root}),
        )
        .await;
    }
    let thread = s
        .get(&format!("/api/messages/{root}/thread"), Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(thread.as_array().unwrap().len(), 3);
    let page = s
        .get(&format!("{base}?around={root}&limit=1"), Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(page[0]["thread_reply_count"], 3);
    let timeline = s
        .get(&format!("{base}?limit=100"), Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["thread_id"].is_null()),
        "thread replies stay in the thread"
    );
    let nested = s
        .post(
            &base,
            Some(a),
            &json!({"content": "x", "thread_id": thread[0]["id"]}),
        )
        .await;
    nested.expect_error(StatusCode::BAD_REQUEST, "invalid_input");

    // Forwarding keeps attribution; forwarding from an unreadable channel is not possible.
    let dm = s
        .post("/api/dms", Some(a), &json!({"user_ids": [w.bob.0]}))
        .await
        .expect(StatusCode::OK)
        .body;
    let dm = dm["id"].as_str().unwrap().to_owned();
    let fwd = s
        .post(
            &format!("/api/messages/{}/forward", sent[5]),
            Some(a),
            &json!({"channel_id": dm, "comment": "look"}),
        )
        .await;
    let fwd = fwd.expect(StatusCode::CREATED).body;
    assert_eq!(
        (
            fwd["content"].as_str(),
            fwd["forwarded_from"]["content"].as_str()
        ),
        (Some("look"), Some("m5"))
    );
    assert_eq!(fwd["forwarded_from"]["author_id"], w.alice.0.to_string());
    let (_, carol) = s.user("carol").await;
    s.post(
        &format!("/api/messages/{}/forward", sent[5]),
        Some(&carol),
        &json!({"channel_id": dm}),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "message_not_found");

    // Slash commands and limits.
    let shrug = s
        .message(a, w.channel, json!({"content": "/shrug fine"}))
        .await;
    assert_eq!(shrug["content"], "fine ¯\\\\_(ツ)_/¯");
    for bad in [
        json!({"content": "   "}),
        json!({"content": "x".repeat(4001)}),
    ] {
        s.post(&base, Some(a), &bad)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn reactions_pins_mentions_and_unread(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, a, b) = (&w.s, &w.alice.1, &w.bob.1);
    let first = s
        .message(a, w.channel, json!({"content": "hello @bob"}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.message(a, w.channel, json!({"content": "hello @everyone"}))
        .await;
    s.message(a, w.channel, json!({"content": "no mention"}))
        .await;

    let unread = s
        .get("/api/unread", Some(b))
        .await
        .expect(StatusCode::OK)
        .body;
    let chat = unread
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["channel_id"] == w.channel.to_string())
        .unwrap();
    assert_eq!(
        (
            chat["unread_count"].as_i64(),
            chat["mention_count"].as_i64()
        ),
        (Some(3), Some(2))
    );
    // Entries place themselves: community and group, none for a direct message.
    assert_eq!(chat["community_id"], w.community.to_string());
    assert_eq!(chat["group_id"], w.group.to_string());
    let dm = s
        .post("/api/dms", Some(a), &json!({"user_ids": [w.bob.0]}))
        .await
        .expect(StatusCode::OK)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.message(a, &dm, json!({"content": "psst"})).await;
    let unread = s
        .get("/api/unread", Some(b))
        .await
        .expect(StatusCode::OK)
        .body;
    let direct = unread
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["channel_id"] == dm.as_str())
        .unwrap();
    assert_eq!(
        (
            &direct["community_id"],
            &direct["group_id"],
            &direct["unread_count"]
        ),
        (&Value::Null, &Value::Null, &json!(1))
    );
    let mine = s
        .get("/api/unread", Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    let own = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["channel_id"] == w.channel.to_string())
        .unwrap();
    assert_eq!(own["unread_count"], 0, "own messages are read");
    s.post(
        &format!("/api/channels/{}/read", w.channel),
        Some(b),
        &json!({"message_id": first}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let unread = s
        .get("/api/unread", Some(b))
        .await
        .expect(StatusCode::OK)
        .body;
    let chat = unread
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["channel_id"] == w.channel.to_string())
        .unwrap();
    assert_eq!(
        (
            chat["unread_count"].as_i64(),
            chat["mention_count"].as_i64()
        ),
        (Some(2), Some(1))
    );
    s.post("/api/read-all", Some(b), &json!({}))
        .await
        .expect(StatusCode::NO_CONTENT);
    let unread = s
        .get("/api/unread", Some(b))
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(
        unread
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["unread_count"] == 0)
    );

    // Reactions: who reacted, no double counting, invalid emoji refused.
    let path = format!("/api/messages/{first}/reactions/%F0%9F%91%8D");
    for token in [a, b, b] {
        s.call(Method::PUT, &path, Some(token), None)
            .await
            .expect(StatusCode::NO_CONTENT);
    }
    let page = s
        .get(
            &format!("/api/channels/{}/messages?limit=3", w.channel),
            Some(a),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let reactions = &page[0]["reactions"];
    assert_eq!(
        (
            reactions[0]["emoji"].as_str(),
            reactions[0]["count"].as_u64()
        ),
        (Some("👍"), Some(2))
    );
    s.call(
        Method::PUT,
        &format!("/api/messages/{first}/reactions/hello"),
        Some(a),
        None,
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    s.call(Method::DELETE, &path, Some(b), None)
        .await
        .expect(StatusCode::NO_CONTENT);

    // Pins: moderators only in communities.
    let pin = format!("/api/channels/{}/pins/{first}", w.channel);
    s.call(Method::PUT, &pin, Some(b), None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    s.call(Method::PUT, &pin, Some(a), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    let pins = s
        .get(&format!("/api/channels/{}/pins", w.channel), Some(b))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        (pins[0]["id"].as_str(), pins[0]["pinned"].as_bool()),
        (Some(first.as_str()), Some(true))
    );
    // History shows the pin, and no longer once it is taken off.
    assert_eq!(pinned_in_history(s, w.channel, b, &first).await, Some(true));
    s.call(Method::DELETE, &pin, Some(a), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        pinned_in_history(s, w.channel, b, &first).await,
        Some(false)
    );
    s.call(Method::PUT, &pin, Some(a), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    assert_eq!(pinned_in_history(s, w.channel, b, &first).await, Some(true));

    // Deleting: the author or a moderator; others may not.
    let bobs = s.message(b, w.channel, json!({"content": "bob's"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.call(
        Method::DELETE,
        &format!("/api/messages/{first}"),
        Some(b),
        None,
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "not_author");
    s.call(
        Method::DELETE,
        &format!("/api/messages/{bobs}"),
        Some(a),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let pins = s
        .get(&format!("/api/channels/{}/pins", w.channel), Some(b))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(pins.as_array().unwrap().len(), 1);
    s.call(
        Method::DELETE,
        &format!("/api/messages/{first}"),
        Some(a),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let pins = s
        .get(&format!("/api/channels/{}/pins", w.channel), Some(b))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(pins, json!([]), "a deleted message is unpinned");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn dms_blocking_bookmarks_and_polls(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, a, b) = (&w.s, &w.alice.1, &w.bob.1);
    let (carol_id, carol) = s.user("carol").await;

    // One DM per pair, reused; group DMs; DMs are private.
    let dm1 = s
        .post("/api/dms", Some(a), &json!({"user_ids": [w.bob.0]}))
        .await
        .expect(StatusCode::OK)
        .body;
    let dm2 = s
        .post("/api/dms", Some(b), &json!({"user_ids": [w.alice.0]}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(dm1["id"], dm2["id"], "the pair's DM is reused");
    assert_eq!(dm1["kind"], "dm");
    let dm = dm1["id"].as_str().unwrap().to_owned();
    let group = s
        .post(
            "/api/dms",
            Some(a),
            &json!({"user_ids": [w.bob.0, carol_id]}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(group["kind"], "group_dm");
    s.message(b, &dm, json!({"content": "psst"})).await;
    s.get(&format!("/api/channels/{dm}/messages"), Some(&carol))
        .await
        .expect_error(StatusCode::NOT_FOUND, "channel_not_found");
    let list = s.get("/api/dms", Some(a)).await.expect(StatusCode::OK).body;
    assert_eq!(list.as_array().unwrap().len(), 2);
    for bad in [json!({"user_ids": []}), json!({"user_ids": [w.alice.0]})] {
        s.post("/api/dms", Some(a), &bad)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    s.post("/api/dms", Some(a), &json!({"user_ids": [Uuid::now_v7()]}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "user_not_found");

    // Blocking: no new DMs, no messages in the existing one, hidden in history.
    s.message(
        &carol,
        group["id"].as_str().unwrap(),
        json!({"content": "carol was here"}),
    )
    .await;
    s.call(
        Method::PUT,
        &format!("/api/account/blocks/{carol_id}"),
        Some(a),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.post("/api/dms", Some(&carol), &json!({"user_ids": [w.alice.0]}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "blocked");
    let gid = group["id"].as_str().unwrap();
    s.post(
        &format!("/api/channels/{gid}/messages"),
        Some(&carol),
        &json!({"content": "hi"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "blocked");
    let seen = s
        .get(&format!("/api/channels/{gid}/messages"), Some(a))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        seen,
        json!([]),
        "the blocked author's messages are hidden from the blocker"
    );
    let seen = s
        .get(&format!("/api/channels/{gid}/messages"), Some(b))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(seen.as_array().unwrap().len(), 1, "others still see them");
    assert_eq!(
        s.get("/api/account/blocks", Some(a)).await.body,
        json!([carol_id])
    );
    s.call(
        Method::DELETE,
        &format!("/api/account/blocks/{carol_id}"),
        Some(a),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);

    // Bookmarks with notes, only while readable.
    let msg = s
        .message(a, w.channel, json!({"content": "remember me"}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.call(
        Method::PUT,
        &format!("/api/messages/{msg}/bookmark"),
        Some(b),
        Some(&json!({"note": "later"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let marks = s
        .get("/api/bookmarks", Some(b))
        .await
        .expect(StatusCode::OK)
        .body["bookmarks"]
        .clone();
    assert_eq!(
        (
            marks[0]["note"].as_str(),
            marks[0]["message"]["content"].as_str()
        ),
        (Some("later"), Some("remember me"))
    );
    s.call(
        Method::PUT,
        &format!("/api/messages/{msg}/bookmark"),
        Some(&carol),
        Some(&json!({})),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "message_not_found");

    // Polls: single and multi choice, anonymous, closing.
    let poll = s
        .post(
            &format!("/api/channels/{}/polls", w.channel),
            Some(a),
            &json!({"question": "Lunch?", "options": ["Pizza", "Sushi", "Salad"]}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let id = poll["id"].as_str().unwrap().to_owned();
    let msg = s
        .get(
            &format!("/api/channels/{}/messages?limit=1", w.channel),
            Some(b),
        )
        .await
        .body[0]
        .clone();
    assert_eq!(msg["poll_id"], id.as_str(), "the message shows the poll");
    let voted = s
        .call(
            Method::PUT,
            &format!("/api/polls/{id}/votes"),
            Some(b),
            Some(&json!({"options": [1]})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        (
            voted["options"][1]["votes"].as_u64(),
            voted["my_votes"].clone()
        ),
        (Some(1), json!([1]))
    );
    assert_eq!(voted["options"][1]["voters"], json!([w.bob.0]));
    s.call(
        Method::PUT,
        &format!("/api/polls/{id}/votes"),
        Some(b),
        Some(&json!({"options": [0, 1]})),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    s.call(
        Method::PUT,
        &format!("/api/polls/{id}/votes"),
        Some(b),
        Some(&json!({"options": [7]})),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    s.post(&format!("/api/polls/{id}/close"), Some(b), &json!({}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "not_creator");
    let closed = s
        .post(&format!("/api/polls/{id}/close"), Some(a), &json!({}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(closed["closed"], true);
    s.call(
        Method::PUT,
        &format!("/api/polls/{id}/votes"),
        Some(a),
        Some(&json!({"options": [0]})),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "poll_closed");
    let anonymous = s
        .post(&format!("/api/channels/{}/polls", w.channel), Some(a), &json!({"question": "Secret?", "options": ["Yes", "No"], "anonymous": true, "multi_select": true}))
        .await
        .expect(StatusCode::CREATED)
        .body;
    let aid = anonymous["id"].as_str().unwrap();
    let r = s
        .call(
            Method::PUT,
            &format!("/api/polls/{aid}/votes"),
            Some(b),
            Some(&json!({"options": [0, 1]})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        (
            r["options"][0]["votes"].as_u64(),
            r["options"][0]["voters"].clone()
        ),
        (Some(1), json!([]))
    );
    for bad in [
        json!({"question": "Q", "options": ["only"]}),
        json!({"question": "", "options": ["a", "b"]}),
        json!({"question": "Q", "options": ["a", "b"], "expires_in_minutes": 0}),
    ] {
        s.post(&format!("/api/channels/{}/polls", w.channel), Some(a), &bad)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    s.get(&format!("/api/polls/{id}"), Some(&carol))
        .await
        .expect_error(StatusCode::NOT_FOUND, "poll_not_found");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn scheduled_messages_are_delivered_after_a_restart(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, a) = (&w.s, &w.alice.1);
    let soon = chrono::Utc::now() + chrono::Duration::seconds(2);
    let later = chrono::Utc::now() + chrono::Duration::days(2);
    let path = format!("/api/channels/{}/scheduled", w.channel);
    let first = s
        .post(
            &path,
            Some(a),
            &json!({"content": "good morning", "send_at": soon}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    s.post(
        &path,
        Some(a),
        &json!({"content": "much later", "send_at": later}),
    )
    .await
    .expect(StatusCode::CREATED);
    let cancel = s
        .post(
            &path,
            Some(a),
            &json!({"content": "never", "send_at": later}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    s.call(
        Method::DELETE,
        &format!("/api/scheduled/{}", cancel["id"].as_str().unwrap()),
        Some(a),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    for bad in [
        json!({"content": "past", "send_at": chrono::Utc::now() - chrono::Duration::minutes(1)}),
        json!({"content": "far", "send_at": chrono::Utc::now() + chrono::Duration::days(31)}),
    ] {
        s.post(&path, Some(a), &bad)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    assert_eq!(first["content"], "good morning");

    // The server stops before the message is due and starts again.
    let s = w.s.restart_with(|_| {}).await;
    let mut bob = Ws::connect(
        &s,
        &s.login("bob", "bob-password").await.tokens.access_token,
    )
    .await;
    let delivered = bob
        .expect_where(|e| {
            e["type"] == "message_created" && e["message"]["content"] == "good morning"
        })
        .await;
    assert_eq!(delivered["message"]["author"]["username"], "alice");
    let pending = s
        .get(
            "/api/scheduled",
            Some(&s.login("alice", "alice-password").await.tokens.access_token),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let contents: Vec<&str> = pending
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        ["much later"],
        "delivered and cancelled ones are gone"
    );
}
