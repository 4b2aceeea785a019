//! The store on both backends: both migration sets apply and describe the same
//! tables, columns (with types and nullability) and indexes, and values round-trip
//! identically (UUIDs, times, JSON).

mod common;

use std::collections::BTreeSet;

use chatalot_server::store::{self, Db, NewAuditEntry, NewUser, SettingKey};
use common::{Backend, TestDb};
use rstest::rstest;

async fn migrated(backend: Backend) -> Option<(TestDb, Db)> {
    let test_db = TestDb::create(backend).await?;
    let db = test_db.connect().await;
    db.migrate().await.expect("migrations apply");
    db.migrate().await.expect("migrating again is a no-op");
    Some((test_db, db))
}

/// A column: table, name, type (as the other backend would declare it, see
/// migrations/README.md) and whether it may be NULL.
type Column = (String, String, String, bool);

async fn columns(db: &Db) -> BTreeSet<Column> {
    let rows: Vec<(String, String, String, bool)> = match db {
        Db::Postgres(pool, _) => sqlx::query_as(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'YES' \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Sqlite(pool, _) => sqlx::query_as(
            "SELECT m.name, p.name, upper(p.type), p.\"notnull\" = 0 AND p.pk = 0 \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    let pg = matches!(db, Db::Postgres(..));
    rows.into_iter()
        .map(|(table, column, ty, nullable)| {
            // The SQLite declaration each PostgreSQL type maps to.
            let ty = if pg {
                match ty.as_str() {
                    "uuid" | "bytea" => "BLOB",
                    // Wall-clock times (a meeting's local start) are TEXT in SQLite too.
                    "timestamp with time zone"
                    | "timestamp without time zone"
                    | "jsonb"
                    | "json"
                    | "text" => "TEXT",
                    "boolean" => "BOOLEAN",
                    "integer" | "bigint" | "smallint" => "INTEGER",
                    "tsvector" => "TSVECTOR",
                    other => panic!("{table}.{column}: unmapped PostgreSQL type {other}"),
                }
                .to_owned()
            } else {
                ty
            };
            (table, column, ty, nullable)
        })
        .collect()
}

/// Indexes as (table, columns in order, unique), names aside.
async fn indexes(db: &Db) -> BTreeSet<(String, String, bool)> {
    let rows: Vec<(String, String, bool)> = match db {
        Db::Postgres(pool, _) => sqlx::query_as(
            "SELECT t.relname::text, \
               string_agg(coalesce(a.attname::text, 'expr'), ',' ORDER BY k.ord), ix.indisunique \
             FROM pg_index ix \
             JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public' \
             CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
             LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE t.relname <> '_sqlx_migrations' \
             GROUP BY t.relname, ix.indexrelid, ix.indisunique",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Sqlite(pool, _) => sqlx::query_as(
            "SELECT m.name, group_concat(coalesce(i.name, 'expr'), ','), l.\"unique\" = 1 \
             FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i \
             WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' \
               AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'messages_fts%' \
             GROUP BY m.name, l.name, l.\"unique\" ORDER BY m.name, l.name",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

#[tokio::test]
async fn both_backends_have_the_same_schema() {
    let (_sqlite_db, sqlite) = migrated(Backend::Sqlite).await.unwrap();
    let sqlite_columns = columns(&sqlite).await;
    assert!(sqlite_columns.contains(&(
        "users".into(),
        "username_key".into(),
        "TEXT".into(),
        false
    )));
    let Some((_pg_db, pg)) = migrated(Backend::Postgres).await else {
        return;
    };
    // Full-text search is per backend (DESIGN.md): PostgreSQL keeps a generated
    // tsvector column (and its index), SQLite an FTS5 virtual table and its shadow
    // tables.
    let pg_columns: BTreeSet<_> = columns(&pg)
        .await
        .into_iter()
        .filter(|(t, c, _, _)| !(t == "messages" && c == "search_vector"))
        .collect();
    let sqlite_columns: BTreeSet<_> = sqlite_columns
        .into_iter()
        .filter(|(t, _, _, _)| !t.starts_with("messages_fts"))
        .collect();
    let only_sqlite: Vec<_> = sqlite_columns.difference(&pg_columns).collect();
    let only_pg: Vec<_> = pg_columns.difference(&sqlite_columns).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "columns (table, name, type, nullable) only in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_pg:#?}"
    );

    // SQLite's INTEGER PRIMARY KEY is the table's row ID, not an index.
    let pg_indexes: BTreeSet<_> = indexes(&pg)
        .await
        .into_iter()
        .filter(|(t, c, _)| !(t == "messages" && c == "search_vector"))
        .collect();
    let sqlite_indexes = indexes(&sqlite).await;
    let username = ("users".to_owned(), "username_key".to_owned(), true);
    assert!(
        sqlite_indexes.contains(&username) && pg_indexes.contains(&username),
        "both list the unique username index: {sqlite_indexes:?} / {pg_indexes:?}"
    );
    let only_sqlite: Vec<_> = sqlite_indexes.difference(&pg_indexes).collect();
    let only_pg: Vec<_> = pg_indexes.difference(&sqlite_indexes).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "indexes (table, columns, unique) only in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_pg:#?}"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn values_round_trip_exactly(#[case] backend: Backend) {
    let Some((_guard, db)) = migrated(backend).await else {
        return;
    };
    let now = store::now();
    let (first, second) = (store::new_id(), store::new_id());
    assert!(first < second, "UUIDv7 are time-ordered");
    let mut tx = db.begin().await.unwrap();
    let mut c = tx.conn();
    for (id, name) in [(second, "second"), (first, "first")] {
        c.insert_user(&NewUser {
            id,
            username: name,
            display_name: name,
            email: None,
            password_hash: None,
            recovery_code_hash: None,
            instance_role: "user",
            now,
        })
        .await
        .unwrap();
    }
    c.put_setting(SettingKey::OwnerUserId, &first, now)
        .await
        .unwrap();
    let details = serde_json::json!({"nested": {"list": [1, 2, 3]}, "text": "é"});
    c.insert_audit_entry(
        &NewAuditEntry::by(first, "test.entry").details(details.clone()),
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut conn = db.acquire().await.unwrap();
    let mut c = conn.conn();
    let user = c.user_by_id(first).await.unwrap().unwrap();
    assert_eq!(
        (user.id, user.created_at),
        (first, now),
        "UUID and microsecond time survive"
    );
    assert!(
        c.user_by_login("FIRST").await.unwrap().is_some(),
        "case-insensitive lookup"
    );
    assert_eq!(c.count_users().await.unwrap(), 2);
    let owner: Option<uuid::Uuid> = c.setting(SettingKey::OwnerUserId).await.unwrap();
    assert_eq!(owner, Some(first));
    assert!(
        !c.claim_setting(SettingKey::OwnerUserId, &second, now)
            .await
            .unwrap(),
        "claimed once only"
    );
    let entries = c
        .audit_entries(&store::AuditFilter {
            limit: 10,
            since: Some(now),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].details.0, details);
    assert_eq!(entries[0].created_at, now);
    let later = store::AuditFilter {
        limit: 10,
        since: Some(now + chrono::Duration::microseconds(1)),
        ..Default::default()
    };
    assert!(
        c.audit_entries(&later).await.unwrap().is_empty(),
        "time comparisons are exact"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_dropped_transaction_writes_nothing(#[case] backend: Backend) {
    let Some((_guard, db)) = migrated(backend).await else {
        return;
    };
    {
        let mut tx = db.begin().await.unwrap();
        tx.conn()
            .put_setting(SettingKey::SetupCodeHash, &"abc", store::now())
            .await
            .unwrap();
    }
    let value: Option<String> = db
        .acquire()
        .await
        .unwrap()
        .conn()
        .setting(SettingKey::SetupCodeHash)
        .await
        .unwrap();
    assert_eq!(value, None);
}

/// Every pooled SQLite connection has the query-planner stability guarantee on, so
/// cached statements with bound `LIMIT`s are not re-prepared on each execution.
#[tokio::test]
async fn sqlite_connections_keep_stable_query_plans() {
    use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK, sqlite3_db_config};
    use std::os::raw::c_int;

    let (_test_db, db) = migrated(Backend::Sqlite).await.unwrap();
    let Db::Sqlite(pool, _) = &db else {
        unreachable!("a SQLite test database")
    };
    // Check several connections, not just the first one the pool made.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut conn = pool.acquire().await.unwrap();
        let mut handle = conn.lock_handle().await.unwrap();
        let mut state: c_int = -1;
        // SAFETY: the connection is open and locked by `handle`; -1 only reads the state.
        let rc = unsafe {
            sqlite3_db_config(
                handle.as_raw_handle().as_ptr(),
                SQLITE_DBCONFIG_ENABLE_QPSG,
                -1 as c_int,
                &mut state as *mut c_int,
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(state, 1, "QPSG is off on a pooled connection");
        drop(handle);
        held.push(conn);
    }
}

/// PostgreSQL keeps one generic plan for the history page clients ask for, instead
/// of planning the statement afresh on every request (as it does when the LIMIT is
/// a parameter: that doubled the database's CPU per older-history request).
#[tokio::test]
async fn postgres_plans_the_usual_history_page_once() {
    let Some((_test_db, db)) = migrated(Backend::Postgres).await else {
        return;
    };
    // A channel's history as the planner sees it after use: thousands of rows.
    let channel = uuid::Uuid::now_v7();
    let Db::Postgres(pool, _) = &db else {
        unreachable!("a PostgreSQL test database")
    };
    let mut tx = pool.begin().await.unwrap();
    // Rows without their channel and authors: foreign keys are not checked here.
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO messages (id, channel_id, content, mentions, created_at) \
         SELECT gen_random_uuid(), $1, 'message ' || i, '[]', now() FROM generate_series(1, 5000) i",
    )
    .bind(channel)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE messages").execute(pool).await.unwrap();

    let plans = |limit: i64, ending: &'static str| {
        let db = db.clone();
        async move {
            let mut pooled = db.acquire().await.unwrap();
            for _ in 0..10 {
                pooled
                    .conn()
                    .messages_page(
                        channel,
                        Some(uuid::Uuid::now_v7()),
                        store::Page::Latest,
                        limit,
                    )
                    .await
                    .unwrap();
            }
            let store::PooledConn::Postgres(conn) = &mut pooled else {
                unreachable!("a PostgreSQL test database")
            };
            let counts: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements \
                 WHERE statement LIKE '%ORDER BY m.id DESC ' || $1",
            )
            .bind(ending)
            .fetch_all(&mut **conn)
            .await
            .unwrap();
            assert_eq!(counts.len(), 1, "one page statement: {counts:?}");
            counts[0]
        }
    };
    let (generic, custom) = plans(50, "LIMIT 50").await;
    assert!(
        generic >= 5 && custom <= 5,
        "the usual page is planned {custom} times out of 10 (generic plans: {generic})"
    );
    // Any other size still works, from its own statement.
    let (generic, custom) = plans(7, "LIMIT $3").await;
    eprintln!("a page of 7: {generic} generic and {custom} custom plans");
    assert_eq!(generic + custom, 10);
}

/// SQLite's memory statistics are off, so its allocations take no process-wide
/// lock: with them on, the counter of memory in use grows with every connection.
#[tokio::test]
async fn sqlite_allocates_without_a_global_lock() {
    let (_test_db, db) = migrated(Backend::Sqlite).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    conn.conn().ping().await.unwrap();
    // SAFETY: a read of a process-wide counter.
    let used = unsafe { libsqlite3_sys::sqlite3_memory_used() };
    assert_eq!(
        used, 0,
        "SQLite counts its memory ({used} bytes), under a global mutex"
    );
}
