//! A member list that names its rows (`watch_presence` with `users`): the
//! connection hears only about those members, plus how many are online in all.

mod common;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

fn listed(frame: &Value) -> Vec<String> {
    let mut users: Vec<String> = frame["presences"]
        .as_array()
        .expect("presences")
        .iter()
        .map(|p| p["user_id"].as_str().expect("user_id").to_owned())
        .collect();
    users.sort();
    users
}

/// Shows a list of these rows; returns its complete list.
async fn watch_rows(ws: &mut Ws, community: Uuid, users: &[Uuid]) -> Value {
    let ack = ws
        .request(json!({"type": "watch_presence", "community_id": community, "users": users}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    ws.expect_where(|e| is_presence_of(e, community) && e["complete"] == true)
        .await
}

fn is_presence_of(frame: &Value, community: Uuid) -> bool {
    frame["type"] == "community_presence" && frame["community_id"] == community.to_string()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_list_naming_its_rows_hears_only_of_them_and_the_count(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let alice = s.user("alice").await;
    let community = s.community(&alice.1, json!({"name": "Rows"})).await;
    let code = s.community_invite(&alice.1, community).await;
    let mut others = Vec::new();
    for name in ["bob", "carol", "dave"] {
        let user = s.user(name).await;
        s.accept(&user.1, &code).await.expect(StatusCode::OK);
        others.push(user);
    }
    let [bob, carol, dave] = [&others[0], &others[1], &others[2]];

    // Too many rows named: refused, and the connection keeps working.
    let mut alice_ws = Ws::connect(&s, &alice.1).await;
    let too_many: Vec<Uuid> = (0..501).map(|_| Uuid::now_v7()).collect();
    let refused = alice_ws
        .request(json!({"type": "watch_presence", "community_id": community, "users": too_many}))
        .await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("invalid_input")),
        "{refused}"
    );

    // Alice's list shows herself and Bob. Bob is offline: only she is listed.
    let complete = watch_rows(&mut alice_ws, community, &[alice.0, bob.0]).await;
    assert_eq!(listed(&complete), vec![alice.0.to_string()], "{complete}");
    assert_eq!(complete["online"], 1, "{complete}");

    // Carol comes: not a row of Alice's list, so only the count moves (the frame
    // may also carry Alice's own arrival, a row, still pending when she asked).
    let mut carol_ws = Ws::connect(&s, &carol.1).await;
    let count_only = alice_ws
        .expect_where(|e| is_presence_of(e, community) && e["online"] == 2)
        .await;
    assert!(
        listed(&count_only)
            .iter()
            .all(|u| *u == alice.0.to_string()),
        "only rows are listed: {count_only}"
    );

    // Bob comes: a row of hers, listed with the new count.
    let _bob_ws = Ws::connect(&s, &bob.1).await;
    let bob_online = alice_ws
        .expect_where(|e| is_presence_of(e, community))
        .await;
    assert_eq!(listed(&bob_online), vec![bob.0.to_string()], "{bob_online}");
    assert_eq!(bob_online["online"], 3, "{bob_online}");

    // Carol's list names nobody: the whole community, as before.
    let everyone = carol_ws.watch_presence(community).await;
    let mut expected = vec![alice.0.to_string(), bob.0.to_string(), carol.0.to_string()];
    expected.sort();
    assert_eq!(listed(&everyone), expected, "{everyone}");
    assert_eq!(everyone["online"], 3, "{everyone}");

    // Dave comes and Carol goes invisible: Carol's whole list hears of Dave; Alice's
    // hears only the count, which leaves out the invisible.
    let _dave_ws = Ws::connect(&s, &dave.1).await;
    let dave_online = carol_ws
        .expect_where(|e| is_presence_of(e, community) && e["online"] == 4)
        .await;
    assert_eq!(
        listed(&dave_online),
        vec![dave.0.to_string()],
        "{dave_online}"
    );
    let ack = carol_ws
        .request(json!({"type": "set_presence", "status": "invisible"}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let mut seen = Vec::new();
    loop {
        let frame = alice_ws
            .expect_where(|e| is_presence_of(e, community))
            .await;
        seen.extend(listed(&frame));
        if frame["online"] == 3 {
            break;
        }
    }
    assert!(
        seen.is_empty(),
        "Alice's list names only herself and Bob: {seen:?}"
    );

    // Naming other rows changes the list to them, with a new complete list.
    let complete = watch_rows(&mut alice_ws, community, &[carol.0, dave.0]).await;
    assert_eq!(
        listed(&complete),
        vec![dave.0.to_string()],
        "Carol is invisible: {complete}"
    );
    assert_eq!(complete["online"], 3, "{complete}");
}
