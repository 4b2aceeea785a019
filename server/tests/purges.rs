//! Purges (ADM-8) on both backends: what each kind removes and keeps (other
//! communities, others' replies in a thread), what clients are told, and a job that
//! survives a restart halfway and finishes where it stopped.

mod common;

use std::time::Duration;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

fn id(v: &Value) -> Uuid {
    v["id"].as_str().expect("an id").parse().expect("a UUID")
}

/// Waits for the job to be done: the administrator's socket is connected before the
/// job is read, so either the read or a later event shows the end.
async fn finished(s: &TestServer, ws: &mut Ws, root: &str, job: Uuid) -> Value {
    let now = s
        .get(&format!("/api/admin/purges/{job}"), Some(root))
        .await
        .expect(StatusCode::OK)
        .body;
    if now["status"] == "done" {
        return now;
    }
    ws.expect_where(|e| {
        e["type"] == "purge_updated" && e["job"]["id"] == json!(job) && e["job"]["status"] == "done"
    })
    .await["job"]
        .clone()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn purges_remove_what_they_say_and_keep_the_rest(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.community_creation_mode = chatalot_server::config::CommunityCreationMode::Anyone;
        c.tuning.message_rate = chatalot_server::config::RateLimit {
            per_second: 10_000,
            burst: 10_000,
        };
        c.tuning.purge_batch_size = 4;
    })
    .await
    else {
        return;
    };
    let (_, root) = s.user("root").await;
    let (alice_id, alice) = s.user("alice").await;
    let (bob_id, bob) = s.user("bob").await;
    let here = s.team(&alice, "Here", &[&bob]).await;
    let elsewhere = s.team(&alice, "Elsewhere", &[&bob]).await;
    let mut root_ws = Ws::connect(&s, &root).await;
    let mut alice_ws = Ws::connect(&s, &alice).await;

    // Bob: ten messages here (one with a file), two elsewhere; a thread of his own here (kept whole
    // by nobody), and a reply in Alice's thread; Alice's reply in his other thread.
    let mut bobs = Vec::new();
    let upload = common::send_file(
        &s,
        reqwest::Method::POST,
        "/api/files",
        &bob,
        "notes.txt",
        b"bob's notes".to_vec(),
    )
    .await
    .expect(StatusCode::CREATED)
    .body;
    let attached = id(&upload);
    bobs.push(id(&s
        .message(
            &bob,
            here.channel,
            json!({"content": "with a file", "attachment_ids": [attached]}),
        )
        .await));
    assert_eq!(common::stored_objects(s.files_dir.path()).len(), 1);
    for n in 0..9 {
        bobs.push(id(&s
            .message(&bob, here.channel, json!({"content": format!("b{n}")}))
            .await));
    }
    let kept = [
        id(&s
            .message(&bob, elsewhere.channel, json!({"content": "far"}))
            .await),
        id(&s
            .message(&bob, elsewhere.channel, json!({"content": "away"}))
            .await),
    ];
    let alice_root = id(&s
        .message(&alice, here.channel, json!({"content": "question"}))
        .await);
    let bob_reply = s
        .message(
            &bob,
            here.channel,
            json!({"content": "answer", "thread_id": alice_root}),
        )
        .await;
    let bob_root = id(&s
        .message(&bob, here.channel, json!({"content": "my thread"}))
        .await);
    s.message(
        &bob,
        here.channel,
        json!({"content": "me again", "thread_id": bob_root}),
    )
    .await;
    let shared_root = id(&s
        .message(&bob, here.channel, json!({"content": "poll"}))
        .await);
    let alice_reply = id(&s
        .message(
            &alice,
            here.channel,
            json!({"content": "+1", "thread_id": shared_root}),
        )
        .await);

    // Only administrators; requests that make no sense are refused.
    let purge = "/api/admin/purges";
    s.post(
        purge,
        Some(&alice),
        &json!({"kind": "user", "user_id": bob_id}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "admin_required");
    for (body, status) in [
        (json!({"kind": "message"}), StatusCode::BAD_REQUEST),
        (
            json!({"kind": "channel", "channel_id": here.channel, "user_id": bob_id}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"kind": "message", "message_id": Uuid::now_v7()}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"kind": "user", "user_id": Uuid::now_v7()}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"kind": "user", "user_id": bob_id, "community_id": Uuid::now_v7()}),
            StatusCode::NOT_FOUND,
        ),
    ] {
        s.post(purge, Some(&root), &body).await.expect(status);
    }
    assert_eq!(s.db.count("SELECT COUNT(*) FROM purge_jobs", &[]).await, 0);

    // Bob's messages in this community: 10 + reply + his thread (2) + shared root.
    let job = s
        .post(
            purge,
            Some(&root),
            &json!({"kind": "user", "user_id": bob_id, "community_id": here.community}),
        )
        .await
        .expect(StatusCode::ACCEPTED)
        .body;
    assert_eq!(job["total"], 14);
    let done = finished(&s, &mut root_ws, &root, id(&job)).await;
    assert_eq!(done["removed"], 14);
    assert!(done["finished_at"].is_string());
    let bobs_here = "SELECT COUNT(*) FROM messages m JOIN channels c ON c.id = m.channel_id \
                     WHERE m.author_id = $1 AND c.community_id = $2";
    assert_eq!(s.db.count(bobs_here, &[bob_id, here.community]).await, 0);
    assert_eq!(
        s.db.count(bobs_here, &[bob_id, elsewhere.community]).await,
        2
    );
    for message in kept {
        let exists = "SELECT COUNT(*) FROM messages WHERE id = $1 AND deleted_at IS NULL";
        assert_eq!(s.db.count(exists, &[message]).await, 1);
    }
    // Alice's thread lost Bob's reply; Bob's thread with Alice's reply stays as an
    // empty placeholder, his own thread is gone.
    let no_replies = "SELECT COUNT(*) FROM messages WHERE id = $1 AND thread_reply_count = 0";
    assert_eq!(s.db.count(no_replies, &[alice_root]).await, 1);
    let placeholder = "SELECT COUNT(*) FROM messages WHERE id = $1 AND author_id IS NULL \
                       AND content = '' AND deleted_at IS NOT NULL";
    assert_eq!(s.db.count(placeholder, &[shared_root]).await, 1);
    let gone = "SELECT 1 - COUNT(*) FROM messages WHERE id = $1";
    assert_eq!(s.db.count(gone, &[bob_root]).await, 1);
    assert_eq!(s.db.count(gone, &[id(&bob_reply)]).await, 1);
    assert_eq!(s.db.count(gone, &[alice_reply]).await, 0);
    // The file went with its message, row and bytes.
    let file_rows = "SELECT COUNT(*) FROM files WHERE id = $1";
    assert_eq!(s.db.count(file_rows, &[attached]).await, 0);
    assert_eq!(
        common::stored_objects(s.files_dir.path()),
        Vec::<String>::new()
    );
    // Clients were told which messages went, channel by channel.
    let mut told = Vec::new();
    while told.len() < 14 {
        let event = alice_ws.expect("messages_purged").await;
        assert_eq!(event["channel_id"], json!(here.channel));
        told.extend(event["message_ids"].as_array().unwrap().clone());
    }
    assert!(told.contains(&json!(bobs[0])) && told.contains(&json!(shared_root)));
    let history = s
        .get(
            &format!("/api/channels/{}/messages", here.channel),
            Some(&alice),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["author_id"] != json!(bob_id)),
        "history shows none of Bob's messages: {history}"
    );

    // One message, then a whole channel.
    let job = s
        .post(
            purge,
            Some(&root),
            &json!({"kind": "message", "message_id": kept[1]}),
        )
        .await
        .expect(StatusCode::ACCEPTED)
        .body;
    assert_eq!(
        finished(&s, &mut root_ws, &root, id(&job)).await["removed"],
        1
    );
    assert_eq!(s.db.count(gone, &[kept[1]]).await, 1);
    // A client that had the purged message on screen marks it read a moment later:
    // the cursor stops at the newest message still before it.
    s.post(
        &format!("/api/channels/{}/read", elsewhere.channel),
        Some(&alice),
        &json!({"message_id": kept[1]}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let cursor = "SELECT COUNT(*) FROM read_states WHERE user_id = $1 AND channel_id = $2 \
                  AND last_read_id = $3";
    assert_eq!(
        s.db.count(cursor, &[alice_id, elsewhere.channel, kept[0]])
            .await,
        1
    );
    let job = s
        .post(
            purge,
            Some(&root),
            &json!({"kind": "channel", "channel_id": here.channel}),
        )
        .await
        .expect(StatusCode::ACCEPTED)
        .body;
    finished(&s, &mut root_ws, &root, id(&job)).await;
    let in_channel = "SELECT COUNT(*) FROM messages WHERE channel_id = $1";
    assert_eq!(s.db.count(in_channel, &[here.channel]).await, 0);
    // Nothing is left before it: nothing to mark, and no error either.
    let before = s
        .get("/api/unread", Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    s.post(
        &format!("/api/channels/{}/read", here.channel),
        Some(&alice),
        &json!({"message_id": bobs[0]}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let after = s
        .get("/api/unread", Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(after, before);
    assert!(
        before
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["channel_id"] == json!(here.channel)),
        "{before}"
    );
    assert_eq!(s.db.count(in_channel, &[elsewhere.channel]).await, 1);
    let jobs = s.get(purge, Some(&root)).await.expect(StatusCode::OK).body;
    assert_eq!(jobs.as_array().unwrap().len(), 3);
    let audited = s
        .get(
            "/api/admin/audit-log?action=admin.purge_started",
            Some(&root),
        )
        .await
        .body;
    assert_eq!(audited.as_array().unwrap().len(), 3);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_purge_survives_a_restart(#[case] backend: Backend) {
    // Batches of 5 with an hour's rest between them: the first batch runs, then the
    // server stops mid-job.
    let Some(s) = TestServer::start_with(backend, |c| {
        c.tuning.message_rate = chatalot_server::config::RateLimit {
            per_second: 10_000,
            burst: 10_000,
        };
        c.tuning.purge_batch_size = 5;
        c.tuning.purge_batch_pause = Duration::from_secs(3600);
    })
    .await
    else {
        return;
    };
    let (_, root) = s.user("root").await;
    let team = s.team(&root, "Team", &[]).await;
    for n in 0..23 {
        s.message(&root, team.channel, json!({"content": format!("m{n}")}))
            .await;
    }
    let mut root_ws = Ws::connect(&s, &root).await;
    let job = s
        .post(
            "/api/admin/purges",
            Some(&root),
            &json!({"kind": "channel", "channel_id": team.channel}),
        )
        .await
        .expect(StatusCode::ACCEPTED)
        .body;
    let job_id = id(&job);
    assert_eq!(job["total"], 23);
    let first = root_ws.expect("purge_updated").await;
    assert_eq!(first["job"]["status"], "running");
    assert_eq!(first["job"]["removed"], 5);

    let s = s
        .restart_with(|c| c.tuning.purge_batch_pause = Duration::ZERO)
        .await;
    let in_channel = "SELECT COUNT(*) FROM messages WHERE channel_id = $1";
    let mut root_ws = Ws::connect(&s, &root).await;
    let done = finished(&s, &mut root_ws, &root, job_id).await;
    assert_eq!(done["total"], 23);
    assert_eq!(done["removed"], 23, "no batch counted twice or lost");
    assert_eq!(s.db.count(in_channel, &[team.channel]).await, 0);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_purge_that_keeps_failing_is_marked_failed_and_the_next_one_runs(
    #[case] backend: Backend,
) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.tuning.message_rate = chatalot_server::config::RateLimit {
            per_second: 10_000,
            burst: 10_000,
        };
        c.tuning.purge_max_attempts = 2;
    })
    .await
    else {
        return;
    };
    let (_, root) = s.user("root").await;
    let team = s.team(&root, "Team", &[]).await;
    let other = s.channel(&root, team.group, json!({"name": "other"})).await;
    for (channel, content) in [
        (team.channel, "fine"),
        (team.channel, "stuck"),
        (other, "a"),
        (other, "b"),
    ] {
        s.message(&root, channel, json!({"content": content})).await;
    }
    // The database refuses to remove one message, whatever the purge tries.
    let db = s.db.connect().await;
    match s.db.backend {
        Backend::Sqlite => {
            db_exec!(
                db,
                "CREATE TRIGGER keep_stuck BEFORE DELETE ON messages WHEN OLD.content = 'stuck' \
                 BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
            );
        }
        Backend::Postgres => {
            db_exec!(
                db,
                "CREATE FUNCTION keep_stuck() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF OLD.content = 'stuck' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; \
                 RETURN OLD; END $$"
            );
            db_exec!(
                db,
                "CREATE TRIGGER keep_stuck BEFORE DELETE ON messages FOR EACH ROW EXECUTE FUNCTION keep_stuck()"
            );
        }
    }
    let mut root_ws = Ws::connect(&s, &root).await;
    let purge = |channel: Uuid| json!({"kind": "channel", "channel_id": channel});
    let stuck = s
        .post("/api/admin/purges", Some(&root), &purge(team.channel))
        .await
        .expect(StatusCode::ACCEPTED)
        .body;
    let failed = root_ws
        .expect_where(|e| {
            e["type"] == "purge_updated"
                && e["job"]["id"] == stuck["id"]
                && e["job"]["status"] == "failed"
        })
        .await;
    let error = failed["job"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("2 failed attempts"), "{failed}");
    // Each failed batch was rolled back whole: nothing of that channel went.
    let in_channel = "SELECT COUNT(*) FROM messages WHERE channel_id = $1";
    assert_eq!(s.db.count(in_channel, &[team.channel]).await, 2);
    let read = s
        .get(&format!("/api/admin/purges/{}", id(&stuck)), Some(&root))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(read["status"], "failed");
    assert!(read["finished_at"].is_string(), "{read}");

    // The worker went on: the next purge runs to the end.
    let next = s
        .post("/api/admin/purges", Some(&root), &purge(other))
        .await
        .expect(StatusCode::ACCEPTED)
        .body;
    let done = finished(&s, &mut root_ws, &root, id(&next)).await;
    assert_eq!(done["removed"], 2);
    assert_eq!(s.db.count(in_channel, &[other]).await, 0);
}
