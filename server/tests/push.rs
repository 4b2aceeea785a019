//! Web push (NOTIF-1) against a real push endpoint on loopback that verifies the
//! VAPID signature and decrypts each payload: a DM to someone offline arrives once,
//! without its text; someone connected gets none until they go idle; levels, mutes,
//! `@everyone` suppression, keywords and do-not-disturb decide; a 410 removes the
//! subscription; an outage (and a restart during it) loses nothing; subscriptions
//! are checked, and one pointing at a private address is never dialled.

mod common;

use common::push_service::{self, Event, PushService};
use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

struct World {
    s: TestServer,
    service: PushService,
    alice: (uuid::Uuid, String),
    bob: (uuid::Uuid, String),
    /// The push service's ID of Bob's subscription.
    bob_device: String,
}

fn setup(c: &mut chatalot_server::config::Config) {
    push_service::configure(c);
    c.community_creation_mode = chatalot_server::config::CommunityCreationMode::Anyone;
    c.tuning.message_rate = chatalot_server::config::RateLimit {
        per_second: 10_000,
        burst: 10_000,
    };
}

async fn world(backend: Backend) -> Option<World> {
    if !push_service::available() {
        return None;
    }
    let service = PushService::start().await;
    let s = TestServer::start_with(backend, setup).await?;
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let device = service.subscription().await;
    s.post("/api/account/push-subscriptions", Some(&bob.1), &device)
        .await
        .expect(StatusCode::CREATED);
    Some(World {
        s,
        service,
        alice,
        bob,
        bob_device: device["id"].as_str().unwrap().to_owned(),
    })
}

impl World {
    /// Posts, then waits until the server has worked out who to push it to.
    async fn send(&self, token: &str, channel: impl std::fmt::Display, body: Value) -> String {
        let mut jobs = self.s.core.push_jobs_done();
        let before = *jobs.borrow_and_update();
        let message = self.s.message(token, channel, body).await;
        tokio::time::timeout(
            std::time::Duration::from_secs(30),
            jobs.wait_for(|done| *done > before),
        )
        .await
        .expect("the message's notifications worked out within 30 s")
        .unwrap();
        message["id"].as_str().unwrap().to_owned()
    }

    async fn dm(&self) -> String {
        let dm = self
            .s
            .post(
                "/api/dms",
                Some(&self.alice.1),
                &json!({"user_ids": [self.bob.0]}),
            )
            .await
            .expect(StatusCode::OK)
            .body;
        dm["id"].as_str().unwrap().to_owned()
    }

    /// Pushes of this message waiting to be sent (an earlier one may still be on its
    /// way out; the exact sequence delivered is checked at the end of each test).
    async fn queued(&self, message_id: &str) -> usize {
        let payloads = self.s.core.queued_pushes().await.unwrap();
        payloads.iter().filter(|p| p.contains(message_id)).count()
    }

    async fn queue_len(&self) -> usize {
        self.s.core.queued_pushes().await.unwrap().len()
    }

    async fn bob_settings(&self, method: Method, path: &str, body: Value) -> Value {
        self.s
            .call(method, path, Some(&self.bob.1), Some(&body))
            .await
            .expect(StatusCode::OK)
            .body
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_dm_to_someone_offline_is_pushed_once_without_its_text(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let config =
        w.s.get("/api/auth/config", None)
            .await
            .expect(StatusCode::OK)
            .body;
    assert_eq!(config["push_enabled"], true);
    assert_eq!(config["vapid_public_key"], push_service::VAPID_PUBLIC);

    let dm = w.dm().await;
    let id = w
        .send(
            &w.alice.1,
            &dm,
            json!({"content": "the vault code is 7741"}),
        )
        .await;
    let payload = w.service.nth_payload(&w.bob_device, 1).await;
    assert_eq!(payload["v"], 1);
    assert_eq!(payload["kind"], "dm");
    assert_eq!(payload["title"], "alice");
    assert_eq!(payload["body"], "sent you a direct message");
    assert_eq!(payload["url"], format!("/dm/{dm}"));
    assert_eq!(payload["tag"], dm);
    assert_eq!(payload["message_id"], id.as_str());
    assert!(
        !payload.to_string().contains("vault") && !payload.to_string().contains("7741"),
        "the payload carries metadata only: {payload}"
    );
    let delivery = w
        .service
        .events()
        .into_iter()
        .find_map(|e| match e {
            Event::Received { delivery, .. } => Some(delivery),
            _ => None,
        })
        .unwrap();
    assert_eq!(delivery["urgency"], "high");
    assert!(delivery["ttl"].as_u64().unwrap() > 3600);

    // Connected, Bob sees it live: no push. Idle, he gets one again.
    let mut ws = Ws::connect(&w.s, &w.bob.1).await;
    let quiet = w
        .send(&w.alice.1, &dm, json!({"content": "are you there?"}))
        .await;
    assert_eq!(w.queued(&quiet).await, 0);
    ws.request(json!({"type": "set_presence", "status": "idle"}))
        .await;
    let idle = w.send(&w.alice.1, &dm, json!({"content": "ping"})).await;
    let payload = w.service.nth_payload(&w.bob_device, 2).await;
    assert_eq!(payload["message_id"], idle.as_str());
    // Exactly one push per message: the one Bob saw live made none.
    assert_eq!(w.service.payloads(&w.bob_device).len(), 2);
    // The sender is never pushed their own message.
    assert!(
        w.service
            .events()
            .iter()
            .all(|e| !matches!(e, Event::Rejected { .. }))
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn levels_mutes_everyone_keywords_and_dnd_decide(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (a, b) = (&w.alice.1, &w.bob.1);
    let team = w.s.team(a, "Crew", &[b]).await;
    let ch = team.channel;
    let mut expected: Vec<(String, &str)> = Vec::new();

    // Default for a community channel: mentions only.
    let quiet = w.send(a, ch, json!({"content": "lunch?"})).await;
    assert_eq!(w.queued(&quiet).await, 0);
    let id = w.send(a, ch, json!({"content": "@bob lunch?"})).await;
    expected.push((id, "mention"));
    w.service.nth_payload(&w.bob_device, expected.len()).await;

    // Nothing on the channel beats a mention.
    let channel_path = format!("/api/account/notifications/channels/{ch}");
    w.bob_settings(Method::PUT, &channel_path, json!({"level": "nothing"}))
        .await;
    let quiet = w.send(a, ch, json!({"content": "@bob still there?"})).await;
    assert_eq!(w.queued(&quiet).await, 0);

    // Every message, from the community's level when the channel inherits.
    w.bob_settings(Method::PUT, &channel_path, json!({})).await;
    let community_path = format!("/api/account/notifications/communities/{}", team.community);
    w.bob_settings(Method::PUT, &community_path, json!({"level": "all"}))
        .await;
    let id = w.send(a, ch, json!({"content": "standup in 5"})).await;
    expected.push((id, "message"));
    w.service.nth_payload(&w.bob_device, expected.len()).await;

    // A muted community pushes nothing; @everyone can be silenced on its own.
    let hour = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    w.bob_settings(
        Method::PUT,
        &community_path,
        json!({"level": "all", "muted_until": hour}),
    )
    .await;
    let quiet = w.send(a, ch, json!({"content": "@bob muted?"})).await;
    assert_eq!(w.queued(&quiet).await, 0);
    w.bob_settings(
        Method::PUT,
        &community_path,
        json!({"suppress_everyone": true}),
    )
    .await;
    let quiet = w
        .send(a, ch, json!({"content": "@everyone all hands"}))
        .await;
    assert_eq!(w.queued(&quiet).await, 0);
    let unread =
        w.s.get("/api/unread", Some(b))
            .await
            .expect(StatusCode::OK)
            .body;
    let row = unread
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["channel_id"] == ch.to_string())
        .unwrap();
    assert_eq!(
        row["mention_count"], 3,
        "three @bob so far; the silenced @everyone does not count: {row}"
    );
    w.bob_settings(Method::PUT, &community_path, json!({}))
        .await;
    let id = w
        .send(a, ch, json!({"content": "@everyone for real"}))
        .await;
    expected.push((id, "mention"));
    w.service.nth_payload(&w.bob_device, expected.len()).await;

    // Keywords (whole words) and replies notify at the mentions level.
    w.bob_settings(
        Method::PATCH,
        "/api/account/notifications",
        json!({"keywords": ["deploy"]}),
    )
    .await;
    let quiet = w.send(a, ch, json!({"content": "redeployed"})).await;
    assert_eq!(w.queued(&quiet).await, 0);
    let id = w
        .send(a, ch, json!({"content": "the Deploy is done"}))
        .await;
    expected.push((id, "keyword"));
    w.service.nth_payload(&w.bob_device, expected.len()).await;
    // Nobody hears by push of a channel they cannot read, keyword or not.
    let leads =
        w.s.group(
            a,
            team.community,
            json!({"name": "Leads", "visibility": "private"}),
        )
        .await;
    let hidden = w.s.channel(a, leads, json!({"name": "plans"})).await;
    let quiet = w.send(a, hidden, json!({"content": "deploy friday"})).await;
    assert_eq!(w.queued(&quiet).await, 0);
    let mine = w.s.message(b, ch, json!({"content": "my question"})).await;
    let id = w
        .send(
            a,
            ch,
            json!({"content": "answer", "reply_to_id": mine["id"]}),
        )
        .await;
    expected.push((id, "reply"));
    w.service.nth_payload(&w.bob_device, expected.len()).await;

    // Do not disturb holds everything until it ends.
    let settings = w
        .bob_settings(
            Method::PATCH,
            "/api/account/notifications",
            json!({"dnd_until": hour}),
        )
        .await;
    assert!(settings["dnd_until"].is_string());
    let quiet = w.send(a, ch, json!({"content": "@bob urgent"})).await;
    assert_eq!(w.queued(&quiet).await, 0);
    w.bob_settings(
        Method::PATCH,
        "/api/account/notifications",
        json!({"dnd_until": null}),
    )
    .await;
    let id = w.send(a, ch, json!({"content": "@bob now?"})).await;
    expected.push((id, "mention"));
    let last = w.service.nth_payload(&w.bob_device, expected.len()).await;
    assert_eq!(last["url"], format!("/c/{}/{ch}", team.community));
    assert_eq!(last["body"], "mentioned you in #general · Crew");

    let got: Vec<(String, String)> = w
        .service
        .payloads(&w.bob_device)
        .iter()
        .map(|p| {
            (
                p["message_id"].as_str().unwrap().to_owned(),
                p["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = expected
        .into_iter()
        .map(|(id, kind)| (id, kind.to_owned()))
        .collect();
    assert_eq!(got, want);

    // What clients need for the same decisions: who a reply answers, and @here
    // (from someone allowed to use it) apart from direct mentions.
    let reply =
        w.s.message(
            a,
            ch,
            json!({"content": "again", "reply_to_id": mine["id"]}),
        )
        .await;
    assert_eq!(reply["reply_to_author_id"], w.bob.0.to_string());
    let here =
        w.s.message(a, ch, json!({"content": "@here standup"}))
            .await;
    assert_eq!(here["mentions_here"], true);
    assert_eq!(here["mentions"], json!([]));
    let members_here =
        w.s.message(b, ch, json!({"content": "@here anyone?"}))
            .await;
    assert_eq!(
        members_here["mentions_here"], false,
        "members may not use @here"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_gone_subscription_is_removed_and_an_outage_loses_nothing(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let dm = w.dm().await;

    // The service is down (503), and the server restarts meanwhile.
    w.service.answer(&w.bob_device, 503).await;
    let during = w.send(&w.alice.1, &dm, json!({"content": "one"})).await;
    w.service
        .wait_for("a failed attempt", |e| {
            matches!(e, Event::Failed { status: 503, .. })
        })
        .await;
    let World {
        s,
        service,
        alice,
        bob,
        bob_device,
    } = w;
    let s = s.restart_with(|_| {}).await;
    let w = World {
        s,
        service,
        alice,
        bob,
        bob_device,
    };
    // The old server finished its attempts before it stopped: what the service sees
    // from here on are the new server's.
    let seen_before_restart = w.service.events().len();
    assert_eq!(w.queued(&during).await, 1, "the push waits in the queue");
    w.service.answer(&w.bob_device, 201).await;
    let payload = w.service.nth_payload(&w.bob_device, 1).await;
    assert_eq!(payload["message_id"], during.as_str());

    // 410: the subscription is gone, and so is it on the server.
    w.service.answer(&w.bob_device, 410).await;
    w.send(&w.alice.1, &dm, json!({"content": "two"})).await;
    w.service
        .wait_for("410", |e| matches!(e, Event::Gone { .. }))
        .await;
    // Every attempt reached the service: once the server counts as many, it has
    // dealt with the 410.
    let attempts_made = (w.service.events().len() - seen_before_restart) as u64;
    w.s.core
        .push_attempts()
        .wait_for(|n| *n >= attempts_made)
        .await
        .unwrap();
    let devices =
        w.s.get("/api/account/push-subscriptions", Some(&w.bob.1))
            .await
            .expect(StatusCode::OK)
            .body;
    assert_eq!(devices, json!([]));
    assert_eq!(w.queue_len().await, 0);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn subscriptions_are_checked_and_private_endpoints_never_dialled(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let b = &w.bob.1;
    let good = w.service.subscription().await;
    let mut bad = good.clone();
    bad["keys"]["p256dh"] = json!("AAAA");
    let resp =
        w.s.post("/api/account/push-subscriptions", Some(b), &bad)
            .await;
    resp.expect(StatusCode::BAD_REQUEST);
    let mut bad = good.clone();
    bad["endpoint"] = json!("file:///etc/passwd");
    w.s.post("/api/account/push-subscriptions", Some(b), &bad)
        .await
        .expect(StatusCode::BAD_REQUEST);
    w.s.post("/api/account/push-subscriptions", None, &good)
        .await
        .expect(StatusCode::UNAUTHORIZED);

    // An endpoint on a private address is accepted (it is only a URL) but never
    // dialled: the guarded client refuses it and the push is dropped.
    let mut private = good.clone();
    private["endpoint"] = json!("http://169.254.169.254/latest/meta-data");
    let carol = w.s.user("carol").await;
    w.s.post("/api/account/push-subscriptions", Some(&carol.1), &private)
        .await
        .expect(StatusCode::CREATED);
    let mut attempts = w.s.core.push_attempts();
    let before = *attempts.borrow_and_update();
    w.s.post(
        "/api/account/push-subscriptions/test",
        Some(&carol.1),
        &json!({}),
    )
    .await
    .expect(StatusCode::ACCEPTED);
    attempts.wait_for(|n| *n > before).await.unwrap();
    assert_eq!(
        w.queue_len().await,
        0,
        "the refused push is dropped, not retried"
    );

    // The test push reaches Bob's real device; his list shows it; he removes it.
    w.s.post("/api/account/push-subscriptions/test", Some(b), &json!({}))
        .await
        .expect(StatusCode::ACCEPTED);
    let payload = w.service.nth_payload(&w.bob_device, 1).await;
    assert_eq!(payload["kind"], "test");
    let devices =
        w.s.get("/api/account/push-subscriptions", Some(b))
            .await
            .expect(StatusCode::OK)
            .body;
    assert_eq!(devices.as_array().unwrap().len(), 1);
    assert_eq!(devices[0]["service"], "127.0.0.1");
    let id = devices[0]["id"].as_str().unwrap();
    w.s.call(
        Method::DELETE,
        &format!("/api/account/push-subscriptions/{id}"),
        Some(b),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    w.s.post("/api/account/push-subscriptions/test", Some(b), &json!({}))
        .await
        .expect(StatusCode::NOT_FOUND);

    // Someone else's channel: no settings for it.
    let team = w.s.team(&w.alice.1, "Private", &[]).await;
    w.s.call(
        Method::PUT,
        &format!("/api/account/notifications/channels/{}", team.channel),
        Some(b),
        Some(&json!({"level": "all"})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let resp =
        w.s.call(
            Method::PATCH,
            "/api/account/notifications",
            Some(b),
            Some(&json!({"keywords": ["x"]})),
        )
        .await;
    resp.expect(StatusCode::BAD_REQUEST);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn without_vapid_keys_push_is_off(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, token) = s.user("dave").await;
    let config = s
        .get("/api/auth/config", None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(config["push_enabled"], false);
    assert_eq!(config["vapid_public_key"], Value::Null);
    let body =
        json!({"endpoint": "https://push.example.com/x", "keys": {"p256dh": "x", "auth": "y"}});
    let resp = s
        .post("/api/account/push-subscriptions", Some(&token), &body)
        .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert_eq!(resp.body["code"], "push_disabled");
    // Settings still work: they drive the client's sounds and badges.
    let settings = s
        .get("/api/account/notifications", Some(&token))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(settings["sounds"], true);
    assert_eq!(settings["keywords"], json!([]));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn meeting_reminders_reach_those_who_are_away(#[case] backend: Backend) {
    use chatalot_server::clock::Clock;
    use chrono::{Duration, Utc};
    if !push_service::available() {
        return;
    }
    // The clock stands at 08:00 UTC tomorrow; the meeting is at 10:00.
    let day = (Utc::now() + Duration::days(1)).date_naive();
    let clock = Clock::manual(day.and_hms_opt(8, 0, 0).unwrap().and_utc());
    let service = PushService::start().await;
    let Some(s) = TestServer::start_with(backend, |c| {
        setup(c);
        c.tuning.clock = clock.clone();
    })
    .await
    else {
        return;
    };
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let mut devices = Vec::new();
    for who in [&alice, &bob] {
        let device = service.subscription().await;
        s.post("/api/account/push-subscriptions", Some(&who.1), &device)
            .await
            .expect(StatusCode::CREATED);
        devices.push(device["id"].as_str().unwrap().to_owned());
    }
    let team = s.team(&alice.1, "Crew", &[&bob.1]).await;
    let meeting = s
        .post(
            &format!("/api/channels/{}/meetings", team.channel),
            Some(&alice.1),
            &json!({"title": "Sync", "start": format!("{day}T10:00:00"), "timezone": "UTC",
                    "duration_minutes": 30, "reminder_minutes": 15}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;

    // Alice is connected and sees the reminder live; Bob is away and gets a push.
    let _alice_online = Ws::connect(&s, &alice.1).await;
    clock.advance(Duration::minutes(105));
    s.core.send_due_reminders().await.unwrap();
    let payload = service.nth_payload(&devices[1], 1).await;
    assert_eq!(payload["kind"], "meeting_reminder");
    assert_eq!(payload["title"], "Sync");
    assert_eq!(payload["body"], "starts in 15 minutes");
    assert_eq!(
        payload["url"],
        format!("/meetings/{}", meeting["id"].as_str().unwrap())
    );
    // Every attempt reaches the service: once the server has made as many as it saw,
    // nothing else is on its way.
    let made = service.events().len() as u64;
    s.core
        .push_attempts()
        .wait_for(|n| *n >= made)
        .await
        .unwrap();
    assert!(service.payloads(&devices[0]).is_empty());
    assert!(s.core.queued_pushes().await.unwrap().is_empty());
}
