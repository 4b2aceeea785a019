//! On SQLite, pages of history are read by the store's page reader, on connections
//! of its own outside sqlx (issue 22). It must read exactly what the pool reads: the
//! same rows, in the same order, with every column decoded the same way.

mod common;

use chatalot_server::store::{Page, PooledConn};
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn the_page_reader_reads_what_the_pool_reads() {
    let Some(s) = TestServer::start_for_messages(Backend::Sqlite).await else {
        return;
    };
    let (alice_id, alice) = s.user("alice").await;
    let community = s.community(&alice, json!({"name": "Reader"})).await;
    let group = s.group(&alice, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice, group, json!({"name": "chat"})).await;

    // Every kind of row a page holds: plain, replies (and a thread reply, which the
    // main timeline leaves out), edited, deleted, mentions, pinned, reacted, text
    // with quotes, newlines and non-ASCII.
    let mut ids: Vec<String> = Vec::new();
    for i in 0..70 {
        let (token, body) = match i % 7 {
            0 => (&alice, json!({"content": format!("plain {i}")})),
            1 => (
                &alice,
                json!({"content": format!("reply {i}"), "reply_to_id": ids[i - 1]}),
            ),
            2 => (
                &alice,
                json!({"content": "@everyone \"quoted\"\nline ✓ ünïcode"}),
            ),
            3 => (
                &alice,
                json!({"content": format!("in thread {i}"), "thread_id": ids[i - 3]}),
            ),
            _ => (&alice, json!({"content": format!("m{i}")})),
        };
        let m = s.message(token, channel, body).await;
        ids.push(m["id"].as_str().unwrap().to_owned());
    }
    for (i, id) in ids.iter().enumerate() {
        let change = match i % 7 {
            4 => (
                Method::PATCH,
                format!("/api/messages/{id}"),
                Some(json!({"content": "edited"})),
            ),
            5 => (Method::DELETE, format!("/api/messages/{id}"), None),
            6 => (
                Method::PUT,
                format!("/api/messages/{id}/reactions/%F0%9F%91%8D"),
                None,
            ),
            0 if i % 2 == 0 => (
                Method::PUT,
                format!("/api/channels/{channel}/pins/{id}"),
                None,
            ),
            _ => continue,
        };
        let resp = s
            .call(change.0, &change.1, Some(&alice), change.2.as_ref())
            .await;
        assert!(
            resp.status.is_success(),
            "{} {}: {}",
            change.1,
            resp.status,
            resp.text
        );
    }

    let db = s.db.connect().await;
    assert!(
        db.reads_pages_directly(),
        "a SQLite file gets a page reader"
    );
    let id = |i: usize| Uuid::parse_str(&ids[i]).unwrap();
    let viewer = alice_id;
    let pages = [
        Page::Latest,
        Page::Before(id(40)),
        Page::Before(id(1)),
        Page::After(id(3)),
        Page::After(id(69)),
    ];
    let mut compared = 0;
    for page in pages {
        for (limit, hide) in [
            (50, None),
            (7, None),
            (100, None),
            (50, Some(viewer)),
            (7, Some(viewer)),
        ] {
            let direct = db
                .messages_page(&mut None, channel, hide, page, limit)
                .await
                .unwrap();
            let mut slot: Option<PooledConn> = Some(db.acquire().await.unwrap());
            let pooled = slot
                .as_mut()
                .unwrap()
                .conn()
                .messages_page(channel, hide, page, limit)
                .await
                .unwrap();
            assert_eq!(
                format!("{direct:#?}"),
                format!("{pooled:#?}"),
                "{page:?}, limit {limit}, hiding blocked authors: {}",
                hide.is_some()
            );
            compared += direct.len();
        }
    }
    // The comparison covered real rows of every kind, not empty pages.
    assert!(compared > 300, "{compared} rows compared");
    let newest = db
        .messages_page(&mut None, channel, None, Page::Latest, 100)
        .await
        .unwrap();
    assert_eq!(newest.len(), 60, "70 messages less the 10 thread replies");
    assert!(newest.iter().any(|r| r.pinned) && newest.iter().any(|r| r.ever_reacted));
    assert!(newest.iter().any(|r| r.message.edited_at.is_some()));
    assert!(newest.iter().any(|r| r.message.deleted_at.is_some()));
    assert!(newest.iter().any(|r| r.message.mentions_everyone));
    assert!(newest.iter().any(|r| r.reply_to_author_id.is_some()));
    assert!(newest.iter().any(|r| r.message.thread_reply_count > 0));

    // What the API answers comes through the reader and matches it.
    let page = s
        .get(
            &format!(
                "/api/channels/{channel}/messages?before={}&limit=7",
                ids[40]
            ),
            Some(&alice),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let direct = db
        .messages_page(&mut None, channel, None, Page::Before(id(40)), 7)
        .await
        .unwrap();
    let api_ids: Vec<&str> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    let direct_ids: Vec<String> = direct.iter().map(|r| r.message.id.to_string()).collect();
    assert_eq!(api_ids, direct_ids);
}
