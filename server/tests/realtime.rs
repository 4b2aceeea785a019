//! The WebSocket gateway with real sockets, on both backends (RT-1..5, MSG-1..3,
//! MSG-10, COM-6 enforcement): live messages, edits, deletes, reactions, typing and
//! presence; membership changes cutting events off at once; revoked sessions;
//! non-members, timeouts, slow mode; reconnect catch-up; slow consumers.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use chatalot_server::api::realtime::close_code;
use chatalot_server::config::{CommunityCreationMode, RateLimit};
use common::ws::{Ws, closed_with, status_in};
use common::{Backend, TestServer};
use futures_util::SinkExt;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

/// A community with a channel and two members (owner Alice, member Bob), plus Carol
/// who is not a member.
struct Room {
    s: TestServer,
    community: Uuid,
    channel: Uuid,
    alice: (Uuid, String),
    bob: (Uuid, String),
    carol: (Uuid, String),
}

async fn room(backend: Backend) -> Option<Room> {
    let s = TestServer::start_with(backend, |c| {
        c.community_creation_mode = CommunityCreationMode::Anyone;
        c.tuning.message_rate = RateLimit {
            per_second: 100_000,
            burst: 100_000,
        };
    })
    .await?;
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let carol = s.user("carol").await;
    let community = s.community(&alice.1, json!({"name": "Live"})).await;
    let group = s
        .group(&alice.1, community, json!({"name": "General"}))
        .await;
    let channel = s.channel(&alice.1, group, json!({"name": "chat"})).await;
    let code = s.community_invite(&alice.1, community).await;
    s.accept(&bob.1, &code).await.expect(StatusCode::OK);
    Some(Room {
        s,
        community,
        channel,
        alice,
        bob,
        carol,
    })
}

/// Posts over REST (the per-connection frame limit is for interactive use).
async fn post(r: &Room, token: &str, content: &str) -> String {
    let path = format!("/api/channels/{}/messages", r.channel);
    let resp =
        r.s.post(&path, Some(token), &json!({ "content": content }))
            .await;
    resp.expect(StatusCode::CREATED).body["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The IDs of the page of the channel's messages after `cursor`, oldest first.
async fn ids_after(r: &Room, token: &str, cursor: &str, limit: usize) -> Vec<String> {
    let path = format!(
        "/api/channels/{}/messages?after={cursor}&limit={limit}",
        r.channel
    );
    let page = r.s.get(&path, Some(token)).await.expect(StatusCode::OK);
    page.body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

fn send_frame(channel: Uuid, content: &str) -> Value {
    json!({"type": "send_message", "channel_id": channel, "content": content})
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn two_users_see_each_other_live(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    assert_eq!(alice.ready["user"]["username"], "alice");
    // Alice shows the community's member list: only herself is online.
    let members = alice.watch_presence(r.community).await;
    assert_eq!(
        members["presences"].as_array().unwrap().len(),
        1,
        "{members}"
    );
    assert_eq!(status_in(&members, &r.alice.0.to_string()), Some("online"));
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    // Alice sees Bob come online (they share the community).
    assert_eq!(alice.expect_presence_of(r.bob.0).await, "online");

    // A message over the socket: acknowledged to the sender, delivered to both.
    let ack = alice.request(send_frame(r.channel, "hello @bob")).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let id = ack["message"]["id"].as_str().unwrap().to_owned();
    let got = bob.expect("message_created").await;
    assert_eq!(
        (
            got["message"]["id"].as_str(),
            got["message"]["content"].as_str()
        ),
        (Some(id.as_str()), Some("hello @bob"))
    );
    assert_eq!(got["message"]["mentions"], json!([r.bob.0]));
    alice
        .expect_where(|e| e["type"] == "message_created" && e["message"]["id"] == id.as_str())
        .await;

    // A message over REST reaches the sockets the same way.
    let rest =
        r.s.post(
            &format!("/api/channels/{}/messages", r.channel),
            Some(&r.bob.1),
            &json!({"content": "hi from REST"}),
        )
        .await;
    let rest_id = rest.expect(StatusCode::CREATED).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = alice.expect("message_created").await;
    assert_eq!(got["message"]["id"], rest_id.as_str());

    // Edit, reaction, typing, delete, presence.
    let edited = alice
        .request(json!({"type": "edit_message", "message_id": id, "content": "hello, Bob"}))
        .await;
    assert_eq!(edited["message"]["content"], "hello, Bob");
    let got = bob.expect("message_updated").await;
    assert_eq!(got["message"]["content"], "hello, Bob");
    assert!(got["message"]["edited_at"].is_string());

    let reacted = bob
        .request(json!({"type": "add_reaction", "message_id": id, "emoji": "🎉"}))
        .await;
    assert_eq!(reacted["type"], "ack");
    let got = alice.expect("reaction_added").await;
    assert_eq!(
        (got["emoji"].as_str(), got["user_id"].as_str()),
        (Some("🎉"), Some(r.bob.0.to_string().as_str()))
    );

    let typing = json!({"type": "typing", "channel_id": r.channel});
    bob.send(typing.clone()).await;
    let got = alice.expect("typing").await;
    assert_eq!(got["user_id"], r.bob.0.to_string());
    // Typing is throttled (one signal per 3 s per channel), but sending a message ends
    // it: the next keystroke is announced again at once.
    bob.send(typing.clone()).await;
    let sent = bob.request(send_frame(r.channel, "typed it")).await;
    assert_eq!(sent["type"], "ack", "{sent}");
    bob.send(typing).await;
    let seen = alice.collect_until(|e| e["type"] == "typing").await;
    let kinds: Vec<&str> = seen.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["message_created", "typing"],
        "the throttled signal is dropped, the one after the message is not"
    );

    let deleted = alice
        .request(json!({"type": "delete_message", "message_id": id}))
        .await;
    assert_eq!(deleted["type"], "ack");
    let got = bob.expect("message_deleted").await;
    assert_eq!(got["message_id"], id.as_str());

    let presence = bob
        .request(json!({"type": "set_presence", "status": "dnd"}))
        .await;
    assert_eq!(presence["type"], "ack");
    assert_eq!(alice.expect_presence_of(r.bob.0).await, "dnd");

    // History holds it all: the tombstone, the edit history, the reactions gone with it.
    let history =
        r.s.get(
            &format!("/api/channels/{}/messages", r.channel),
            Some(&r.bob.1),
        )
        .await
        .expect(StatusCode::OK);
    let first = &history.body[0];
    assert_eq!(
        (first["deleted"].as_bool(), first["content"].as_str()),
        (Some(true), Some(""))
    );
    assert_eq!(history.body[1]["content"], "hi from REST");

    // Bob leaves: Alice sees him go offline.
    drop(bob);
    assert_eq!(alice.expect_presence_of(r.bob.0).await, "offline");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn community_presence_reaches_only_members_showing_the_list(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    // Carol is no member: refused as by the REST twin, and she sees nothing.
    let mut carol = Ws::connect(&r.s, &r.carol.1).await;
    let refused = carol
        .request(json!({"type": "watch_presence", "community_id": r.community}))
        .await;
    let rest =
        r.s.get(
            &format!("/api/communities/{}/presence", r.community),
            Some(&r.carol.1),
        )
        .await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["code"], rest.code(), "{refused}");

    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    alice.watch_presence(r.community).await;
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    let members = bob.watch_presence(r.community).await;
    assert_eq!(status_in(&members, &r.alice.0.to_string()), Some("online"));
    alice.expect_presence(r.bob.0, "online").await;

    // Bob is kicked: his connection stops showing the list at once.
    r.s.call(
        Method::POST,
        &format!("/api/communities/{}/members/{}/kick", r.community, r.bob.0),
        Some(&r.alice.1),
        Some(&json!({})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    bob.expect("community_removed").await;
    r.s.call(
        Method::PUT,
        "/api/account/presence",
        Some(&r.alice.1),
        Some(&json!({"status": "dnd"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    // Alice's own list shows it: that frame went to every watcher at once.
    alice.expect_presence(r.alice.0, "dnd").await;
    for ws in [&mut bob, &mut carol] {
        ws.send(json!({"type": "ping"})).await;
        let seen = ws.collect_until(|e| e["type"] == "pong").await;
        assert!(
            seen.iter().all(|e| e["type"] != "community_presence"),
            "{seen:?}"
        );
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn kicked_and_banned_users_stop_receiving_at_once(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    // A DM between Alice and Bob carries the sentinel: events reach a socket in the
    // order they are published, so a sentinel that arrives without the channel
    // message before it proves the channel message was not delivered.
    let dm =
        r.s.post(
            "/api/dms",
            Some(&r.alice.1),
            &json!({"user_ids": [r.bob.0]}),
        )
        .await
        .expect(StatusCode::OK);
    let dm = dm.body["id"].as_str().unwrap().to_owned();
    bob.expect("channel_created").await;

    for (i, action) in ["kick", "ban"].iter().enumerate() {
        if i == 1 {
            let code = r.s.community_invite(&r.alice.1, r.community).await;
            r.s.accept(&r.bob.1, &code).await.expect(StatusCode::OK);
            bob.expect("member_joined").await;
        }
        let path = if *action == "kick" {
            format!("/api/communities/{}/members/{}/kick", r.community, r.bob.0)
        } else {
            format!("/api/communities/{}/bans/{}", r.community, r.bob.0)
        };
        let method = if *action == "kick" {
            Method::POST
        } else {
            Method::PUT
        };
        r.s.call(method, &path, Some(&r.alice.1), Some(&json!({})))
            .await
            .expect(StatusCode::NO_CONTENT);
        let removed = bob.expect("community_removed").await;
        assert_eq!(
            removed["reason"],
            if *action == "kick" {
                "kicked"
            } else {
                "banned"
            }
        );

        let secret = format!("after the {action}");
        r.s.post(
            &format!("/api/channels/{}/messages", r.channel),
            Some(&r.alice.1),
            &json!({"content": secret}),
        )
        .await
        .expect(StatusCode::CREATED);
        let sentinel = format!("sentinel {i}");
        r.s.post(
            &format!("/api/channels/{dm}/messages"),
            Some(&r.alice.1),
            &json!({"content": sentinel}),
        )
        .await
        .expect(StatusCode::CREATED);
        let seen = bob
            .collect_until(|e| e["message"]["content"] == sentinel.as_str())
            .await;
        assert!(
            !seen
                .iter()
                .any(|e| e["message"]["content"] == secret.as_str()),
            "a {action}ed user received the channel's message: {seen:?}"
        );
    }
    // And the banned user cannot read the history either.
    r.s.get(
        &format!("/api/channels/{}/messages", r.channel),
        Some(&r.bob.1),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "channel_not_found");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn revoked_sessions_and_suspensions_close_the_socket(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    let second = r.s.login("bob", "bob-password").await;
    let mut phone = Ws::connect(&r.s, &second.tokens.access_token).await;
    let mut laptop = Ws::connect(&r.s, &r.bob.1).await;

    let path = format!("/api/account/sessions/{}", second.tokens.session_id);
    r.s.call(Method::DELETE, &path, Some(&r.bob.1), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    assert_eq!(phone.expect_close().await, close_code::SESSION_ENDED);

    // The other session is untouched until the account is suspended.
    laptop
        .request(json!({"type": "set_presence", "status": "idle"}))
        .await;
    let root = r.s.login("alice", "alice-password").await; // alice is not instance staff
    let _ = root;
    let (_, admin) = {
        // The first registered user (alice) owns the instance.
        (r.alice.0, r.alice.1.clone())
    };
    r.s.post(
        &format!("/api/admin/users/{}/suspend", r.bob.0),
        Some(&admin),
        &json!({}),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(laptop.expect_close().await, close_code::SESSION_ENDED);

    // A dead token cannot open a new socket.
    let mut stream = Ws::open(&r.s).await;
    stream
        .send(Message::text(
            json!({"type": "authenticate", "token": r.bob.1}).to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(closed_with(&mut stream).await, close_code::SESSION_ENDED);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn authentication_is_required_first(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    let mut stream = Ws::open(&r.s).await;
    stream
        .send(Message::text(
            json!({"type": "send_message", "channel_id": r.channel, "content": "x"}).to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(
        closed_with(&mut stream).await,
        close_code::AUTHENTICATION_FAILED
    );
    let mut stream = Ws::open(&r.s).await;
    stream
        .send(Message::text(
            json!({"type": "authenticate", "token": "forged"}).to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(
        closed_with(&mut stream).await,
        close_code::AUTHENTICATION_FAILED
    );

    // Eight connections per user; the ninth is refused.
    let mut sockets = Vec::new();
    for _ in 0..8 {
        sockets.push(Ws::connect(&r.s, &r.carol.1).await);
    }
    let mut stream = Ws::open(&r.s).await;
    stream
        .send(Message::text(
            json!({"type": "authenticate", "token": r.carol.1}).to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(
        closed_with(&mut stream).await,
        close_code::TOO_MANY_CONNECTIONS
    );

    // Garbage after authentication is answered, not fatal.
    sockets[0].send(json!({"type": "launch_rockets"})).await;
    let error = sockets[0].expect("error").await;
    assert_eq!(error["code"], "invalid_frame");
    sockets[0]
        .send(json!({"type": "authenticate", "token": r.carol.1}))
        .await;
    assert_eq!(
        sockets[0].expect("error").await["code"],
        "already_authenticated"
    );
    sockets[0].send(json!({"type": "ping"})).await;
    sockets[0].expect("pong").await;

    // Per connection: a burst of 10 frames, then 5 per second.
    for _ in 0..20 {
        sockets[1].send(json!({"type": "ping"})).await;
    }
    let limited = sockets[1].expect_where(|e| e["type"] == "error").await;
    assert_eq!(limited["code"], "rate_limited");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn non_members_timeouts_and_slow_mode_are_enforced(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    let mut carol = Ws::connect(&r.s, &r.carol.1).await;

    // Carol is not a member: she can neither post nor hear the channel.
    let refused = carol.request(send_frame(r.channel, "let me in")).await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("channel_not_found"))
    );
    let typing = carol
        .request(
            json!({"type": "mark_read", "channel_id": r.channel, "message_id": Uuid::now_v7()}),
        )
        .await;
    assert_eq!(typing["code"], "channel_not_found");
    alice.request(send_frame(r.channel, "members only")).await;
    // Carol's socket got nothing of the channel: a DM after it arrives first.
    let dm =
        r.s.post(
            "/api/dms",
            Some(&r.alice.1),
            &json!({"user_ids": [r.carol.0]}),
        )
        .await
        .expect(StatusCode::OK);
    let dm = dm.body["id"].as_str().unwrap().to_owned();
    r.s.post(
        &format!("/api/channels/{dm}/messages"),
        Some(&r.alice.1),
        &json!({"content": "dm sentinel"}),
    )
    .await
    .expect(StatusCode::CREATED);
    let seen = carol
        .collect_until(|e| e["message"]["content"] == "dm sentinel")
        .await;
    assert!(
        !seen
            .iter()
            .any(|e| e["message"]["content"] == "members only"),
        "{seen:?}"
    );

    // Timed out: Bob cannot post, over the socket or REST.
    let timeout = format!(
        "/api/communities/{}/members/{}/timeout",
        r.community, r.bob.0
    );
    r.s.call(
        Method::PUT,
        &timeout,
        Some(&r.alice.1),
        Some(&json!({"duration_secs": 300})),
    )
    .await
    .expect(StatusCode::OK);
    let refused = bob.request(send_frame(r.channel, "muted?")).await;
    assert_eq!(refused["code"], "timed_out");
    let refused =
        r.s.post(
            &format!("/api/channels/{}/messages", r.channel),
            Some(&r.bob.1),
            &json!({"content": "muted?"}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "timed_out");
    // When it ends, in seconds (the client says it in local time), never a UTC stamp.
    let left = refused.body["retry_after"].as_u64().unwrap();
    assert!((290..=300).contains(&left), "{}", refused.text);
    assert_eq!(
        refused.body["message"], "you are timed out here for 5 minutes",
        "{}",
        refused.text
    );
    r.s.call(Method::DELETE, &timeout, Some(&r.alice.1), None)
        .await
        .expect(StatusCode::NO_CONTENT);

    // Slow mode: the second message within the interval is refused with a wait.
    let path = format!("/api/channels/{}", r.channel);
    r.s.call(
        Method::PATCH,
        &path,
        Some(&r.alice.1),
        Some(&json!({"slow_mode_secs": 60})),
    )
    .await
    .expect(StatusCode::OK);
    let first = bob.request(send_frame(r.channel, "one")).await;
    assert_eq!(first["type"], "ack", "{first}");
    let second = bob.request(send_frame(r.channel, "two")).await;
    assert_eq!(second["code"], "slow_mode", "{second}");
    assert!(second["message"].as_str().unwrap().contains("wait"));
    // Moderators are exempt.
    alice.request(send_frame(r.channel, "mods 1")).await;
    let again = alice.request(send_frame(r.channel, "mods 2")).await;
    assert_eq!(again["type"], "ack");

    // Read-only and archived channels.
    r.s.call(
        Method::PATCH,
        &path,
        Some(&r.alice.1),
        Some(&json!({"slow_mode_secs": 0, "read_only": true})),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(
        bob.request(send_frame(r.channel, "ro")).await["code"],
        "channel_read_only"
    );
    assert_eq!(
        alice.request(send_frame(r.channel, "admins may")).await["type"],
        "ack"
    );
    r.s.call(
        Method::PATCH,
        &path,
        Some(&r.alice.1),
        Some(&json!({"archived": true})),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(
        alice.request(send_frame(r.channel, "archived")).await["code"],
        "channel_archived"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messages_sent_at_once_arrive_in_the_order_of_their_ids(#[case] backend: Backend) {
    // Catching up asks for what is `after` the last ID a client saw: that is only
    // lossless if nobody receives a message before one with a smaller ID.
    let Some(r) = room(backend).await else { return };
    let mut reader = Ws::connect(&r.s, &r.bob.1).await;
    let texts: Vec<String> = (0..60).map(|i| format!("at once {i}")).collect();
    let posts = texts.iter().enumerate().map(|(i, text)| {
        let token = if i % 2 == 0 { &r.alice.1 } else { &r.bob.1 };
        post(&r, token, text)
    });
    let sent: BTreeSet<String> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .collect();
    let mut arrived = Vec::new();
    while arrived.len() < sent.len() {
        let event = reader.expect("message_created").await;
        arrived.push(event["message"]["id"].as_str().unwrap().to_owned());
    }
    let mut sorted = arrived.clone();
    sorted.sort();
    assert_eq!(arrived, sorted, "delivered in the order of their IDs");
    assert_eq!(arrived.into_iter().collect::<BTreeSet<_>>(), sent);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn catching_up_while_messages_are_written_misses_none(#[case] backend: Backend) {
    // Messages of one channel are written side by side: a page must not show one
    // while another with a smaller ID may still be committed, or a reader paging
    // with `after` would step over it for good.
    let Some(r) = room(backend).await else { return };
    let written = AtomicBool::new(false);
    let writers = async {
        let texts: Vec<String> = (0..60).map(|i| format!("racing {i}")).collect();
        let posts = texts.iter().enumerate().map(|(i, text)| {
            let token = if i % 2 == 0 { &r.alice.1 } else { &r.bob.1 };
            post(&r, token, text)
        });
        let sent: BTreeSet<String> = futures_util::future::join_all(posts)
            .await
            .into_iter()
            .collect();
        written.store(true, Ordering::SeqCst);
        sent
    };
    let reader = async {
        let mut fetched: Vec<String> = Vec::new();
        let mut cursor = Uuid::nil().to_string();
        loop {
            // Read before the page: once every post has answered, a short page is the end.
            let all_written = written.load(Ordering::SeqCst);
            let ids = ids_after(&r, &r.bob.1, &cursor, 100).await;
            let short = ids.len() < 100;
            if let Some(last) = ids.last() {
                cursor = last.clone();
            }
            fetched.extend(ids);
            if all_written && short {
                return fetched;
            }
            tokio::task::yield_now().await;
        }
    };
    let (sent, fetched) = tokio::join!(writers, reader);
    let mut sorted = fetched.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(fetched, sorted, "pages oldest first, each message once");
    let missed: Vec<&String> = sent.iter().filter(|id| !fetched.contains(id)).collect();
    assert!(
        missed.is_empty(),
        "paging with `after` stepped over {missed:?}"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn reconnecting_recovers_every_missed_message(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    for i in 0..3 {
        alice
            .request(send_frame(r.channel, &format!("before {i}")))
            .await;
    }
    let mut last_seen = String::new();
    for _ in 0..3 {
        last_seen = bob.expect("message_created").await["message"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    drop(bob);

    // 120 messages while Bob is away (more than one page).
    let mut sent = BTreeSet::new();
    for i in 0..120 {
        sent.insert(post(&r, &r.alice.1, &format!("missed {i}")).await);
    }

    // The documented procedure: reconnect first, then page with `after` until short.
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    let live_id = post(&r, &r.alice.1, "after reconnect").await;
    let mut fetched = Vec::new();
    let mut cursor = last_seen;
    loop {
        let ids = ids_after(&r, &r.bob.1, &cursor, 50).await;
        let short = ids.len() < 50;
        if let Some(last) = ids.last() {
            cursor = last.clone();
        }
        fetched.extend(ids);
        if short {
            break;
        }
    }
    let unique: BTreeSet<String> = fetched.iter().cloned().collect();
    assert_eq!(unique.len(), fetched.len(), "no duplicates across pages");
    let mut expected = sent.clone();
    expected.insert(live_id.clone());
    assert_eq!(
        unique, expected,
        "every missed message exactly once, in the catch-up"
    );
    let sorted: Vec<String> = {
        let mut v = fetched.clone();
        v.sort();
        v
    };
    assert_eq!(fetched, sorted, "pages come oldest first");
    // The live one also arrived on the new socket; the client drops it by ID.
    let live = bob.expect("message_created").await;
    assert_eq!(live["message"]["id"], live_id.as_str());
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_client_that_never_reads_is_cut_off_with_resync(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    alice.watch_presence(r.community).await;
    // A socket that authenticates and then never reads; Alice hears it come online.
    let mut stalled = Ws::open(&r.s).await;
    stalled
        .send(Message::text(
            json!({"type": "authenticate", "token": r.bob.1}).to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(alice.expect_presence_of(r.bob.0).await, "online");

    let big = "x".repeat(3900);
    let mut sent = 0;
    while !r.s.core.events.hub.connections_of(r.bob.0).is_empty() {
        assert!(sent < 5000, "the stalled connection was never cut off");
        // Alice reads along, so she is never the slow one.
        let id = post(&r, &r.alice.1, &big).await;
        alice
            .expect_where(|e| e["type"] == "message_created" && e["message"]["id"] == id.as_str())
            .await;
        sent += 1;
    }
    // Others keep receiving: Alice got every one of her messages back live.
    let id = post(&r, &r.alice.1, "still flowing").await;
    alice
        .expect_where(|e| e["type"] == "message_created" && e["message"]["id"] == id.as_str())
        .await;
    // The stalled client, reading at last, finds the resync close after its backlog.
    assert_eq!(closed_with(&mut stalled).await, close_code::RESYNC);
    // Bounded: it was cut off after at most the queue plus the socket buffers.
    assert!(sent <= 5000);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bookmark_changes_reach_only_the_owners_devices(#[case] backend: Backend) {
    let Some(r) = room(backend).await else { return };
    let id = post(&r, &r.bob.1, "worth keeping").await;
    let mut laptop = Ws::connect(&r.s, &r.alice.1).await;
    let mut phone = Ws::connect(&r.s, &r.alice.1).await;
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    let path = format!("/api/messages/{id}/bookmark");

    r.s.call(
        Method::PUT,
        &path,
        Some(&r.alice.1),
        Some(&json!({"note": "read later"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    for device in [&mut laptop, &mut phone] {
        let event = device.expect("bookmarks_updated").await;
        assert_eq!(
            (&event["message_id"], &event["bookmarked"], &event["note"]),
            (&json!(id), &json!(true), &json!("read later"))
        );
    }
    r.s.call(Method::DELETE, &path, Some(&r.alice.1), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    let event = phone.expect("bookmarks_updated").await;
    assert_eq!(
        (&event["bookmarked"], &event["note"]),
        (&json!(false), &Value::Null)
    );

    // Bookmarks are private: the next thing Bob hears of is a new message, not them.
    let next = post(&r, &r.alice.1, "after the bookmarks").await;
    let seen = bob
        .collect_until(|e| e["type"] == "message_created" && e["message"]["id"] == next.as_str())
        .await;
    assert!(
        seen.iter().all(|e| e["type"] != "bookmarks_updated"),
        "{seen:?}"
    );
}
