//! The newest page of a channel is served from memory while nothing changed: every
//! kind of change must show in the next read, and readers who block someone get
//! their own filtered page.

mod common;

use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

async fn newest(s: &TestServer, token: &str, channel: Uuid) -> Vec<Value> {
    let page = s
        .get(&format!("/api/channels/{channel}/messages"), Some(token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        page.headers["content-type"], "application/json",
        "served as JSON"
    );
    page.body.as_array().expect("an array").clone()
}

fn find<'a>(page: &'a [Value], id: &Value) -> &'a Value {
    page.iter()
        .find(|m| m["id"] == *id)
        .unwrap_or_else(|| panic!("{id} is on the page"))
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_change_shows_in_the_next_read(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let (_, bob) = s.user("bob").await;
    let (carol_id, carol) = s.user("carol").await;
    let community = s.community(&alice, json!({"name": "Pages"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "chat"})).await;
    let code = s.community_invite(&alice, community).await;
    for token in [&bob, &carol] {
        s.accept(token, &code).await.expect(StatusCode::OK);
    }

    let first = s
        .message(&alice, channel, json!({"content": "first"}))
        .await;
    let second = s.message(&bob, channel, json!({"content": "second"})).await;
    let page = newest(&s, &bob, channel).await;
    assert_eq!(page.len(), 2);
    assert_eq!(
        newest(&s, &alice, channel).await,
        page,
        "the same page for all"
    );

    // A new message.
    let third = s
        .message(&alice, channel, json!({"content": "third"}))
        .await;
    assert_eq!(newest(&s, &bob, channel).await.len(), 3);

    // An edit.
    s.call(
        Method::PATCH,
        &format!("/api/messages/{}", first["id"].as_str().unwrap()),
        Some(&alice),
        Some(&json!({"content": "first, edited"})),
    )
    .await
    .expect(StatusCode::OK);
    let page = newest(&s, &bob, channel).await;
    assert_eq!(find(&page, &first["id"])["content"], "first, edited");

    // A reaction, and its removal.
    let reaction = format!(
        "/api/messages/{}/reactions/%F0%9F%91%8D",
        first["id"].as_str().unwrap()
    );
    s.call(Method::PUT, &reaction, Some(&bob), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    let page = newest(&s, &alice, channel).await;
    assert_eq!(find(&page, &first["id"])["reactions"][0]["emoji"], "👍");
    s.call(Method::DELETE, &reaction, Some(&bob), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    let page = newest(&s, &alice, channel).await;
    assert_eq!(find(&page, &first["id"])["reactions"], json!([]));

    // A pin.
    s.call(
        Method::PUT,
        &format!(
            "/api/channels/{channel}/pins/{}",
            second["id"].as_str().unwrap()
        ),
        Some(&alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let page = newest(&s, &bob, channel).await;
    assert_eq!(find(&page, &second["id"])["pinned"], true);

    // A thread reply counts on its root but is not on the timeline.
    s.message(
        &bob,
        channel,
        json!({"content": "in the thread", "thread_id": third["id"]}),
    )
    .await;
    let page = newest(&s, &alice, channel).await;
    assert_eq!(page.len(), 3);
    assert_eq!(find(&page, &third["id"])["thread_reply_count"], 1);

    // A deletion.
    s.call(
        Method::DELETE,
        &format!("/api/messages/{}", third["id"].as_str().unwrap()),
        Some(&alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let page = newest(&s, &bob, channel).await;
    assert_eq!(find(&page, &third["id"])["deleted"], true);

    // A new display name is on the author's messages.
    s.call(
        Method::PATCH,
        "/api/account/me",
        Some(&alice),
        Some(&json!({"display_name": "Alice Renamed"})),
    )
    .await
    .expect(StatusCode::OK);
    let page = newest(&s, &bob, channel).await;
    assert_eq!(
        find(&page, &first["id"])["author"]["display_name"],
        "Alice Renamed"
    );

    // Readers who block someone get their own page; the shared one is untouched.
    let from_carol = s
        .message(&carol, channel, json!({"content": "carol"}))
        .await;
    assert_eq!(newest(&s, &alice, channel).await.len(), 4);
    s.call(
        Method::PUT,
        &format!("/api/account/blocks/{carol_id}"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let bobs = newest(&s, &bob, channel).await;
    assert_eq!(bobs.len(), 3, "carol's message is hidden from bob");
    assert!(bobs.iter().all(|m| m["id"] != from_carol["id"]));
    assert_eq!(newest(&s, &alice, channel).await.len(), 4);

    // A page size of its own, and cursors, are read as before.
    let small = s
        .get(
            &format!("/api/channels/{channel}/messages?limit=2"),
            Some(&alice),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(small.as_array().unwrap().len(), 2);
    assert_eq!(small[1]["id"], from_carol["id"]);

    // A deleted account's messages lose their author.
    s.call(
        Method::DELETE,
        "/api/account",
        Some(&carol),
        Some(&json!({"password": "carol-password"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let page = newest(&s, &alice, channel).await;
    assert!(find(&page, &from_carol["id"])["author"].is_null());

    // Someone who may not read the channel gets no page, cached or not.
    let (_, dave) = s.user("dave").await;
    s.get(&format!("/api/channels/{channel}/messages"), Some(&dave))
        .await
        .expect_error(StatusCode::NOT_FOUND, "channel_not_found");
}

/// Sessions and channel access are kept between requests (the server's
/// `domain/access_cache.rs`): whatever ends them applies to the very next request.
#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn kept_access_ends_with_the_change_that_ends_it(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let (bob_id, bob) = s.user("bob").await;
    let (_, carol) = s.user("carol").await;
    let community = s.community(&alice, json!({"name": "Kept"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "chat"})).await;
    let code = s.community_invite(&alice, community).await;
    for token in [&bob, &carol] {
        s.accept(token, &code).await.expect(StatusCode::OK);
    }
    s.message(&alice, channel, json!({"content": "hello"}))
        .await;
    for token in [&bob, &carol] {
        // The second read is served from what the first one kept.
        assert_eq!(newest(&s, token, channel).await.len(), 1);
        assert_eq!(newest(&s, token, channel).await.len(), 1);
    }
    let path = format!("/api/channels/{channel}/messages");

    s.post(
        &format!("/api/communities/{community}/members/{bob_id}/kick"),
        Some(&alice),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get(&path, Some(&bob))
        .await
        .expect_error(StatusCode::NOT_FOUND, "channel_not_found");

    s.post("/api/auth/logout", Some(&carol), &json!({}))
        .await
        .expect(StatusCode::NO_CONTENT);
    s.get(&path, Some(&carol))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "session_ended");
    assert_eq!(newest(&s, &alice, channel).await.len(), 1, "others read on");
}
