//! `chatalot-server backup` and `restore` on both backends: every table comes back
//! exactly as it was, a damaged or foreign backup changes nothing, and the server
//! runs on the restored database (sequences included).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use chatalot_server::store::Db;
use common::{Backend, TestServer, png, send_file};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

/// Every row of every table, as text, sorted: what a round trip must preserve.
type Snapshot = BTreeMap<String, Vec<String>>;

async fn snapshot(db: &Db) -> Snapshot {
    let mut snap = Snapshot::new();
    match db {
        Db::Postgres(pool, _) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for table in tables {
                let mut rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT t::text FROM \"{table}\" t"
                )))
                .fetch_all(pool)
                .await
                .unwrap();
                rows.sort();
                snap.insert(table, rows);
            }
        }
        Db::Sqlite(pool, _) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for table in tables {
                let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT name FROM pragma_table_info('{table}')"
                )))
                .fetch_all(pool)
                .await
                .unwrap();
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                let mut rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT {row} FROM \"{table}\""
                )))
                .fetch_all(pool)
                .await
                .unwrap();
                rows.sort();
                snap.insert(table, rows);
            }
        }
    }
    snap
}

fn run(args: &[&str], database_url: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_chatalot-server"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("CHATALOT_DATA_DIR")
        .output()
        .expect("run chatalot-server")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A server with a bit of everything: accounts, a community, messages with edits,
/// reactions, pins, bookmarks, a poll, a DM, files and avatars (users and files
/// refer to each other), read states, notification settings, blocks.
async fn populated(backend: Backend) -> Option<(TestServer, uuid::Uuid)> {
    let s = TestServer::start_for_messages(backend).await?;
    let owner = s.owner().await.tokens.access_token;
    let (bob_id, bob) = s.user("bob").await;
    let (_, carol) = s.user("carol").await;
    let team = s.team(&owner, "Backups", &[&bob, &carol]).await;
    let mut first = None;
    for i in 0..30 {
        let m = s
            .message(
                &bob,
                team.channel,
                json!({ "content": format!("message {i} \u{1F600} 'quoted' \\ tab\t") }),
            )
            .await;
        first.get_or_insert(m["id"].as_str().unwrap().to_owned());
    }
    let first = first.unwrap();
    let ok = |r: common::Resp| assert!(r.status.is_success(), "{} {}", r.status, r.text);
    ok(s.call(
        Method::PATCH,
        &format!("/api/messages/{first}"),
        Some(&bob),
        Some(&json!({"content": "edited"})),
    )
    .await);
    ok(s.call(
        Method::PUT,
        &format!("/api/messages/{first}/reactions/%F0%9F%91%8D"),
        Some(&carol),
        None,
    )
    .await);
    ok(s.call(
        Method::PUT,
        &format!("/api/channels/{}/pins/{first}", team.channel),
        Some(&owner),
        None,
    )
    .await);
    ok(s.call(
        Method::PUT,
        &format!("/api/messages/{first}/bookmark"),
        Some(&carol),
        Some(&json!({"note": "later"})),
    )
    .await);
    ok(s.post(
        &format!("/api/channels/{}/read", team.channel),
        Some(&carol),
        &json!({"message_id": first}),
    )
    .await);
    let poll = s
        .post(
            &format!("/api/channels/{}/polls", team.channel),
            Some(&bob),
            &json!({"question": "Lunch?", "options": ["yes", "no"], "multi_select": false, "anonymous": false}),
        )
        .await;
    ok(poll);
    ok(
        s.post("/api/dms", Some(&carol), &json!({"user_ids": [bob_id]}))
            .await,
    );
    ok(send_file(
        &s,
        Method::PUT,
        "/api/account/avatar",
        &bob,
        "me.png",
        png(32, 32),
    )
    .await);
    ok(send_file(
        &s,
        Method::POST,
        "/api/files",
        &carol,
        "notes.png",
        png(8, 8),
    )
    .await);
    ok(s.call(
        Method::PATCH,
        "/api/account/notifications",
        Some(&carol),
        Some(&json!({"keywords": ["lunch"]})),
    )
    .await);
    ok(s.call(
        Method::PUT,
        &format!("/api/account/notifications/channels/{}", team.channel),
        Some(&carol),
        Some(&json!({"level": "all"})),
    )
    .await);
    ok(s.call(
        Method::PUT,
        &format!("/api/account/blocks/{bob_id}"),
        Some(&carol),
        None,
    )
    .await);
    Some((s, team.channel))
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn backup_then_restore_round_trips_every_table(#[case] backend: Backend) {
    let Some((mut s, channel)) = populated(backend).await else {
        return;
    };
    s.stop().await;
    let db = s.db.connect().await;
    let before = snapshot(&db).await;
    let filled: Vec<&str> = before
        .iter()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(t, _)| t.as_str())
        .collect();
    for table in [
        "users",
        "sessions",
        "communities",
        "channels",
        "messages",
        "message_edits",
        "reactions",
        "pins",
        "bookmarks",
        "read_states",
        "polls",
        "dm_members",
        "files",
        "notification_prefs",
        "notification_overrides",
        "user_blocks",
        "audit_log",
        "_sqlx_migrations",
    ] {
        assert!(
            filled.contains(&table),
            "{table} has rows to back up: {filled:?}"
        );
    }
    eprintln!(
        "{backend:?}: {} tables, {} with rows",
        before.len(),
        filled.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chatalot.backup");
    let file_arg = file.to_str().unwrap();
    let out = run(&["backup", file_arg], &s.db.url);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("backup written to"));
    // Never over an existing file.
    let again = run(&["backup", file_arg], &s.db.url);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );

    // Change everything a restore must undo: delete, update and add rows.
    db_exec!(db, "DELETE FROM reactions");
    db_exec!(db, "DELETE FROM bookmarks");
    db_exec!(db, "UPDATE users SET display_name = 'changed'");
    db_exec!(
        db,
        "UPDATE messages SET content = 'rewritten' WHERE content LIKE 'message 2%'"
    );
    assert_ne!(snapshot(&db).await, before);

    // Without --yes nothing happens.
    let unconfirmed = run(&["restore", file_arg], &s.db.url);
    assert_eq!(unconfirmed.status.code(), Some(2));
    assert!(stderr(&unconfirmed).contains("--yes"));
    let changed = snapshot(&db).await;

    // A truncated or altered backup is refused and changes nothing.
    let bytes = std::fs::read(&file).unwrap();
    let truncated = dir.path().join("truncated.backup");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let out = run(
        &["restore", truncated.to_str().unwrap(), "--yes"],
        &s.db.url,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&db).await, changed);
    if backend == Backend::Postgres {
        let mut altered = bytes.clone();
        let at = altered.len() / 2;
        altered[at] = if altered[at] == b'x' { b'y' } else { b'x' };
        let altered_path = dir.path().join("altered.backup");
        std::fs::write(&altered_path, altered).unwrap();
        let out = run(
            &["restore", altered_path.to_str().unwrap(), "--yes"],
            &s.db.url,
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("damaged") || stderr(&out).contains("database"),
            "{}",
            stderr(&out)
        );
        assert_eq!(snapshot(&db).await, changed);
    }
    let garbage = dir.path().join("garbage.backup");
    std::fs::write(&garbage, b"hello").unwrap();
    let out = run(&["restore", garbage.to_str().unwrap(), "--yes"], &s.db.url);
    assert!(
        stderr(&out).contains("not a Chatalot backup"),
        "{}",
        stderr(&out)
    );

    let out = run(&["restore", file_arg, "--yes"], &s.db.url);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(&db).await, before, "every table is back as it was");
    db.close().await;

    // The server runs on the restored database: sign in, read, post (which also
    // needs the message sequence past the restored rows).
    let s = s.restart_with(|_| {}).await;
    let bob = s.login("bob", "bob-password").await.tokens.access_token;
    let page = s
        .get(&format!("/api/channels/{channel}/messages"), Some(&bob))
        .await
        .expect(StatusCode::OK);
    assert!(page.text.contains("edited"), "{}", page.text);
    s.message(&bob, channel, json!({"content": "after the restore"}))
        .await;
}

#[tokio::test]
async fn a_backup_restores_only_onto_its_own_backend() {
    let Some(s) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let Some(pg) = common::TestDb::create(Backend::Postgres).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sqlite.backup");
    let out = run(&["backup", file.to_str().unwrap()], &s.db.url);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["restore", file.to_str().unwrap(), "--yes"], &pg.url);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("this is a SQLite backup, but DATABASE_URL is a PostgreSQL database"),
        "{}",
        stderr(&out)
    );
    assert!(Path::new(&file).exists());
}
