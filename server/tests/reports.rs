//! Reports (ADM-6) and announcements (ADM-7) on both backends: who may report and
//! review what, resolutions acting through the usual moderation rules, reporters
//! told the outcome live, rate limits; announcements delivered live to every
//! connection and dismissed for every device of one person.

mod common;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

fn id(v: &Value) -> Uuid {
    v["id"].as_str().expect("an id").parse().expect("a UUID")
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn reports_are_reviewed_by_the_right_people(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, root) = s.user("root").await;
    let (_, owner) = s.user("owner").await;
    let (moderator_id, moderator) = s.user("moderator").await;
    let (alice_id, alice) = s.user("alice").await;
    let (bob_id, bob) = s.user("bob").await;
    let (_, outsider) = s.user("outsider").await;
    let team = s.team(&owner, "Team", &[&moderator, &alice, &bob]).await;
    s.set_role(&owner, team.community, moderator_id, "moderator")
        .await;
    let mut alice_ws = Ws::connect(&s, &alice).await;
    let mut moderator_ws = Ws::connect(&s, &moderator).await;
    let mut bob_ws = Ws::connect(&s, &bob).await;
    let rude = s
        .message(&bob, team.channel, json!({"content": "you are all fools"}))
        .await;

    // Refusals come before anything is stored.
    let report_of = |message: &Value| json!({"message_id": message["id"], "reason": "insulting"});
    for (token, body, status, code) in [
        (
            &alice,
            json!({"message_id": rude["id"], "reason": "  "}),
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            &alice,
            json!({"reason": "neither"}),
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            &alice,
            json!({"message_id": rude["id"], "user_id": bob_id, "reason": "both"}),
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            &bob,
            report_of(&rude),
            StatusCode::BAD_REQUEST,
            "cannot_report_self",
        ),
        (
            &outsider,
            report_of(&rude),
            StatusCode::NOT_FOUND,
            "message_not_found",
        ),
    ] {
        s.post("/api/reports", Some(token), &body)
            .await
            .expect_error(status, code);
    }
    assert_eq!(s.db.count("SELECT COUNT(*) FROM reports", &[]).await, 0);

    // Alice reports; the moderator and Alice hear of it, with the message as it was.
    let report = s
        .post("/api/reports", Some(&alice), &report_of(&rude))
        .await
        .expect(StatusCode::CREATED)
        .body;
    let report_id = id(&report);
    assert_eq!(report["status"], "open");
    assert_eq!(report["community_id"], json!(team.community));
    assert_eq!(report["target_user_id"], json!(bob_id));
    let queued = moderator_ws.expect("report_updated").await;
    assert_eq!(queued["report"]["id"], json!(report_id));
    assert_eq!(queued["report"]["reporter_username"], "alice");
    assert_eq!(queued["report"]["message_content"], "you are all fools");
    alice_ws.expect("report_updated").await;
    s.post("/api/reports", Some(&alice), &report_of(&rude))
        .await
        .expect_error(StatusCode::CONFLICT, "already_reported");
    // The evidence survives an edit.
    s.call(
        Method::PATCH,
        &format!("/api/messages/{}", rude["id"].as_str().unwrap()),
        Some(&bob),
        Some(&json!({"content": "nice weather"})),
    )
    .await
    .expect(StatusCode::OK);

    // Who sees the queue.
    let open = "/api/reports?status=open";
    for token in [&alice, &outsider] {
        s.get(open, Some(token))
            .await
            .expect_error(StatusCode::FORBIDDEN, "not_a_moderator");
    }
    for token in [&moderator, &owner, &root] {
        let list = s.get(open, Some(token)).await.expect(StatusCode::OK).body;
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["message_content"], "you are all fools");
    }
    let mine = s
        .get("/api/reports/mine", Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(mine[0]["id"], json!(report_id));
    assert_eq!(s.get("/api/reports/mine", Some(&bob)).await.body, json!([]));

    // Members cannot review; moderators cannot suspend. Nothing changes.
    let resolve = format!("/api/reports/{report_id}/resolve");
    s.post(&resolve, Some(&alice), &json!({"action": "none"}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "report_not_found");
    s.post(&resolve, Some(&moderator), &json!({"action": "suspend"}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "admin_required");
    s.post(&resolve, Some(&moderator), &json!({"action": "timeout"}))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    let open_reports = "SELECT COUNT(*) FROM reports WHERE status = 'open'";
    assert_eq!(s.db.count(open_reports, &[]).await, 1);
    let suspended = "SELECT COUNT(*) FROM users WHERE id = $1 AND suspended_at IS NOT NULL";
    assert_eq!(s.db.count(suspended, &[bob_id]).await, 0);

    // The moderator times Bob out through the report: Bob learns it live, Alice the
    // outcome (without who decided), and the report is closed for good.
    let resolved = s
        .post(
            &resolve,
            Some(&moderator),
            &json!({"action": "timeout", "duration_secs": 600, "note": "cool off"}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["outcome"]["action"], "timeout");
    assert_eq!(resolved["outcome"]["resolved_by"], json!(moderator_id));
    let muted = bob_ws
        .expect_where(|e| e["type"] == "member_updated" && e["member"]["user_id"] == json!(bob_id))
        .await;
    assert!(muted["member"]["timed_out_until"].is_string());
    let told = alice_ws
        .expect_where(|e| e["type"] == "report_updated" && e["report"]["status"] == "resolved")
        .await;
    assert_eq!(told["report"]["outcome"]["action"], "timeout");
    assert_eq!(told["report"]["outcome"]["note"], "cool off");
    assert_eq!(told["report"]["outcome"]["resolved_by"], Value::Null);
    s.post(&resolve, Some(&owner), &json!({"action": "none"}))
        .await
        .expect_error(StatusCode::CONFLICT, "report_closed");
    s.post(
        &format!("/api/reports/{report_id}/dismiss"),
        Some(&owner),
        &json!({}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "report_closed");
    let timed_out =
        "SELECT COUNT(*) FROM community_members WHERE user_id = $1 AND timed_out_until IS NOT NULL";
    assert_eq!(s.db.count(timed_out, &[bob_id]).await, 1);

    // A report about a direct message goes to instance administrators alone.
    let dm = s
        .post("/api/dms", Some(&bob), &json!({"user_ids": [alice_id]}))
        .await
        .expect(StatusCode::OK)
        .body;
    let dm_message = s.message(&bob, id(&dm), json!({"content": "psst"})).await;
    let dm_report = s
        .post("/api/reports", Some(&alice), &report_of(&dm_message))
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(dm_report["community_id"], Value::Null);
    let seen_by_moderator = s.get(open, Some(&moderator)).await.body;
    assert_eq!(seen_by_moderator, json!([]));
    let dm_resolve = format!("/api/reports/{}/resolve", id(&dm_report));
    s.post(&dm_resolve, Some(&moderator), &json!({"action": "delete"}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "report_not_found");
    s.post(&dm_resolve, Some(&root), &json!({"action": "ban"}))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "no_community");
    s.post(&dm_resolve, Some(&root), &json!({"action": "delete"}))
        .await
        .expect(StatusCode::OK);
    let deleted = "SELECT COUNT(*) FROM messages WHERE id = $1 AND deleted_at IS NOT NULL";
    assert_eq!(s.db.count(deleted, &[id(&dm_message)]).await, 1);

    // A person reported in the community; dismissed with a note the reporter sees.
    s.post(
        "/api/reports",
        Some(&alice),
        &json!({"user_id": bob_id, "community_id": team.community, "reason": "spams me"}),
    )
    .await
    .expect(StatusCode::CREATED);
    s.post(
        "/api/reports",
        Some(&outsider),
        &json!({"user_id": bob_id, "community_id": team.community, "reason": "?"}),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "community_not_found");
    let person_report = s.get(open, Some(&moderator)).await.body[0].clone();
    assert_eq!(person_report["kind"], "user");
    let dismissed = s
        .post(
            &format!("/api/reports/{}/dismiss", id(&person_report)),
            Some(&moderator),
            &json!({"note": "not spam"}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(dismissed["status"], "dismissed");
    assert_eq!(dismissed["outcome"]["action"], Value::Null);
    let mine = s.get("/api/reports/mine", Some(&alice)).await.body;
    let statuses: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["dismissed", "resolved", "resolved"]);
    assert_eq!(mine[0]["outcome"]["note"], "not spam");

    // Every step is in the audit log.
    for action in ["report.created", "report.resolved", "report.dismissed"] {
        let page = s
            .get(
                &format!("/api/admin/audit-log?action={action}"),
                Some(&root),
            )
            .await
            .expect(StatusCode::OK)
            .body;
        assert!(!page.as_array().unwrap().is_empty(), "{action} audited");
    }

    // Ten reports an hour: Alice has made three.
    for n in 0..7 {
        let m = s
            .message(&owner, team.channel, json!({"content": format!("m{n}")}))
            .await;
        s.post("/api/reports", Some(&alice), &report_of(&m))
            .await
            .expect(StatusCode::CREATED);
    }
    let one_more = s
        .message(&owner, team.channel, json!({"content": "x"}))
        .await;
    s.post("/api/reports", Some(&alice), &report_of(&one_more))
        .await
        .expect_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(s.db.count("SELECT COUNT(*) FROM reports", &[]).await, 10);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn announcements_arrive_live_and_stay_dismissed(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, root) = s.user("root").await;
    let (_, alice) = s.user("alice").await;
    let (_, bob) = s.user("bob").await;
    let alice_phone = s.login("alice", "alice-password").await.tokens.access_token;
    let mut laptop = Ws::connect(&s, &alice).await;
    let mut phone = Ws::connect(&s, &alice_phone).await;
    let mut bob_ws = Ws::connect(&s, &bob).await;

    // Only administrators post, and only sensible announcements.
    let post = "/api/admin/announcements";
    let good =
        json!({"title": "Maintenance tonight", "body": "Back by 22:00.", "severity": "warning"});
    s.post(post, Some(&alice), &good)
        .await
        .expect_error(StatusCode::FORBIDDEN, "admin_required");
    for bad in [
        json!({"title": " ", "severity": "info"}),
        json!({"title": "x".repeat(121), "severity": "info"}),
        json!({"title": "Old", "severity": "info", "expires_at": "2020-01-01T00:00:00Z"}),
    ] {
        s.post(post, Some(&root), &bad)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    s.post(
        post,
        Some(&root),
        &json!({"title": "T", "severity": "loud"}),
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    assert_eq!(
        s.db.count("SELECT COUNT(*) FROM announcements", &[]).await,
        0
    );

    // Posted: every connection gets it at once.
    let posted = s
        .post(post, Some(&root), &good)
        .await
        .expect(StatusCode::CREATED)
        .body;
    let announcement = id(&posted);
    for ws in [&mut laptop, &mut phone, &mut bob_ws] {
        let event = ws.expect("announcement_created").await;
        assert_eq!(event["announcement"]["title"], "Maintenance tonight");
        assert_eq!(event["announcement"]["severity"], "warning");
    }
    let shown = s.get("/api/announcements", Some(&alice)).await.body;
    assert_eq!(shown.as_array().unwrap().len(), 1);

    // Alice dismisses it on her laptop: her phone drops it too, Bob keeps it.
    s.post(
        &format!("/api/announcements/{announcement}/dismiss"),
        Some(&alice),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    for ws in [&mut laptop, &mut phone] {
        let event = ws.expect("announcement_removed").await;
        assert_eq!(event["announcement_id"], json!(announcement));
    }
    // Dismissing twice is fine; an unknown one is not found.
    s.post(
        &format!("/api/announcements/{announcement}/dismiss"),
        Some(&alice),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.post(
        &format!("/api/announcements/{}/dismiss", Uuid::now_v7()),
        Some(&alice),
        &json!({}),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "announcement_not_found");
    // A third device signed in later, and a restart, do not bring it back.
    let s = s.restart_with(|_| {}).await;
    let tablet = s.login("alice", "alice-password").await.tokens.access_token;
    assert_eq!(
        s.get("/api/announcements", Some(&tablet)).await.body,
        json!([])
    );
    let bob_sees = s.get("/api/announcements", Some(&bob)).await.body;
    assert_eq!(bob_sees[0]["id"], json!(announcement));

    // Administrators see how it went; expired announcements stop showing.
    let db = s.db.connect().await;
    let expired = Uuid::now_v7();
    let yesterday = chrono::Utc::now() - chrono::Duration::days(1);
    db_exec!(
        db,
        "INSERT INTO announcements (id, title, body, severity, created_at, expires_at) VALUES ($1, 'Past', '', 'info', $2, $2)",
        expired,
        yesterday
    );
    let listed = s.get(post, Some(&root)).await.expect(StatusCode::OK).body;
    assert_eq!(listed[0]["id"], json!(expired));
    assert_eq!(listed[0]["active"], false);
    assert_eq!(listed[1]["dismissals"], 1);
    assert_eq!(listed[1]["active"], true);
    assert_eq!(listed[1]["created_by_username"], "root");
    assert_eq!(
        s.get("/api/announcements", Some(&bob))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1,
        "the expired one is not shown"
    );

    // Withdrawn: gone for everyone, live.
    let mut bob_ws = Ws::connect(&s, &bob).await;
    s.call(
        Method::DELETE,
        &format!("{post}/{announcement}"),
        Some(&root),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let event = bob_ws.expect("announcement_removed").await;
    assert_eq!(event["announcement_id"], json!(announcement));
    assert_eq!(
        s.get("/api/announcements", Some(&bob)).await.body,
        json!([])
    );
    s.call(
        Method::DELETE,
        &format!("{post}/{announcement}"),
        Some(&root),
        None,
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "announcement_not_found");
    let audited = s
        .get(
            "/api/admin/audit-log?action=admin.announcement_removed",
            Some(&root),
        )
        .await
        .body;
    assert_eq!(audited.as_array().unwrap().len(), 1);
}
