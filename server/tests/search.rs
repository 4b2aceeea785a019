//! Full-text search on both backends (MSG-7): ranking, highlighted snippets,
//! filters, hostile input, edits and deletions, and never a message from a channel
//! the caller cannot read.

mod common;

use chatalot_server::config::CommunityCreationMode;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

async fn post(
    s: &TestServer,
    token: &str,
    channel: impl std::fmt::Display,
    content: &str,
) -> String {
    let resp = s
        .post(
            &format!("/api/channels/{channel}/messages"),
            Some(token),
            &json!({ "content": content }),
        )
        .await;
    resp.expect(StatusCode::CREATED).body["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn search(s: &TestServer, token: &str, query: &str) -> Vec<Value> {
    let resp = s.get(&format!("/api/search?{query}"), Some(token)).await;
    resp.expect(StatusCode::OK).body.as_array().unwrap().clone()
}

fn contents(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| r["message"]["content"].as_str().unwrap())
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn search_finds_ranks_filters_and_respects_access(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (alice_id, alice) = s.user("alice").await;
    let (_, bob) = s.user("bob").await;
    let (carol_id, carol) = s.user("carol").await;
    let community = s.community(&alice, json!({"name": "Space"})).await;
    let general_group = s.group(&alice, community, json!({"name": "General"})).await;
    let staff_group = s
        .group(
            &alice,
            community,
            json!({"name": "Staff", "visibility": "private"}),
        )
        .await;
    let general = s
        .channel(&alice, general_group, json!({"name": "general"}))
        .await;
    let secret = s
        .channel(&alice, staff_group, json!({"name": "secret"}))
        .await;
    let code = s.community_invite(&alice, community).await;
    s.accept(&bob, &code).await.expect(StatusCode::OK);
    s.accept(&carol, &code).await.expect(StatusCode::OK);

    let once = post(&s, &alice, general, "the rocket launches tomorrow").await;
    let thrice = post(&s, &alice, general, "Rocket rocket ROCKET engines").await;
    post(&s, &alice, general, "unrelated chatter").await;
    post(&s, &alice, secret, "rocket secret plans").await;
    let by_carol = post(&s, &carol, general, "a rocket from carol").await;
    let dm = s
        .post("/api/dms", Some(&alice), &json!({"user_ids": [carol_id]}))
        .await
        .expect(StatusCode::OK);
    let dm = dm.body["id"].as_str().unwrap().to_owned();
    post(&s, &alice, &dm, "rocket in a private DM").await;

    // Bob reads general only: three rocket messages, the most relevant first.
    let results = search(&s, &bob, "q=rocket").await;
    let found = contents(&results);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(
        results[0]["message"]["id"],
        thrice.as_str(),
        "more matches rank higher: {found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|c| c.contains("secret") || c.contains("DM")),
        "nothing from unreadable channels: {found:?}"
    );
    for r in &results {
        let snippet: Vec<char> = r["snippet"].as_str().unwrap().chars().collect();
        let ranges = r["highlights"].as_array().unwrap();
        assert!(!ranges.is_empty(), "highlighted: {r}");
        for range in ranges {
            let (a, b) = (
                range[0].as_u64().unwrap() as usize,
                range[1].as_u64().unwrap() as usize,
            );
            let word: String = snippet[a..b].iter().collect();
            assert_eq!(
                word.to_lowercase(),
                "rocket",
                "the highlight covers the match: {r}"
            );
        }
    }
    // Alice (owner) reads everything, including her DM.
    assert_eq!(search(&s, &alice, "q=rocket").await.len(), 5);

    // Filters.
    assert_eq!(
        contents(&search(&s, &alice, &format!("q=rocket&channel_id={dm}")).await),
        ["rocket in a private DM"]
    );
    let by = search(&s, &alice, &format!("q=rocket&author_id={carol_id}")).await;
    assert_eq!(by.len(), 1);
    assert_eq!(by[0]["message"]["id"], by_carol.as_str());
    let first: Value = s
        .get(
            &format!("/api/channels/{general}/messages?limit=1&after={once}"),
            Some(&alice),
        )
        .await
        .body[0]
        .clone();
    let cutoff = first["created_at"].as_str().unwrap();
    let before = search(&s, &alice, &format!("q=rocket&until={}", urlencode(cutoff))).await;
    assert_eq!(
        contents(&before),
        ["the rocket launches tomorrow"],
        "until excludes later messages"
    );
    let after = search(
        &s,
        &alice,
        &format!("q=rocket&since={}&channel_id={general}", urlencode(cutoff)),
    )
    .await;
    assert_eq!(after.len(), 2);
    assert!(
        search(&s, &alice, "q=rocket&has_file=true")
            .await
            .is_empty()
    );
    assert!(
        search(
            &s,
            &alice,
            &format!("q=rocket&author_id={alice_id}&limit=1&offset=1")
        )
        .await
        .len()
            == 1
    );

    // Blocked authors are hidden from the blocker.
    s.call(
        Method::PUT,
        &format!("/api/account/blocks/{carol_id}"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(search(&s, &bob, "q=rocket").await.len(), 2);

    // Edits are searchable by their new text, deletions disappear.
    s.call(
        Method::PATCH,
        &format!("/api/messages/{once}"),
        Some(&alice),
        Some(&json!({"content": "the shuttle launches tomorrow"})),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(
        contents(&search(&s, &bob, "q=shuttle").await),
        ["the shuttle launches tomorrow"]
    );
    assert_eq!(search(&s, &bob, "q=rocket").await.len(), 1);
    s.call(
        Method::DELETE,
        &format!("/api/messages/{thrice}"),
        Some(&alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert!(search(&s, &bob, "q=rocket").await.is_empty());

    // Outsiders find nothing of the community.
    let (_, dave) = s.user("dave").await;
    assert!(search(&s, &dave, "q=shuttle").await.is_empty());
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn hostile_queries_are_plain_text(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.community_creation_mode = CommunityCreationMode::Anyone
    })
    .await
    else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let community = s.community(&alice, json!({"name": "Edge"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "c"})).await;
    post(
        &s,
        &alice,
        channel,
        "send an e-mail about col:x and the NEAR future",
    )
    .await;
    for q in [
        "\"",
        "e-mail",
        "foo AND",
        "*",
        "col:x",
        "rocket\"",
        ")(",
        "NEAR(",
        "-",
        "OR",
        "a\"b\"c",
        "'; DROP TABLE messages; --",
        "%",
        "_",
    ] {
        let resp = s
            .get(&format!("/api/search?q={}", urlencode(q)), Some(&alice))
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{q:?}: {}", resp.text);
    }
    assert_eq!(
        search(&s, &alice, "q=e-mail").await.len(),
        1,
        "hyphenated words are found"
    );
    for bad in ["", "%20%20", &"x".repeat(201)] {
        s.get(&format!("/api/search?q={bad}"), Some(&alice))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    let _ = Uuid::nil();
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
