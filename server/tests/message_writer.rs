//! On a SQLite file, new messages are written by the store's message writer, a
//! thread with a connection of its own outside sqlx (issue 22). What it stores must
//! be exactly what sqlx stores for the same message, value for value, and one
//! message that cannot be written must not take the others of its batch with it.

mod common;

use chatalot_server::store::{self, Db, Message, NewMessageRows, StoreError, ThenMark};
use common::{Backend, TestServer};
use futures_util::future::join_all;
use serde_json::json;
use uuid::Uuid;

/// Every column of `table` except `skip`, each as SQLite's `quote()` shows it (type
/// and bytes), for the row `key_column = key`.
async fn stored(db: &Db, table: &str, key_column: &str, key: Uuid, skip: &[&str]) -> Vec<String> {
    let Db::Sqlite(pool, _) = db else {
        unreachable!("SQLite only")
    };
    let columns: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM pragma_table_info($1) ORDER BY cid")
            .bind(table)
            .fetch_all(pool)
            .await
            .unwrap();
    let mut out = Vec::new();
    for (column,) in columns {
        if skip.contains(&column.as_str()) {
            continue;
        }
        let sql =
            format!("SELECT '{column}=' || quote({column}) FROM {table} WHERE {key_column} = $1");
        let (value,): (String,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .fetch_one(pool)
            .await
            .unwrap();
        out.push(value);
    }
    out
}

#[tokio::test]
async fn the_writer_stores_what_sqlx_stores() {
    let Some(s) = TestServer::start_for_messages(Backend::Sqlite).await else {
        return;
    };
    let (alice_id, alice) = s.user("alice").await;
    let (bob_id, bob) = s.user("bob").await;
    let team = s.team(&alice, "Writer", &[&bob]).await;
    let root = s
        .message(
            &alice,
            team.channel,
            json!({"content": "@bob \"quoted\"\nünïcode ✓"}),
        )
        .await;
    let root_id: Uuid = root["id"].as_str().unwrap().parse().unwrap();
    let reply = s
        .message(
            &bob,
            team.channel,
            json!({"content": "in thread", "thread_id": root_id}),
        )
        .await;
    let reply_id: Uuid = reply["id"].as_str().unwrap().parse().unwrap();

    let db = s.db.connect().await;
    assert!(
        db.writes_messages_directly(),
        "a SQLite file gets a message writer"
    );
    let read_state = |db: Db| async move {
        let Db::Sqlite(pool, _) = &db else {
            unreachable!()
        };
        let row: (String, String) = sqlx::query_as(
            "SELECT quote(last_read_id), quote(updated_at) FROM read_states \
             WHERE user_id = $1 AND channel_id = $2",
        )
        .bind(alice_id)
        .bind(team.channel)
        .fetch_one(pool)
        .await
        .unwrap();
        row
    };
    let by_writer = read_state(db.clone()).await;

    // The same message again, written by sqlx in a transaction of the pool.
    let mut conn = db.acquire().await.unwrap();
    let written = conn.conn().message(root_id).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(written.message.mentions.0, vec![bob_id]);
    assert_eq!(
        written.message.thread_reply_count, 1,
        "the reply bumped its root"
    );
    let copy_id = store::new_id();
    let rows = NewMessageRows {
        message: Message {
            id: copy_id,
            thread_reply_count: 0,
            thread_last_reply_at: None,
            ..written.message.clone()
        },
        notify: vec![bob_id],
        notification_job: None,
        then: ThenMark::ReadBy(alice_id),
    };
    let mut tx = db.begin().await.unwrap();
    let copy = tx.conn().insert_message_rows(&rows).await.unwrap();
    tx.commit().await.unwrap();

    let skip = ["id", "seq", "thread_reply_count", "thread_last_reply_at"];
    assert_eq!(
        stored(&db, "messages", "id", root_id, &skip).await,
        stored(&db, "messages", "id", copy_id, &skip).await,
        "a message's columns"
    );
    assert_eq!(
        stored(
            &db,
            "message_mentions",
            "message_id",
            root_id,
            &["message_id"]
        )
        .await,
        stored(
            &db,
            "message_mentions",
            "message_id",
            copy_id,
            &["message_id"]
        )
        .await,
        "its mention"
    );
    let by_sqlx = read_state(db.clone()).await;
    assert_eq!(
        by_writer.1, by_sqlx.1,
        "the read state's time, written by each"
    );
    assert_ne!(by_writer.0, by_sqlx.0, "the read state moved to the copy");
    // The thread reply's time on its root, as the writer stored it, reads back as
    // the reply's own time.
    let reply_row = db
        .acquire()
        .await
        .unwrap()
        .conn()
        .message(reply_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        written.message.thread_last_reply_at,
        Some(reply_row.message.created_at)
    );
    assert_eq!(copy.message.content, written.message.content);
}

#[tokio::test]
async fn a_message_that_fails_leaves_the_others_written() {
    let Some(s) = TestServer::start_for_messages(Backend::Sqlite).await else {
        return;
    };
    let (alice_id, alice) = s.user("alice").await;
    let team = s.team(&alice, "Batch", &[]).await;
    let posted = s
        .message(&alice, team.channel, json!({"content": "hello"}))
        .await;
    let db = s.db.connect().await;
    let mut conn = db.acquire().await.unwrap();
    let posted_id: Uuid = posted["id"].as_str().unwrap().parse().unwrap();
    let base = conn
        .conn()
        .message(posted_id)
        .await
        .unwrap()
        .unwrap()
        .message;
    drop(conn);
    let message = |channel_id: Uuid| NewMessageRows {
        message: Message {
            id: store::new_id(),
            channel_id,
            created_at: store::now(),
            ..base.clone()
        },
        notify: Vec::new(),
        notification_job: None,
        then: ThenMark::ReadBy(alice_id),
    };
    // Sent at once so that they share batches; every fifth is for a channel that
    // does not exist, which its foreign key refuses.
    let writes: Vec<_> = (0..40)
        .map(|i| {
            let channel = if i % 5 == 0 {
                Uuid::now_v7()
            } else {
                team.channel
            };
            message(channel)
        })
        .collect();
    let results = join_all(writes.iter().cloned().map(|w| db.write_message(w))).await;
    for (i, (write, result)) in writes.iter().zip(&results).enumerate() {
        if i % 5 == 0 {
            assert!(
                matches!(result, Err(StoreError::Dangling)),
                "message {i}: {result:?}"
            );
        } else {
            let row = result
                .as_ref()
                .unwrap_or_else(|e| panic!("message {i}: {e}"));
            assert_eq!(row.message.id, write.message.id);
            assert_eq!(row.author_username.as_deref(), Some("alice"));
        }
    }
    let Db::Sqlite(pool, _) = &db else {
        unreachable!()
    };
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages WHERE channel_id = $1")
        .bind(team.channel)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        count, 33,
        "the one posted and every message but the refused ones"
    );
    db.close().await;
}
