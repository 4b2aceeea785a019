//! The store on both backends: both migration sets apply and describe the same
//! tables and columns, and values round-trip identically (UUIDs, times, JSON).

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

async fn columns(db: &Db) -> BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> = match db {
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Sqlite(pool, _) => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite_%'",
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
    assert!(sqlite_columns.contains(&("users".into(), "username_key".into())));
    let Some((_pg_db, pg)) = migrated(Backend::Postgres).await else {
        return;
    };
    // Full-text search is per backend (DESIGN.md): PostgreSQL keeps a generated
    // tsvector column, SQLite an FTS5 virtual table and its shadow tables.
    let pg_columns: BTreeSet<_> = columns(&pg)
        .await
        .into_iter()
        .filter(|(t, c)| !(t == "messages" && c == "search_vector"))
        .collect();
    let sqlite_columns: BTreeSet<_> = sqlite_columns
        .into_iter()
        .filter(|(t, _)| !t.starts_with("messages_fts"))
        .collect();
    let only_sqlite: Vec<_> = sqlite_columns.difference(&pg_columns).collect();
    let only_pg: Vec<_> = pg_columns.difference(&sqlite_columns).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_pg:?}"
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
