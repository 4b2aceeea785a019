//! The privacy model (issue 12) on both backends: a DM reaches only people who share
//! a community with you (or a DM already); a block, either way, stops presence,
//! typing and read receipts between the two, and every reaction, pin and vote in
//! their DMs.

mod common;

use common::ws::{Ws, status_in};
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

struct World {
    s: TestServer,
    community: Uuid,
    general: Uuid,
    alice: (Uuid, String),
    bob: (Uuid, String),
    carol: (Uuid, String),
}

/// Alice, Bob and Carol in one community with a #general channel.
async fn world(backend: Backend) -> Option<World> {
    let s = TestServer::start_for_messages(backend).await?;
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let carol = s.user("carol").await;
    let community = s.community(&alice.1, json!({"name": "Team"})).await;
    let group = s.group(&alice.1, community, json!({"name": "G"})).await;
    let general = s.channel(&alice.1, group, json!({"name": "general"})).await;
    let code = s.community_invite(&alice.1, community).await;
    for (_, token) in [&bob, &carol] {
        s.accept(token, &code).await.expect(StatusCode::OK);
    }
    Some(World {
        s,
        community,
        general,
        alice,
        bob,
        carol,
    })
}

async fn open_dm(s: &TestServer, token: &str, with: &[Uuid]) -> Uuid {
    s.post("/api/dms", Some(token), &json!({ "user_ids": with }))
        .await
        .expect(StatusCode::OK)
        .body["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn strangers_cannot_open_a_dm_and_learn_nothing(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let (stranger_id, stranger) = s.user("stranger").await;

    let to_bob = s
        .post("/api/dms", Some(&stranger), &json!({"user_ids": [w.bob.0]}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "user_not_found");
    let to_nobody = s
        .post(
            "/api/dms",
            Some(&stranger),
            &json!({"user_ids": [Uuid::now_v7()]}),
        )
        .await
        .expect_error(StatusCode::NOT_FOUND, "user_not_found");
    assert_eq!(
        to_bob.body, to_nobody.body,
        "a stranger cannot tell a real account from none"
    );
    // (Alice, the first account, is the instance owner: staff may DM anyone.)
    s.post(
        "/api/dms",
        Some(&w.carol.1),
        &json!({"user_ids": [w.bob.0, stranger_id]}),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "user_not_found");
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM dm_members WHERE user_id = $1",
            &[stranger_id]
        )
        .await,
        0,
        "no DM was made with the stranger"
    );

    // People who share a community can; the DM stays open after one of them leaves.
    let dm = open_dm(s, &w.bob.1, &[w.carol.0]).await;
    s.post(
        &format!("/api/communities/{}/leave", w.community),
        Some(&w.carol.1),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(open_dm(s, &w.carol.1, &[w.bob.0]).await, dm);
    // Instance staff (Alice, the first account, owns the instance) reach anyone and
    // anyone reaches them.
    open_dm(s, &w.alice.1, &[stranger_id]).await;
    let (_, newcomer) = s.user("newcomer").await;
    open_dm(s, &newcomer, &[w.alice.0]).await;
}

/// Events until `sentinel` arrives (the sentinel included).
async fn events_until(ws: &mut Ws, sentinel: &str) -> Vec<Value> {
    ws.collect_until(|e| e["type"] == "message_created" && e["message"]["content"] == sentinel)
        .await
}

fn about(events: &[Value], user: Uuid) -> Vec<&Value> {
    let user = user.to_string();
    events
        .iter()
        .filter(|e| {
            (matches!(
                e["type"].as_str(),
                Some("presence" | "read_receipt" | "typing")
            ) && e["user_id"] == user.as_str())
                || status_in(e, &user).is_some()
        })
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_block_either_way_stops_presence_typing_and_receipts(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let dm = open_dm(s, &w.alice.1, &[w.bob.0]).await;
    let hello = s
        .message(&w.alice.1, dm, json!({"content": "hello bob"}))
        .await;
    // Bob blocks Alice: Alice, the blocked one, must not see Bob either.
    s.call(
        Method::PUT,
        &format!("/api/account/blocks/{}", w.alice.0),
        Some(&w.bob.1),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);

    // Everyone shows the community's member list; Carol, who blocks nobody, is the
    // witness that a presence frame went out.
    let mut carol_ws = Ws::connect(s, &w.carol.1).await;
    carol_ws.watch_presence(w.community).await;
    let mut bob_ws = Ws::connect(s, &w.bob.1).await;
    bob_ws.watch_presence(w.community).await;
    let mut alice_ws = Ws::connect(s, &w.alice.1).await;
    let members = alice_ws.watch_presence(w.community).await;
    assert_eq!(status_in(&members, &w.bob.0.to_string()), None, "{members}");
    s.call(
        Method::PUT,
        "/api/account/presence",
        Some(&w.bob.1),
        Some(&json!({"status": "dnd"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    carol_ws.expect_presence(w.bob.0, "dnd").await;
    s.post(
        &format!("/api/channels/{dm}/read"),
        Some(&w.bob.1),
        &json!({"message_id": hello["id"]}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.post(
        &format!("/api/channels/{}/typing", w.general),
        Some(&w.bob.1),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.message(&w.carol.1, w.general, json!({"content": "sentinel one"}))
        .await;
    let seen = events_until(&mut alice_ws, "sentinel one").await;
    assert!(
        about(&seen, w.bob.0).is_empty(),
        "nothing personal of Bob reaches Alice: {seen:?}"
    );
    assert!(
        !alice_ws.ready["presences"]
            .to_string()
            .contains(&w.bob.0.to_string()),
        "Bob, online, is not in Alice's ready presences: {}",
        alice_ws.ready
    );
    let presence = s
        .get(
            &format!("/api/communities/{}/presence", w.community),
            Some(&w.alice.1),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(
        !presence.to_string().contains(&w.bob.0.to_string()),
        "community presence hides Bob from Alice: {presence}"
    );

    // Alice's presence and typing do not reach Bob, the blocker, either.
    s.call(
        Method::PUT,
        "/api/account/presence",
        Some(&w.alice.1),
        Some(&json!({"status": "idle"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    carol_ws.expect_presence(w.alice.0, "idle").await;
    s.message(&w.carol.1, w.general, json!({"content": "sentinel two"}))
        .await;
    let seen = events_until(&mut bob_ws, "sentinel two").await;
    assert!(about(&seen, w.alice.0).is_empty(), "{seen:?}");

    // Carol, who blocks nobody, still sees both.
    s.call(
        Method::PUT,
        "/api/account/presence",
        Some(&w.bob.1),
        Some(&json!({"status": "online"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    carol_ws.expect_presence(w.bob.0, "online").await;
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn nothing_passes_in_a_dm_across_a_block(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let dm = open_dm(s, &w.alice.1, &[w.bob.0]).await;
    let from_bob = s
        .message(&w.bob.1, dm, json!({"content": "a message"}))
        .await;
    let poll = s
        .post(
            &format!("/api/channels/{dm}/polls"),
            Some(&w.bob.1),
            &json!({"question": "Lunch?", "options": ["yes", "no"]}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    s.call(
        Method::PUT,
        &format!("/api/account/blocks/{}", w.bob.0),
        Some(&w.alice.1),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);

    let message = from_bob["id"].as_str().unwrap();
    for token in [&w.alice.1, &w.bob.1] {
        s.call(
            Method::PUT,
            &format!("/api/messages/{message}/reactions/%F0%9F%91%8D"),
            Some(token),
            None,
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "blocked");
        s.call(
            Method::PUT,
            &format!("/api/channels/{dm}/pins/{message}"),
            Some(token),
            None,
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "blocked");
        s.call(
            Method::PUT,
            &format!("/api/polls/{}/votes", poll["id"].as_str().unwrap()),
            Some(token),
            Some(&json!({"options": [0]})),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "blocked");
    }
    assert_eq!(
        s.db.count("SELECT COUNT(*) FROM reactions", &[]).await
            + s.db.count("SELECT COUNT(*) FROM pins", &[]).await
            + s.db.count("SELECT COUNT(*) FROM poll_votes", &[]).await,
        0,
        "nothing was stored"
    );
}

/// A restart closes every connection: each of them still records when its person was
/// last seen, before the database closes (the closings used to race the database's
/// closing, and lost when many people were connected).
#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_restart_records_when_the_connected_were_last_seen(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let code = w.s.community_invite(&w.alice.1, w.community).await;
    let mut members = Vec::new();
    for i in 0..20 {
        let member = w.s.user(&format!("member{i}")).await;
        w.s.accept(&member.1, &code).await.expect(StatusCode::OK);
        members.push(member);
    }
    let mut sockets = Vec::new();
    for (_, token) in &members {
        sockets.push(Ws::connect(&w.s, token).await);
    }
    let s = w.s.restart_with(|_| {}).await;
    drop(sockets);
    for (id, _) in &members {
        let card = s.get(&format!("/api/users/{id}"), Some(&w.bob.1)).await;
        assert!(
            card.expect(StatusCode::OK).body["last_seen_at"].is_string(),
            "last seen of everyone connected when the server stopped"
        );
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn last_seen_shows_only_while_offline_and_only_if_shared(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let alice_card = format!("/api/users/{}", w.alice.0);
    assert_eq!(
        s.get(&alice_card, Some(&w.bob.1))
            .await
            .expect(StatusCode::OK)
            .body["last_seen_at"],
        Value::Null,
        "never connected"
    );

    // Online: nothing to show. Gone: when, to those who share a community.
    let mut bob_ws = Ws::connect(s, &w.bob.1).await;
    bob_ws.watch_presence(w.community).await;
    let alice_ws = Ws::connect(s, &w.alice.1).await;
    bob_ws.expect_presence(w.alice.0, "online").await;
    assert_eq!(
        s.get(&alice_card, Some(&w.bob.1)).await.body["last_seen_at"],
        Value::Null
    );
    drop(alice_ws);
    bob_ws.expect_presence(w.alice.0, "offline").await;
    let seen = s.get(&alice_card, Some(&w.bob.1)).await.body["last_seen_at"].clone();
    assert!(
        seen.is_string(),
        "last seen after the last connection closed"
    );
    assert_eq!(
        s.get(&alice_card, Some(&w.carol.1)).await.body["last_seen_at"],
        seen
    );

    // Hidden by her choice: nobody sees it, and her profile says so.
    let me = s
        .call(
            Method::PATCH,
            "/api/account/me",
            Some(&w.alice.1),
            Some(&json!({"show_last_seen": false})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(me["show_last_seen"], false);
    assert_eq!(
        s.get(&alice_card, Some(&w.bob.1)).await.body["last_seen_at"],
        Value::Null
    );
    // A stranger sees no card at all.
    let (_, stranger) = s.user("stranger").await;
    s.get(&alice_card, Some(&stranger))
        .await
        .expect(StatusCode::NOT_FOUND);
}
