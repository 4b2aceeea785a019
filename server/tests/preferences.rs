//! Display preferences (PROF-3) on both backends: defaults, validation, changes
//! reaching the person's other devices live and nobody else, and two devices
//! changing different fields keeping both.

mod common;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn preferences_follow_a_person_to_every_device(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, laptop) = s.user("alice").await;
    let phone = s.login("alice", "alice-password").await.tokens.access_token;
    let (_, bob) = s.user("bob").await;
    let mut phone_ws = Ws::connect(&s, &phone).await;
    let mut bob_ws = Ws::connect(&s, &bob).await;
    let path = "/api/account/preferences";

    // The defaults until something changes.
    let fresh = s.get(path, Some(&laptop)).await.expect(StatusCode::OK).body;
    assert_eq!(fresh["theme"], "system");
    assert_eq!(fresh["palette"], "default");
    assert_eq!(fresh["time_format"], "auto");
    assert_eq!(fresh["updated_at"], Value::Null);
    for bad in [
        json!({"accent": "red"}),
        json!({"theme": "purple"}),
        json!({"time_format": "13h"}),
        json!({"font": "comic"}),
    ] {
        s.call(Method::PATCH, path, Some(&laptop), Some(&bad))
            .await
            .expect(StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        s.db.count("SELECT COUNT(*) FROM user_preferences", &[])
            .await,
        0
    );

    // The laptop changes the theme: the phone hears it, Bob does not.
    let changed = s
        .call(
            Method::PATCH,
            path,
            Some(&laptop),
            Some(&json!({"theme": "dark", "accent": "#1A2B3C", "time_format": "24h"})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(changed["accent"], "#1a2b3c");
    let event = phone_ws.expect("preferences_updated").await;
    assert_eq!(event["preferences"]["theme"], "dark");
    assert_eq!(event["preferences"]["time_format"], "24h");
    // The phone changes something else: the laptop's choices stay.
    let both = s
        .call(
            Method::PATCH,
            path,
            Some(&phone),
            Some(&json!({"compact": true, "palette": "ocean"})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(both["theme"], "dark");
    assert_eq!(both["compact"], true);
    assert_eq!(both["palette"], "ocean");
    // `null` goes back to the palette's accent; a new device reads it all.
    s.call(
        Method::PATCH,
        path,
        Some(&phone),
        Some(&json!({"accent": null})),
    )
    .await
    .expect(StatusCode::OK);
    let tablet = s.login("alice", "alice-password").await.tokens.access_token;
    let read = s.get(path, Some(&tablet)).await.expect(StatusCode::OK).body;
    assert_eq!(read["accent"], Value::Null);
    assert_eq!(read["theme"], "dark");
    assert!(read["updated_at"].is_string());
    let bobs = s.get(path, Some(&bob)).await.body;
    assert_eq!(
        bobs["theme"], "system",
        "one person's choices are theirs alone"
    );
    // Bob's socket got none of it: his next event is his own change.
    s.call(
        Method::PATCH,
        path,
        Some(&bob),
        Some(&json!({"compact": true})),
    )
    .await
    .expect(StatusCode::OK);
    let next = bob_ws.expect("preferences_updated").await;
    assert_eq!(next["preferences"]["theme"], "system");
}
