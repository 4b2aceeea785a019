//! Search reads the reactions of its hits only (issue 12): hits are scattered, and
//! reading every reaction between the oldest and the newest hit of a channel made
//! one search cost as much as the channel's whole history.
//!
//! The store counts reaction rows process-wide, so this file holds one test that
//! runs the backends one after the other.

mod common;

use chatalot_server::store::reaction_rows_read;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn search_reads_only_the_reactions_of_its_hits(backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let community = s.community(&alice, json!({"name": "Search"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "chat"})).await;
    let react = |id: String| {
        let s = &s;
        let alice = &alice;
        async move {
            s.call(
                Method::PUT,
                &format!("/api/messages/{id}/reactions/%F0%9F%91%8D"),
                Some(alice),
                None,
            )
            .await
            .expect(StatusCode::NO_CONTENT);
        }
    };
    let first = s
        .message(&alice, channel, json!({"content": "needle one"}))
        .await;
    react(first["id"].as_str().unwrap().to_owned()).await;
    for i in 0..150 {
        let filler = s
            .message(&alice, channel, json!({"content": format!("hay {i}")}))
            .await;
        react(filler["id"].as_str().unwrap().to_owned()).await;
    }
    let last = s
        .message(&alice, channel, json!({"content": "needle two"}))
        .await;
    react(last["id"].as_str().unwrap().to_owned()).await;

    let before = reaction_rows_read();
    let hits = s
        .get("/api/search?q=needle", Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    let read = reaction_rows_read() - before;
    assert_eq!(hits.as_array().unwrap().len(), 2, "{hits}");
    for hit in hits.as_array().unwrap() {
        assert_eq!(hit["message"]["reactions"][0]["count"], 1, "{hit}");
    }
    assert_eq!(
        read, 2,
        "one reaction row per hit, not the 152 between them"
    );
}

#[tokio::test]
async fn search_reads_only_the_reactions_of_its_hits_on_both_backends() {
    search_reads_only_the_reactions_of_its_hits(Backend::Sqlite).await;
    search_reads_only_the_reactions_of_its_hits(Backend::Postgres).await;
}
