//! Message quarantine (ADM-8) on both backends: a moderator hides a message, which
//! members then see as a placeholder everywhere (live, history, threads, pins,
//! bookmarks, search, edit history) while moderators still see it whole; nobody
//! acts on it meanwhile; releasing it brings it back for everyone.

mod common;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

/// The message `id` in a page of history, as `token` reads it.
async fn in_history(s: &TestServer, token: &str, channel: uuid::Uuid, id: &Value) -> Value {
    let page = s
        .get(&format!("/api/channels/{channel}/messages"), Some(token))
        .await
        .expect(StatusCode::OK)
        .body;
    page.as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == *id)
        .cloned()
        .expect("the message is in the page")
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_quarantined_message_disappears_for_members_and_returns(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, owner) = s.user("owner").await;
    let (moderator_id, moderator) = s.user("moderator").await;
    let (_, alice) = s.user("alice").await;
    let (_, bob) = s.user("bob").await;
    let team = s.team(&owner, "Team", &[&moderator, &alice, &bob]).await;
    s.set_role(&owner, team.community, moderator_id, "moderator")
        .await;
    let secret = s
        .message(&bob, team.channel, json!({"content": "buy cheap pills"}))
        .await;
    let id = secret["id"].as_str().unwrap().to_owned();
    let reply = s
        .message(
            &alice,
            team.channel,
            json!({"content": "in the thread", "thread_id": id}),
        )
        .await;
    s.call(
        Method::PUT,
        &format!("/api/messages/{id}/reactions/%F0%9F%91%8D"),
        Some(&alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.call(
        Method::PUT,
        &format!("/api/channels/{}/pins/{id}", team.channel),
        Some(&owner),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let bookmarked = s
        .call(
            Method::PUT,
            &format!("/api/messages/{id}/bookmark"),
            Some(&alice),
            Some(&json!({})),
        )
        .await;
    assert!(bookmarked.status.is_success(), "{}", bookmarked.body);
    // Alice's newest page is cached before the quarantine.
    assert_eq!(
        in_history(&s, &alice, team.channel, &secret["id"]).await["content"],
        "buy cheap pills"
    );
    let mut alice_ws = Ws::connect(&s, &alice).await;
    let mut moderator_ws = Ws::connect(&s, &moderator).await;

    // Members cannot quarantine, nor can a moderator hide the owner's words.
    let quarantine = format!("/api/messages/{id}/quarantine");
    s.call(Method::PUT, &quarantine, Some(&alice), None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    let owners = s
        .message(&owner, team.channel, json!({"content": "house rules"}))
        .await;
    s.call(
        Method::PUT,
        &format!(
            "/api/messages/{}/quarantine",
            owners["id"].as_str().unwrap()
        ),
        Some(&moderator),
        None,
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM messages WHERE quarantined_at IS NOT NULL",
            &[]
        )
        .await,
        0
    );

    // The moderator quarantines it: the answer is whole, with the flag.
    let hidden = s
        .call(Method::PUT, &quarantine, Some(&moderator), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(hidden["quarantined"], true);
    assert_eq!(hidden["content"], "buy cheap pills");

    // Live: members get the placeholder; the moderator ends with the whole message.
    let live = alice_ws
        .expect_where(|e| e["type"] == "message_updated" && e["message"]["id"] == secret["id"])
        .await;
    assert_eq!(live["message"]["quarantined"], true);
    assert_eq!(live["message"]["content"], "");
    assert_eq!(live["message"]["reactions"], json!([]));
    assert_eq!(live["message"]["author"]["username"], "bob");
    let whole = moderator_ws
        .expect_where(|e| {
            e["type"] == "message_updated"
                && e["message"]["id"] == secret["id"]
                && e["message"]["content"] != ""
        })
        .await;
    assert_eq!(whole["message"]["quarantined"], true);

    // Reads: members see the placeholder, the moderator and the owner the message.
    let seen = in_history(&s, &alice, team.channel, &secret["id"]).await;
    assert_eq!(
        (seen["content"].as_str(), seen["quarantined"].as_bool()),
        (Some(""), Some(true))
    );
    for staff in [&moderator, &owner] {
        let seen = in_history(&s, staff, team.channel, &secret["id"]).await;
        assert_eq!(seen["content"], "buy cheap pills");
        assert_eq!(seen["quarantined"], true);
    }
    let pins = s
        .get(
            &format!("/api/channels/{}/pins", team.channel),
            Some(&alice),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(pins[0]["content"], "");
    let marks = s
        .get("/api/bookmarks", Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(marks["bookmarks"][0]["message"]["content"], "", "{marks}");
    assert_eq!(marks["bookmarks"][0]["message"]["quarantined"], true);
    let found = s
        .get("/api/search?q=pills", Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(found, json!([]));
    s.get(&format!("/api/messages/{id}/edits"), Some(&alice))
        .await
        .expect_error(StatusCode::NOT_FOUND, "message_not_found");
    // The thread under it stays readable.
    let thread = s
        .get(&format!("/api/messages/{id}/thread"), Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(thread[0]["id"], reply["id"]);

    // Nobody acts on it meanwhile.
    s.call(
        Method::PATCH,
        &format!("/api/messages/{id}"),
        Some(&bob),
        Some(&json!({"content": "innocent now"})),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "message_quarantined");
    s.call(
        Method::PUT,
        &format!("/api/messages/{id}/reactions/%F0%9F%98%80"),
        Some(&alice),
        None,
    )
    .await
    .expect_error(StatusCode::CONFLICT, "message_quarantined");
    s.post(
        &format!("/api/messages/{id}/forward"),
        Some(&alice),
        &json!({"channel_id": team.channel}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "message_quarantined");
    s.post(
        &format!("/api/channels/{}/messages", team.channel),
        Some(&alice),
        &json!({"content": "more", "thread_id": id}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "message_quarantined");
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM messages WHERE content = 'buy cheap pills' AND quarantined_at IS NOT NULL",
            &[]
        )
        .await,
        1
    );

    // Released, it returns for everyone, live and in history; both are audited.
    let released = s
        .call(Method::DELETE, &quarantine, Some(&moderator), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(released.get("quarantined").is_none(), "{released}");
    let back = alice_ws
        .expect_where(|e| {
            e["type"] == "message_updated"
                && e["message"]["id"] == secret["id"]
                && e["message"]["content"] == "buy cheap pills"
        })
        .await;
    assert!(back["message"].get("quarantined").is_none());
    assert_eq!(back["message"]["reactions"][0]["count"], 1);
    let seen = in_history(&s, &alice, team.channel, &secret["id"]).await;
    assert_eq!(seen["content"], "buy cheap pills");
    // Releasing again changes nothing.
    s.call(Method::DELETE, &quarantine, Some(&moderator), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('message.quarantined', 'message.unquarantined')",
            &[]
        )
        .await,
        2
    );
}
