//! Meetings on both backends (MEET-1, MEET-2): who may schedule, change and cancel;
//! occurrences of a series with one moved and one cancelled; RSVPs with live counts;
//! refused input; reminders once per occurrence with a manual clock, also across a
//! restart.

mod common;

use chatalot_server::clock::Clock;
use chrono::{DateTime, Duration, Timelike, Utc};
use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

struct World {
    s: TestServer,
    channel: Uuid,
    alice: (Uuid, String),
    bob: (Uuid, String),
    carol: (Uuid, String),
}

/// Alice owns a community with a channel; Bob is a member; Carol is not.
async fn world(s: TestServer) -> World {
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let carol = s.user("carol").await;
    let community = s.community(&alice.1, json!({"name": "Meets"})).await;
    let group = s.group(&alice.1, community, json!({"name": "G"})).await;
    let channel = s.channel(&alice.1, group, json!({"name": "standup"})).await;
    let code = s.community_invite(&alice.1, community).await;
    s.accept(&bob.1, &code).await.expect(StatusCode::OK);
    World {
        s,
        channel,
        alice,
        bob,
        carol,
    }
}

fn path_of(meeting: &str, occurrence: &str) -> String {
    format!(
        "/api/meetings/{meeting}/occurrences/{}",
        urlencode(occurrence)
    )
}

fn urlencode(text: &str) -> String {
    text.replace(':', "%3A").replace('+', "%2B")
}

/// Tomorrow's date in UTC, as the local start of a meeting in UTC.
fn tomorrow_at(hour: u32) -> String {
    let day = (Utc::now() + Duration::days(1)).date_naive();
    format!("{day}T{hour:02}:00:00")
}

async fn upcoming(s: &TestServer, token: &str, channel: Uuid) -> Value {
    s.get(&format!("/api/channels/{channel}/meetings"), Some(token))
        .await
        .expect(StatusCode::OK)
        .body
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn moderators_manage_meetings_and_members_answer_live(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let w = world(s).await;
    let (s, alice, bob, carol) = (&w.s, &w.alice.1, &w.bob.1, &w.carol.1);
    let create = format!("/api/channels/{}/meetings", w.channel);
    let body = json!({
        "title": "Standup",
        "description": "Agenda: the release",
        "start": tomorrow_at(9),
        "timezone": "UTC",
        "duration_minutes": 15,
        "recurrence": {"frequency": "daily", "count": 3},
    });

    // A member may not schedule, and nothing is written when refused.
    s.post(&create, Some(bob), &body)
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    assert_eq!(s.db.count("SELECT COUNT(*) FROM meetings", &[]).await, 0);
    // Someone outside the community does not see the channel at all.
    s.post(&create, Some(carol), &body)
        .await
        .expect_error(StatusCode::NOT_FOUND, "channel_not_found");

    let meeting = s
        .post(&create, Some(alice), &body)
        .await
        .expect(StatusCode::CREATED)
        .body;
    let id = meeting["id"].as_str().unwrap().to_owned();
    assert_eq!(meeting["sequence"], 0);
    assert_eq!(meeting["recurrence"]["frequency"], "daily");
    assert_eq!(meeting["recurrence"]["count"], 3);
    assert_eq!(meeting["reminder_minutes"], 15);

    let list = upcoming(s, bob, w.channel).await;
    let occurrences = list["occurrences"].as_array().unwrap();
    assert_eq!(occurrences.len(), 3);
    assert_eq!(list["meetings"][0]["description"], "Agenda: the release");
    let first = occurrences[0]["occurrence"].as_str().unwrap().to_owned();
    let second = occurrences[1]["occurrence"].as_str().unwrap().to_owned();
    let third = occurrences[2]["occurrence"].as_str().unwrap().to_owned();
    let first_at: DateTime<Utc> = first.parse().unwrap();
    assert_eq!(first_at.hour(), 9);
    assert_eq!(
        third.parse::<DateTime<Utc>>().unwrap() - first_at,
        Duration::days(2)
    );

    // Carol cannot read it; Bob cannot change or cancel it.
    s.get(&format!("/api/meetings/{id}"), Some(carol))
        .await
        .expect_error(StatusCode::NOT_FOUND, "meeting_not_found");
    s.call(
        Method::PATCH,
        &format!("/api/meetings/{id}"),
        Some(bob),
        Some(&json!({"title": "Mine"})),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    s.call(Method::DELETE, &path_of(&id, &second), Some(bob), None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    s.call(
        Method::PUT,
        &format!("{}/rsvp", path_of(&id, &first)),
        Some(carol),
        Some(&json!({"response": "going"})),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "meeting_not_found");

    // Answers: counted per occurrence, told to the channel live.
    let mut alice_ws = Ws::connect(s, alice).await;
    let answer = s
        .call(
            Method::PUT,
            &format!("{}/rsvp", path_of(&id, &first)),
            Some(bob),
            Some(&json!({"response": "going"})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        answer["rsvps"],
        json!({"going": 1, "maybe": 0, "not_going": 0})
    );
    assert_eq!(answer["my_rsvp"], "going");
    let event = alice_ws.expect("meeting_rsvp").await;
    assert_eq!(event["rsvps"]["going"], 1);
    assert_eq!(event["user_id"], w.bob.0.to_string());
    assert_eq!(
        event["occurrence"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        first_at
    );
    s.call(
        Method::PUT,
        &format!("{}/rsvp", path_of(&id, &first)),
        Some(bob),
        Some(&json!({"response": "maybe"})),
    )
    .await
    .expect(StatusCode::OK);
    let event = alice_ws.expect("meeting_rsvp").await;
    assert_eq!(
        event["rsvps"],
        json!({"going": 0, "maybe": 1, "not_going": 0})
    );
    let list = upcoming(s, alice, w.channel).await;
    assert_eq!(list["occurrences"][0]["rsvps"]["maybe"], 1);
    assert_eq!(list["occurrences"][0]["my_rsvp"], Value::Null);
    assert_eq!(
        upcoming(s, bob, w.channel).await["occurrences"][0]["my_rsvp"],
        "maybe"
    );
    let withdrawn = s
        .call(
            Method::DELETE,
            &format!("{}/rsvp", path_of(&id, &first)),
            Some(bob),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(withdrawn["rsvps"]["maybe"], 0);
    assert_eq!(withdrawn["my_rsvp"], Value::Null);
    assert_eq!(
        alice_ws.expect("meeting_rsvp").await["response"],
        Value::Null
    );

    // One occurrence moved an hour later, one cancelled; each change is a new SEQUENCE.
    let moved_to = first_at
        .with_hour(10)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let moved = s
        .call(
            Method::PATCH,
            &path_of(&id, &first),
            Some(alice),
            Some(&json!({"start": moved_to})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        moved["starts_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap()
            .hour(),
        10
    );
    assert_eq!(
        alice_ws.expect("meeting_updated").await["meeting"]["sequence"],
        1
    );
    let cancelled = s
        .call(Method::DELETE, &path_of(&id, &second), Some(alice), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(cancelled["sequence"], 2);
    let list = upcoming(s, bob, w.channel).await;
    let flags: Vec<bool> = list["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["cancelled"].as_bool().unwrap())
        .collect();
    assert_eq!(flags, [false, true, false]);
    s.call(
        Method::PUT,
        &format!("{}/rsvp", path_of(&id, &second)),
        Some(bob),
        Some(&json!({"response": "going"})),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "occurrence_cancelled");
    // A time that is not an occurrence of the series.
    let not_one = (first_at + Duration::minutes(30)).to_rfc3339();
    s.call(Method::DELETE, &path_of(&id, &not_one), Some(alice), None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "occurrence_not_found");

    // The whole series: renamed, then cancelled; it leaves the upcoming list.
    let renamed = s
        .call(
            Method::PATCH,
            &format!("/api/meetings/{id}"),
            Some(alice),
            Some(&json!({"title": "Daily standup"})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(renamed["sequence"], 3);
    assert_eq!(renamed["title"], "Daily standup");
    let gone = s
        .call(
            Method::DELETE,
            &format!("/api/meetings/{id}"),
            Some(alice),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(gone["cancelled"], true);
    assert_eq!(gone["sequence"], 4);
    assert_eq!(upcoming(s, bob, w.channel).await["occurrences"], json!([]));
    s.call(
        Method::DELETE,
        &format!("/api/meetings/{id}"),
        Some(alice),
        None,
    )
    .await
    .expect_error(StatusCode::CONFLICT, "meeting_cancelled");
    assert_eq!(
        s.get(&format!("/api/meetings/{id}"), Some(bob))
            .await
            .expect(StatusCode::OK)
            .body["cancelled"],
        true
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bad_meetings_are_refused_with_the_field_named(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let w = world(s).await;
    let (s, alice) = (&w.s, &w.alice.1);
    let create = format!("/api/channels/{}/meetings", w.channel);
    let good = json!({"title": "Plan", "start": tomorrow_at(9), "timezone": "Europe/Berlin", "duration_minutes": 30});
    let year = Utc::now()
        .date_naive()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        + 1;
    let cases = [
        (json!({"timezone": "Mars/Olympus"}), "timezone"),
        (json!({"title": "  "}), "title"),
        (json!({"title": "a\u{0007}b"}), "title"),
        (json!({"duration_minutes": 0}), "duration_minutes"),
        (json!({"reminder_minutes": 20000}), "reminder_minutes"),
        (json!({"start": "2001-01-01T09:00:00"}), "start"),
        // 02:30 does not exist in Berlin on the last Sunday of March.
        (
            json!({"start": format!("{year}-03-{:02}T02:30:00", last_sunday_of_march(year))}),
            "start",
        ),
        (
            json!({"recurrence": {"frequency": "weekly", "count": 3, "until": format!("{year}-12-31")}}),
            "recurrence",
        ),
        (
            json!({"recurrence": {"frequency": "daily", "count": 1}}),
            "recurrence",
        ),
        (
            json!({"recurrence": {"frequency": "daily", "weekdays": ["mo"]}}),
            "recurrence",
        ),
        (
            json!({"recurrence": {"frequency": "monthly", "interval": 0}}),
            "recurrence",
        ),
    ];
    for (change, field) in cases {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let resp = s.post(&create, Some(alice), &body).await;
        assert_eq!(
            resp.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            resp.body
        );
        assert_eq!(resp.body["field"], field, "{body}: {}", resp.body);
    }
    // Unknown fields and wrong types are refused by the JSON reader.
    let mut body = good.clone();
    body["colour"] = json!("red");
    assert_eq!(
        s.post(&create, Some(alice), &body).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(s.db.count("SELECT COUNT(*) FROM meetings", &[]).await, 0);
    s.post(&create, Some(alice), &good)
        .await
        .expect(StatusCode::CREATED);
}

fn last_sunday_of_march(year: i32) -> u32 {
    use chrono::Datelike;
    (25..=31)
        .rev()
        .find(|d| {
            chrono::NaiveDate::from_ymd_opt(year, 3, *d)
                .unwrap()
                .weekday()
                == chrono::Weekday::Sun
        })
        .unwrap()
}

/// Sends a ping and collects every frame until its pong: what arrived before it.
async fn frames_before_pong(ws: &mut Ws) -> Vec<Value> {
    ws.send(json!({"type": "ping"})).await;
    ws.collect_until(|f| f["type"] == "pong").await
}

fn reminders(frames: &[Value]) -> Vec<Value> {
    frames
        .iter()
        .filter(|f| f["type"] == "meeting_reminder")
        .cloned()
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn reminders_go_once_per_occurrence_also_across_a_restart(#[case] backend: Backend) {
    // The clock stands at 08:00 UTC tomorrow; the daily meeting is at 10:00.
    let day = (Utc::now() + Duration::days(1)).date_naive();
    let eight: DateTime<Utc> = day.and_hms_opt(8, 0, 0).unwrap().and_utc();
    let clock = Clock::manual(eight);
    let Some(s) = TestServer::start_with(backend, |c| c.tuning.clock = clock.clone()).await else {
        return;
    };
    let w = world(s).await;
    let (alice, bob) = (w.alice.1.clone(), w.bob.1.clone());
    let meeting =
        w.s.post(
            &format!("/api/channels/{}/meetings", w.channel),
            Some(&alice),
            &json!({"title": "Sync", "start": format!("{day}T10:00:00"), "timezone": "UTC",
                    "duration_minutes": 30, "reminder_minutes": 15,
                    "recurrence": {"frequency": "daily", "count": 3}}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let id: Uuid = meeting["id"].as_str().unwrap().parse().unwrap();
    let second = (eight + Duration::hours(2) + Duration::days(1)).to_rfc3339();
    // Bob will not come to the second one: he is not reminded of it.
    w.s.call(
        Method::PUT,
        &format!("{}/rsvp", path_of(&id.to_string(), &second)),
        Some(&bob),
        Some(&json!({"response": "not_going"})),
    )
    .await
    .expect(StatusCode::OK);

    let mut a = Ws::connect(&w.s, &alice).await;
    let mut b = Ws::connect(&w.s, &bob).await;
    // 09:44: too early.
    clock.advance(Duration::minutes(104));
    w.s.core.send_due_reminders().await.unwrap();
    assert!(reminders(&frames_before_pong(&mut a).await).is_empty());
    // 09:45: both are reminded of the first occurrence, once, however often the
    // worker looks.
    clock.advance(Duration::minutes(1));
    w.s.core.send_due_reminders().await.unwrap();
    w.s.core.send_due_reminders().await.unwrap();
    for ws in [&mut a, &mut b] {
        let got = reminders(&frames_before_pong(ws).await);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["meeting"]["title"], "Sync");
        assert_eq!(
            got[0]["starts_at"]
                .as_str()
                .unwrap()
                .parse::<DateTime<Utc>>()
                .unwrap(),
            eight + Duration::hours(2)
        );
    }
    drop((a, b));

    // The server restarts (what was sent is remembered in the database); then the
    // clock jumps past the second occurrence's reminder time (09:45 the next day)
    // as after a downtime: it goes out late but before the start, to Alice only.
    let s = w.s.restart_with(|_| {}).await;
    let mut a = Ws::connect(&s, &alice).await;
    let mut b = Ws::connect(&s, &bob).await;
    clock.advance(Duration::days(1) + Duration::minutes(5));
    s.core.send_due_reminders().await.unwrap();
    let got = reminders(&frames_before_pong(&mut a).await);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0]["occurrence"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        second.parse::<DateTime<Utc>>().unwrap()
    );
    assert!(reminders(&frames_before_pong(&mut b).await).is_empty());

    // The third occurrence has begun when the clock next moves: too late to remind.
    clock.advance(Duration::days(1) + Duration::minutes(30));
    s.core.send_due_reminders().await.unwrap();
    assert!(reminders(&frames_before_pong(&mut a).await).is_empty());
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM meeting_reminders WHERE meeting_id = $1",
            &[id]
        )
        .await,
        2
    );
}
