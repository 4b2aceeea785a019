//! Bounds on what one client can make the server store or send (issue 12), on both
//! backends: edits share the sending rate and their history comes in pages, group
//! DMs are capped, and the gateway writes `ready` first and counts every frame.

mod common;

use chatalot_server::config::RateLimit;
use common::ws::Ws;
use common::{Backend, TestServer};
use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

async fn community_channel(s: &TestServer, token: &str) -> uuid::Uuid {
    let community = s.community(token, json!({"name": "Bounds"})).await;
    let group = s.group(token, community, json!({"name": "G"})).await;
    s.channel(token, group, json!({"name": "chat"})).await
}

async fn edit(s: &TestServer, token: &str, id: &str, content: &str) -> common::Resp {
    s.call(
        Method::PATCH,
        &format!("/api/messages/{id}"),
        Some(token),
        Some(&json!({ "content": content })),
    )
    .await
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn edits_share_the_sending_rate(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.community_creation_mode = chatalot_server::config::CommunityCreationMode::Anyone;
        c.tuning.message_rate = RateLimit {
            per_second: 1,
            burst: 3,
        };
    })
    .await
    else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let channel = community_channel(&s, &alice).await;
    let sent = s.message(&alice, channel, json!({"content": "v1"})).await;
    let id = sent["id"].as_str().unwrap();
    edit(&s, &alice, id, "v2").await.expect(StatusCode::OK);
    edit(&s, &alice, id, "v3").await.expect(StatusCode::OK);
    edit(&s, &alice, id, "v4")
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(
        s.db.count("SELECT COUNT(*) FROM message_edits", &[]).await,
        2,
        "the refused edit kept no version"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn edit_history_comes_a_page_at_a_time(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let channel = community_channel(&s, &alice).await;
    let sent = s.message(&alice, channel, json!({"content": "v0"})).await;
    let id = sent["id"].as_str().unwrap();
    for i in 1..=5 {
        edit(&s, &alice, id, &format!("v{i}"))
            .await
            .expect(StatusCode::OK);
    }
    let page = |query: String| {
        let s = &s;
        let alice = &alice;
        async move {
            s.get(&format!("/api/messages/{id}/edits{query}"), Some(alice))
                .await
                .expect(StatusCode::OK)
                .body
        }
    };
    let contents = |page: &Value| -> Vec<String> {
        page.as_array()
            .unwrap()
            .iter()
            .map(|e| e["content"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = page("?limit=2".into()).await;
    assert_eq!(contents(&first), ["v0", "v1"], "oldest first");
    let last_id = first[1]["id"].as_str().unwrap();
    let second = page(format!("?limit=2&after={last_id}")).await;
    assert_eq!(contents(&second), ["v2", "v3"]);
    assert_eq!(contents(&page(String::new()).await).len(), 5, "default 50");
    assert_eq!(
        contents(&page("?limit=1000".into()).await).len(),
        5,
        "clamped, not refused"
    );
    s.get(
        &format!("/api/messages/{id}/edits?after=nope"),
        Some(&alice),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_query");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn group_dms_per_user_are_capped(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let (bob_id, bob) = s.user("bob").await;
    let (carol_id, carol) = s.user("carol").await;
    let community = s.community(&alice, json!({"name": "DMs"})).await;
    let code = s.community_invite(&alice, community).await;
    s.accept(&bob, &code).await.expect(StatusCode::OK);
    s.accept(&carol, &code).await.expect(StatusCode::OK);
    let limit = chatalot_server::domain::GROUP_DMS_PER_USER;
    for _ in 0..limit {
        s.post(
            "/api/dms",
            Some(&alice),
            &json!({"user_ids": [bob_id, carol_id]}),
        )
        .await
        .expect(StatusCode::OK);
    }
    s.post(
        "/api/dms",
        Some(&alice),
        &json!({"user_ids": [bob_id, carol_id]}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "group_dm_limit");
    assert_eq!(
        s.db.count("SELECT COUNT(*) FROM channels WHERE kind = 'group_dm'", &[])
            .await,
        limit
    );
    // A one-to-one DM is not a group DM and still opens.
    s.post("/api/dms", Some(&alice), &json!({"user_ids": [bob_id]}))
        .await
        .expect(StatusCode::OK);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn ready_is_always_the_first_frame(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let (_, bob) = s.user("bob").await;
    let community = s.community(&alice, json!({"name": "Ready"})).await;
    let code = s.community_invite(&alice, community).await;
    s.accept(&bob, &code).await.expect(StatusCode::OK);
    // Bob online, so Alice's arrival is announced (also to her own topic).
    let _bob_ws = Ws::connect(&s, &bob).await;
    for _ in 0..3 {
        let mut ws = Ws::open(&s).await;
        ws.send(Message::text(
            json!({"type": "authenticate", "token": alice}).to_string(),
        ))
        .await
        .unwrap();
        let first = loop {
            match tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
                .await
                .expect("a frame within 10 s")
            {
                Some(Ok(Message::Text(text))) => {
                    break serde_json::from_str::<Value>(&text).unwrap();
                }
                Some(Ok(_)) => continue,
                Some(Err(err)) => panic!("socket error: {err}"),
                None => panic!("closed before ready"),
            }
        };
        assert_eq!(first["type"], "ready", "first frame: {first}");
        ws.close(None).await.unwrap();
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn junk_and_binary_frames_count_against_the_frame_limit(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let channel = community_channel(&s, &alice).await;
    let mut ws = Ws::connect(&s, &alice).await;
    // The limit is 10 frames at once (5 a second after that): 30 frames of junk,
    // then a real message, all written in one go.
    let mut frames = Vec::new();
    for i in 0..30 {
        frames.push(if i % 2 == 0 {
            Message::binary(vec![0u8; 16])
        } else {
            Message::text("not json at all")
        });
    }
    let real = json!({
        "type": "send_message", "channel_id": channel, "content": "after junk", "nonce": "real-1"
    });
    frames.push(Message::text(real.to_string()));
    ws.send_frames(frames).await;
    let answer = ws.expect_where(|e| e["nonce"] == "real-1").await;
    assert_eq!(
        (answer["type"].as_str(), answer["code"].as_str()),
        (Some("error"), Some("rate_limited")),
        "{answer}"
    );
    assert_eq!(s.db.count("SELECT COUNT(*) FROM messages", &[]).await, 0);
}
