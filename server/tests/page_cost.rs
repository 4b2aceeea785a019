//! A page of history queries reactions only when one of its messages was ever
//! reacted to (issue 22): most messages never are, and the query was a third of a
//! page's database work.
//!
//! The store counts reaction queries process-wide, so this file holds one test that
//! runs the backends one after the other; it also checks that the yes/no facts a page
//! row packs into one column come back on the right messages.

mod common;

use chatalot_server::store::reaction_queries;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn reactions_are_queried_only_for_pages_that_had_some(backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let community = s.community(&alice, json!({"name": "Pages"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "chat"})).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let m = s
            .message(&alice, channel, json!({"content": format!("m{i}")}))
            .await;
        ids.push(m["id"].as_str().unwrap().to_owned());
    }
    // The page before the newest message comes from the store every time.
    let page = || {
        let (s, alice, url) = (
            &s,
            &alice,
            format!("/api/channels/{channel}/messages?before={}", ids[3]),
        );
        async move {
            let before = reaction_queries();
            let body = s.get(&url, Some(alice)).await.expect(StatusCode::OK).body;
            (body, reaction_queries() - before)
        }
    };
    let reactions_of = |page: &Value, i: usize| page[i]["reactions"].clone();
    let reaction = |method: Method, emoji: &'static str| {
        let (s, alice, url) = (
            &s,
            &alice,
            format!("/api/messages/{}/reactions/{emoji}", ids[1]),
        );
        async move {
            s.call(method, &url, Some(alice), None)
                .await
                .expect(StatusCode::NO_CONTENT);
        }
    };

    let (body, queries) = page().await;
    assert_eq!(body.as_array().unwrap().len(), 3, "{body}");
    assert_eq!(queries, 0, "no message was ever reacted to");

    reaction(Method::PUT, "%F0%9F%91%8D").await;
    let (body, queries) = page().await;
    assert_eq!(reactions_of(&body, 1)[0]["emoji"], "👍", "{body}");
    assert_eq!(reactions_of(&body, 0), json!([]), "{body}");
    assert!(queries >= 1, "a reacted message's page reads its reactions");

    // Removed again: the page still looks, and shows none.
    reaction(Method::DELETE, "%F0%9F%91%8D").await;
    let (body, _) = page().await;
    assert_eq!(reactions_of(&body, 1), json!([]), "{body}");

    reaction(Method::PUT, "%F0%9F%8E%89").await;
    let (body, _) = page().await;
    assert_eq!(reactions_of(&body, 1)[0]["emoji"], "🎉", "{body}");
}

#[tokio::test]
async fn reactions_are_queried_only_for_pages_that_had_some_on_both_backends() {
    reactions_are_queried_only_for_pages_that_had_some(Backend::Sqlite).await;
    reactions_are_queried_only_for_pages_that_had_some(Backend::Postgres).await;
    // Here rather than in a test of its own: its reactions would move the counter
    // under the test above.
    each_fact_of_a_message_comes_back_on_its_own(Backend::Sqlite).await;
    each_fact_of_a_message_comes_back_on_its_own(Backend::Postgres).await;
}

/// The yes/no facts of a message travel packed in one column; each must come back on
/// its own message only.
async fn each_fact_of_a_message_comes_back_on_its_own(backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let community = s.community(&alice, json!({"name": "Facts"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "chat"})).await;
    let mut ids = Vec::new();
    for content in ["@everyone look", "pinned", "reacted", "plain", "newest"] {
        let m = s
            .message(&alice, channel, json!({"content": content}))
            .await;
        ids.push(m["id"].as_str().unwrap().to_owned());
    }
    s.call(
        Method::PUT,
        &format!("/api/channels/{channel}/pins/{}", ids[1]),
        Some(&alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.call(
        Method::PUT,
        &format!("/api/messages/{}/reactions/%F0%9F%91%8D", ids[2]),
        Some(&alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);

    let page = s
        .get(
            &format!("/api/channels/{channel}/messages?before={}", ids[4]),
            Some(&alice),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let facts: Vec<(bool, bool, bool, usize)> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["mentions_everyone"].as_bool().unwrap(),
                m["pinned"].as_bool().unwrap(),
                m["author"]["bot"].as_bool().unwrap(),
                m["reactions"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        facts,
        [
            (true, false, false, 0),
            (false, true, false, 0),
            (false, false, false, 1),
            (false, false, false, 0),
        ],
        "{page}"
    );
}
