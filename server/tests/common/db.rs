//! One fresh database per test: a SQLite file in a temporary folder, or a
//! PostgreSQL database created on `TEST_DATABASE_URL` and dropped afterwards.

use chatalot_server::store::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    /// A pool for the test's own queries, opened on first use.
    pool: tokio::sync::OnceCell<Db>,
    /// Keeps the SQLite folder alive.
    _dir: Option<tempfile::TempDir>,
    /// (server URL, database name) to drop, for PostgreSQL.
    pg: Option<(String, String)>,
}

/// The PostgreSQL server for tests, or `None` to skip (never under `CI=true`).
pub fn postgres_server_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(url) => Some(url),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI")
        }
        None => {
            eprintln!(
                "SKIPPED: PostgreSQL test (set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)"
            );
            None
        }
    }
}

fn with_database(server_url: &str, name: &str) -> String {
    let mut url = url::Url::parse(server_url).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

impl TestDb {
    pub async fn create(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(TestDb {
                    backend,
                    url,
                    pool: Default::default(),
                    _dir: Some(dir),
                    pg: None,
                })
            }
            Backend::Postgres => {
                let server = postgres_server_url()?;
                let name = format!("chatalot_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Db::connect(&server)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                let Db::Postgres(pool, _) = &admin else {
                    panic!("TEST_DATABASE_URL must be postgres://")
                };
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(pool)
                    .await
                    .expect("create test database");
                // Test data need not survive a crash: skip the fsync at every commit.
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "ALTER DATABASE {name} SET synchronous_commit = off"
                )))
                .execute(pool)
                .await
                .expect("relax durability of the test database");
                admin.close().await;
                Some(TestDb {
                    backend,
                    url: with_database(&server, &name),
                    pool: Default::default(),
                    _dir: None,
                    pg: Some((server, name)),
                })
            }
        }
    }

    /// A separate connection for a test to inspect or adjust rows.
    pub async fn connect(&self) -> Db {
        Db::connect(&self.url)
            .await
            .expect("connect to the test database")
    }
}

/// How long dropping a test database may take.
const DROP_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, name)) = self.pg.take() else {
            return;
        };
        // Drop may run inside or outside a runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                // Bounded: a drop that cannot finish leaves a database behind
                // rather than a test that never ends.
                let drop_database = async {
                    if let Ok(Db::Postgres(pool, _)) = Db::connect(&server).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await {
                            eprintln!("test database {name} not dropped: {e}");
                        }
                        pool.close().await;
                    }
                };
                if tokio::time::timeout(DROP_DEADLINE, drop_database)
                    .await
                    .is_err()
                {
                    eprintln!("test database {name} not dropped within {DROP_DEADLINE:?}");
                }
            });
        })
        .join();
    }
}

/// Runs one statement with binds on either backend of a [`Db`] (for test set-up).
#[macro_export]
macro_rules! db_exec {
    ($db:expr, $sql:literal $(, $bind:expr)* $(,)?) => {{
        let affected = match &$db {
            chatalot_server::store::Db::Postgres(pool, _) => {
                sqlx::query($sql)$(.bind($bind))*.execute(pool).await.expect($sql).rows_affected()
            }
            chatalot_server::store::Db::Sqlite(pool, _) => {
                sqlx::query($sql)$(.bind($bind))*.execute(pool).await.expect($sql).rows_affected()
            }
        };
        // A write past the store, which the server's kept sessions and channel
        // access would not hear of otherwise (the server runs in this process).
        chatalot_server::store::access_changed();
        affected
    }};
}

impl TestDb {
    /// Runs a `SELECT COUNT(*) …` with UUID binds on either backend.
    pub async fn count(&self, sql: &'static str, binds: &[uuid::Uuid]) -> i64 {
        let db = self.connect().await;
        let count = match &db {
            Db::Postgres(pool, _) => {
                let mut query = sqlx::query_as::<_, (i64,)>(sql);
                for b in binds {
                    query = query.bind(*b);
                }
                query.fetch_one(pool).await
            }
            Db::Sqlite(pool, _) => {
                let mut query = sqlx::query_as::<_, (i64,)>(sql);
                for b in binds {
                    query = query.bind(*b);
                }
                query.fetch_one(pool).await
            }
        };
        count.unwrap_or_else(|e| panic!("{sql}: {e}")).0
    }
}
