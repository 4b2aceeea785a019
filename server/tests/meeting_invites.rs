//! Calendar invites by email against a real SMTP relay (aiosmtpd on loopback, with
//! STARTTLS and AUTH), read back with a real iCalendar parser (Python `icalendar`),
//! on both backends (MEET-3, MEET-4): the right UID, SEQUENCE, METHOD, RRULE and
//! zone-aware times, one message per member with an address and none without, no
//! description anywhere; an outage with a restart in between delays mail but loses
//! and reorders none; STARTTLS required against a relay without it fails visibly
//! and sends nothing.

mod common;

use std::time::Duration;

use common::smtp::{self, Relay};
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

struct World {
    s: TestServer,
    channel: String,
    admin: String,
}

/// 09:00 on the next Monday.
fn start_monday() -> String {
    use chrono::Datelike;
    let mut day = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    while day.weekday() != chrono::Weekday::Mon {
        day += chrono::Duration::days(1);
    }
    format!("{day}T09:00:00")
}

/// An admin and Bob with email addresses, Carol without one, all in one channel.
async fn world(s: TestServer) -> World {
    let register = |name: &'static str, email: Option<&'static str>| {
        let mut body = json!({"username": name, "password": format!("{name}-password")});
        if let Some(email) = email {
            body["email"] = json!(email);
        }
        body
    };
    let admin: Value = s
        .post(
            "/api/auth/register",
            None,
            &register("admin", Some("admin@example.test")),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let admin = admin["access_token"].as_str().unwrap().to_owned();
    let mut members = Vec::new();
    for (name, email) in [("bob", Some("bob@example.test")), ("carol", None)] {
        let auth = s
            .post("/api/auth/register", None, &register(name, email))
            .await
            .expect(StatusCode::CREATED)
            .body;
        members.push(auth["access_token"].as_str().unwrap().to_owned());
    }
    let community = s.community(&admin, json!({"name": "Crew"})).await;
    let group = s.group(&admin, community, json!({"name": "Team"})).await;
    let channel = s.channel(&admin, group, json!({"name": "planning"})).await;
    let code = s.community_invite(&admin, community).await;
    for token in &members {
        s.accept(token, &code).await.expect(StatusCode::OK);
    }
    World {
        s,
        channel: channel.to_string(),
        admin,
    }
}

const SECRET: &str = "SECRET-AGENDA-7731";

/// The three changes every test makes: schedule a weekly series, rename it, cancel it.
async fn schedule(s: &TestServer, w_channel: &str, admin: &str) -> String {
    let body = json!({
        "title": "Planning",
        "description": SECRET,
        "start": start_monday(),
        "timezone": "Europe/Berlin",
        "duration_minutes": 45,
        "recurrence": {"frequency": "weekly", "weekdays": ["mo", "we"], "count": 6},
    });
    let meeting = s
        .post(
            &format!("/api/channels/{w_channel}/meetings"),
            Some(admin),
            &body,
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    meeting["id"].as_str().unwrap().to_owned()
}

async fn rename(s: &TestServer, id: &str, admin: &str) {
    s.call(
        Method::PATCH,
        &format!("/api/meetings/{id}"),
        Some(admin),
        Some(&json!({"title": "Planning (new room)"})),
    )
    .await
    .expect(StatusCode::OK);
}

async fn cancel(s: &TestServer, id: &str, admin: &str) {
    s.call(
        Method::DELETE,
        &format!("/api/meetings/{id}"),
        Some(admin),
        None,
    )
    .await
    .expect(StatusCode::OK);
}

async fn outbox(s: &TestServer, admin: &str) -> Value {
    s.get("/api/admin/email/outbox", Some(admin))
        .await
        .expect(StatusCode::OK)
        .body
}

/// The outbox once `done` holds for it, looked at again after every attempt the
/// worker finishes; fails after 30 s.
async fn outbox_when(s: &TestServer, admin: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut attempts = s.core.outbox_attempts();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        attempts.mark_unchanged();
        let o = outbox(s, admin).await;
        if done(&o) {
            return o;
        }
        tokio::time::timeout_at(deadline, attempts.changed())
            .await
            .unwrap_or_else(|_| panic!("the outbox did not get there within 30 s: {o:#}"))
            .expect("the worker's counter");
    }
}

/// Checks one recipient's three messages: the same UID, SEQUENCE 0, 1, 2, REQUEST,
/// REQUEST, CANCEL, the weekly rule and 09:00 in Berlin, and no description.
fn check_invites(messages: &[Value], recipient: &str, meeting_id: &str) {
    let mine: Vec<&Value> = messages
        .iter()
        .filter(|m| m["to"].as_str().unwrap().contains(recipient))
        .collect();
    assert_eq!(
        mine.len(),
        3,
        "{recipient} gets one message per change: {mine:#?}"
    );
    let mut uids = Vec::new();
    for (n, (message, (method, title))) in mine
        .iter()
        .zip([
            ("REQUEST", "Planning"),
            ("REQUEST", "Planning (new room)"),
            ("CANCEL", "Planning (new room)"),
        ])
        .enumerate()
    {
        assert!(
            !message["raw"].as_str().unwrap().contains(SECRET),
            "the description never leaves the app"
        );
        assert!(!message["text"].as_str().unwrap().contains(SECRET));
        assert!(
            message["from"]
                .as_str()
                .unwrap()
                .contains("meetings@chatalot.test")
        );
        let calendars = message["calendars"].as_array().unwrap();
        assert_eq!(calendars.len(), 2, "an inline invite and an attached file");
        assert_eq!(calendars[0]["content_type"], "text/calendar");
        assert_eq!(calendars[0]["method_param"], method);
        assert_eq!(calendars[1]["filename"], "invite.ics");
        for calendar in calendars {
            assert_eq!(calendar["method"], method);
            assert_eq!(calendar["timezones"], json!(["Europe/Berlin"]));
            let event = &calendar["events"][0];
            assert_eq!(calendar["events"].as_array().unwrap().len(), 1);
            assert_eq!(event["sequence"], n);
            assert_eq!(event["summary"], title);
            assert_eq!(event["has_description"], false);
            assert_eq!(
                event["dtstart"]["tz"], "Europe/Berlin",
                "a zone-aware start"
            );
            assert!(
                event["dtstart"]["at"]
                    .as_str()
                    .unwrap()
                    .contains("T09:00:00+0"),
                "{event}"
            );
            assert!(
                event["dtend"]["at"]
                    .as_str()
                    .unwrap()
                    .contains("T09:45:00+0"),
                "{event}"
            );
            assert_eq!(event["rrule"]["FREQ"], json!(["WEEKLY"]));
            assert_eq!(event["rrule"]["BYDAY"], json!(["MO", "WE"]));
            assert_eq!(event["rrule"]["COUNT"], json!(["6"]));
            assert_eq!(
                event["status"],
                if method == "CANCEL" {
                    "CANCELLED"
                } else {
                    "CONFIRMED"
                }
            );
            uids.push(event["uid"].as_str().unwrap().to_owned());
        }
    }
    uids.dedup();
    assert_eq!(
        uids,
        [format!("{meeting_id}@chat.example.test")],
        "one stable UID"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn invites_for_a_series_reach_every_member_with_an_address(#[case] backend: Backend) {
    if smtp::available().is_none() {
        return;
    }
    let relay = Relay::secure(common::oidc::free_port()).await;
    let Some(s) = TestServer::start_with(backend, |c| relay.configure(c)).await else {
        return;
    };
    let w = world(s).await;
    let id = schedule(&w.s, &w.channel, &w.admin).await;
    rename(&w.s, &id, &w.admin).await;
    cancel(&w.s, &id, &w.admin).await;
    let messages = relay.wait_for(6).await;
    check_invites(&messages, "admin@example.test", &id);
    check_invites(&messages, "bob@example.test", &id);
    assert_eq!(messages.len(), 6, "nobody without an address gets mail");
    let first = messages[0]["text"].as_str().unwrap();
    assert!(
        first.contains(&format!("Join: https://chat.example.test/meetings/{id}")),
        "{first}"
    );
    assert!(
        first.contains("Repeats: every week on Monday, Wednesday, 6 times"),
        "{first}"
    );
    assert!(first.contains("09:00 – 09:45 (Europe/Berlin)"), "{first}");
    outbox_when(&w.s, &w.admin, |o| {
        o["enabled"] == true
            && o["pending"] == 0
            && o["entries"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["status"] == "sent" && e["attempts"] == 1)
    })
    .await;
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_smtp_outage_delays_invites_and_loses_or_reorders_none(#[case] backend: Backend) {
    if smtp::available().is_none() {
        return;
    }
    // The relay is up just long enough to make its certificate, then down.
    let mut relay = Relay::secure(common::oidc::free_port()).await;
    relay.stop().await;
    let Some(s) = TestServer::start_with(backend, |c| relay.configure(c)).await else {
        return;
    };
    let w = world(s).await;
    let (admin, channel) = (w.admin.clone(), w.channel.clone());
    let id = schedule(&w.s, &channel, &admin).await;
    rename(&w.s, &id, &admin).await;
    // Failed attempts are on record while the relay is down.
    outbox_when(&w.s, &admin, |o| {
        o["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["attempts"].as_u64() >= Some(1) && !e["last_error"].is_null())
    })
    .await;
    let s = w.s.restart_with(|_| {}).await;
    cancel(&s, &id, &admin).await;
    let o = outbox(&s, &admin).await;
    assert_eq!(o["pending"], 6, "{o:#}");
    assert_eq!(relay.count(), 0);

    let relay = relay.restart().await;
    let messages = relay.wait_for(6).await;
    check_invites(&messages, "admin@example.test", &id);
    check_invites(&messages, "bob@example.test", &id);
    assert_eq!(messages.len(), 6);
    let mut ids: Vec<&str> = messages
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6, "each invite exactly once");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn starttls_is_required_never_downgraded(#[case] backend: Backend) {
    if smtp::available().is_none() {
        return;
    }
    // A relay that offers no STARTTLS, while the server requires it.
    let relay = Relay::plaintext(common::oidc::free_port()).await;
    let Some(s) = TestServer::start_with(backend, |c| {
        smtp::configure(c, relay.port, None);
        c.email.as_mut().unwrap().tls = true;
    })
    .await
    else {
        return;
    };
    let w = world(s).await;
    schedule(&w.s, &w.channel, &w.admin).await;
    // Retried and shown with the reason, never sent.
    let o = outbox_when(&w.s, &w.admin, |o| {
        o["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["attempts"].as_u64() >= Some(2))
    })
    .await;
    for entry in o["entries"].as_array().unwrap() {
        assert_eq!(entry["status"], "pending");
        let error = entry["last_error"].as_str().unwrap().to_lowercase();
        assert!(error.contains("tls"), "{error}");
    }
    assert_eq!(relay.count(), 0, "nothing went in the clear");

    // An administrator may put mail back in line; members may not look at all.
    let first = o["entries"][0]["id"].as_str().unwrap();
    let retried =
        w.s.post(
            &format!("/api/admin/email/outbox/{first}/retry"),
            Some(&w.admin),
            &json!({}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(retried["status"], "pending");
    let bob = w.s.login("bob", "bob-password").await.tokens.access_token;
    w.s.get("/api/admin/email/outbox", Some(&bob))
        .await
        .expect_error(StatusCode::FORBIDDEN, "admin_required");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn moved_and_cancelled_occurrences_reach_the_calendar(#[case] backend: Backend) {
    if smtp::available().is_none() {
        return;
    }
    let relay = Relay::secure(common::oidc::free_port()).await;
    let Some(s) = TestServer::start_with(backend, |c| relay.configure(c)).await else {
        return;
    };
    let w = world(s).await;
    let (s, admin) = (&w.s, &w.admin);
    let id = schedule(s, &w.channel, admin).await;
    let list = s
        .get(
            &format!("/api/channels/{}/meetings", w.channel),
            Some(admin),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let first = list["occurrences"][0]["occurrence"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = list["occurrences"][1]["occurrence"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = |occurrence: &str| {
        format!(
            "/api/meetings/{id}/occurrences/{}",
            occurrence.replace(':', "%3A")
        )
    };
    // The first Monday moves to 10:30; the first Wednesday is cancelled; the series is renamed.
    let monday = &start_monday()[..10];
    s.call(
        Method::PATCH,
        &path(&first),
        Some(admin),
        Some(&json!({"start": format!("{monday}T10:30:00")})),
    )
    .await
    .expect(StatusCode::OK);
    s.call(Method::DELETE, &path(&second), Some(admin), None)
        .await
        .expect(StatusCode::OK);
    rename(s, &id, admin).await;

    let messages = relay.wait_for(8).await;
    let mine: Vec<&Value> = messages
        .iter()
        .filter(|m| m["to"].as_str().unwrap().contains("admin@example.test"))
        .collect();
    assert_eq!(mine.len(), 4);
    let calendar = |n: usize| &mine[n]["calendars"][0];
    let local = |utc: &str| {
        let at: chrono::DateTime<chrono::Utc> = utc.parse().unwrap();
        at.with_timezone(&chrono_tz::Europe::Berlin)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };

    // The move: the series and the moved occurrence, named by its original start.
    let moved = calendar(1);
    assert_eq!(moved["method"], "REQUEST");
    let events = moved["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{moved:#}");
    assert!(events[0]["recurrence_id"].is_null());
    assert_eq!(events[1]["sequence"], 1);
    assert!(
        events[1]["recurrence_id"]["at"]
            .as_str()
            .unwrap()
            .starts_with(&local(&first))
    );
    assert_eq!(events[1]["recurrence_id"]["tz"], "Europe/Berlin");
    assert!(
        events[1]["dtstart"]["at"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{monday}T10:30:00"))
    );

    // Cancelling one occurrence: CANCEL for that occurrence alone.
    let cancelled = calendar(2);
    assert_eq!(cancelled["method"], "CANCEL");
    let events = cancelled["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["sequence"], 2);
    assert_eq!(events[0]["status"], "CANCELLED");
    assert!(
        events[0]["recurrence_id"]["at"]
            .as_str()
            .unwrap()
            .starts_with(&local(&second))
    );
    assert!(events[0]["rrule"].is_null());

    // The next full invite carries both: an EXDATE and the moved occurrence.
    let renamed = calendar(3);
    assert_eq!(renamed["method"], "REQUEST");
    let events = renamed["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["sequence"], 3);
    let exdates = events[0]["exdates"].as_array().unwrap();
    assert_eq!(exdates.len(), 1, "{renamed:#}");
    assert!(
        exdates[0]["at"]
            .as_str()
            .unwrap()
            .starts_with(&local(&second))
    );
    assert_eq!(exdates[0]["tz"], "Europe/Berlin");
    assert!(
        events[1]["dtstart"]["at"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{monday}T10:30:00"))
    );
}
