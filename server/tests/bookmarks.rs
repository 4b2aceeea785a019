//! Bookmark lists on both backends: pages of bounded size, newest first, a cursor that
//! survives bookmarks of messages the reader can no longer see, and refused garbage.

mod common;

use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

async fn bookmark(s: &TestServer, token: &str, message: &str) {
    s.call(
        Method::PUT,
        &format!("/api/messages/{message}/bookmark"),
        Some(token),
        Some(&json!({"note": format!("note {message}")})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
}

/// Every page from the first, as (message contents, next cursor) pairs.
async fn all_pages(s: &TestServer, token: &str, limit: u32) -> Vec<(Vec<String>, Value)> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit={limit}&cursor={c}"),
            None => format!("?limit={limit}"),
        };
        let page = s
            .get(&format!("/api/bookmarks{query}"), Some(token))
            .await
            .expect(StatusCode::OK)
            .body;
        let contents = page["bookmarks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["message"]["content"].as_str().unwrap().to_owned())
            .collect();
        let next = page["next_cursor"].clone();
        pages.push((contents, next.clone()));
        match next.as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return pages,
        }
        assert!(pages.len() < 20, "paging never ends");
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bookmarks_come_a_page_at_a_time_newest_first(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, alice) = s.user("alice").await;
    let (_, bob) = s.user("bob").await;
    let mut channels = Vec::new();
    for name in ["Kept", "Left"] {
        let community = s.community(&alice, json!({ "name": name })).await;
        let group = s.group(&alice, community, json!({"name": "G"})).await;
        let channel = s.channel(&alice, group, json!({"name": "chat"})).await;
        let code = s.community_invite(&alice, community).await;
        s.accept(&bob, &code).await.expect(StatusCode::OK);
        channels.push((community, channel));
    }

    // Bob bookmarks kept-0, left-0, left-1, kept-1, kept-2, in that order.
    for (which, n) in [(0, 0), (1, 0), (1, 1), (0, 1), (0, 2)] {
        let name = ["kept", "left"][which];
        let message = s
            .message(
                &alice,
                channels[which].1,
                json!({ "content": format!("{name}-{n}") }),
            )
            .await;
        bookmark(&s, &bob, message["id"].as_str().unwrap()).await;
    }

    let pages = all_pages(&s, &bob, 2).await;
    let contents: Vec<Vec<String>> = pages.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(
        contents,
        vec![
            vec!["kept-2", "kept-1"],
            vec!["left-1", "left-0"],
            vec!["kept-0"],
        ],
        "newest first, two at a time, the last page without a cursor"
    );
    assert!(pages[2].1.is_null());

    // Once Bob leaves the second community its messages drop out, and the page that
    // held only them comes back empty with a cursor that still leads on.
    s.post(
        &format!("/api/communities/{}/leave", channels[1].0),
        Some(&bob),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let pages = all_pages(&s, &bob, 2).await;
    let contents: Vec<Vec<String>> = pages.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(
        contents,
        vec![vec!["kept-2", "kept-1"], vec![], vec!["kept-0"]],
        "unreadable bookmarks are skipped without ending the list"
    );

    // The default page holds everything here; the limit is bounded.
    let page = s
        .get("/api/bookmarks", Some(&bob))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(page["bookmarks"].as_array().unwrap().len(), 3);
    assert!(page["next_cursor"].is_null());
    let page = s
        .get("/api/bookmarks?limit=100000", Some(&bob))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(page["bookmarks"].as_array().unwrap().len(), 3);
    let first = &page["bookmarks"][0];
    assert_eq!(
        first["note"],
        format!("note {}", first["message"]["id"].as_str().unwrap())
    );

    // Cursors are the server's own; anything else is a clear 400 naming the field.
    for bad in [
        "nonsense",
        "1_2",
        "123_00000000-0000-0000-0000-00000000000g",
        // Times PostgreSQL cannot compare (found by the API fuzzer: a 500 there).
        "-300000000000000000_01a239e0-1b89-713a-91ad-0fc2153cc2d8",
    ] {
        let refused = s
            .get(&format!("/api/bookmarks?cursor={bad}"), Some(&bob))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(refused.body["field"], "cursor", "{bad}");
    }
    s.get("/api/bookmarks?limit=-1", Some(&bob))
        .await
        .expect(StatusCode::BAD_REQUEST);

    // Nobody else sees them.
    let page = s
        .get("/api/bookmarks", Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(page, json!({"bookmarks": [], "next_cursor": null}));
}
