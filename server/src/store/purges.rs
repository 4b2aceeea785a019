//! Purge jobs and the batches they remove messages in.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use sqlx::{PgConnection, SqliteConnection};

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PurgeJob {
    pub id: Uuid,
    /// `message`, `user` or `channel`.
    pub kind: String,
    pub message_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub community_id: Option<Uuid>,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    pub total: i64,
    pub removed: i64,
    pub error: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What one batch took away.
#[derive(Debug, Default)]
pub struct PurgedBatch {
    /// Messages removed, with their channels.
    pub messages: Vec<(Uuid, Uuid)>,
    /// Stored files whose rows went with them.
    pub files: Vec<Uuid>,
}

macro_rules! select_purges {
    ($rest:literal) => {
        concat!(
            "SELECT id, kind, message_id, user_id, channel_id, community_id, status, total, removed, error, \
             created_by, created_at, finished_at FROM purge_jobs ",
            $rest
        )
    };
}

/// The messages a job removes, newest first (so a thread's replies go before the
/// message they answer): `$1` message, `$2` person, `$3` channel, `$4` community
/// (with `$2`), `$5` the batch size. Placeholders a purge left are done with,
/// except in a channel purge, which removes everything.
macro_rules! purge_targets {
    () => {
        "SELECT m.id, m.channel_id, m.thread_id, m.has_file FROM messages m \
         WHERE ($1 IS NULL OR m.id = $1) AND ($2 IS NULL OR m.author_id = $2) \
         AND ($3 IS NULL OR m.channel_id = $3) \
         AND ($4 IS NULL OR m.channel_id IN (SELECT id FROM channels WHERE community_id = $4)) \
         AND ($3 IS NOT NULL OR m.author_id IS NOT NULL OR m.deleted_at IS NULL) \
         ORDER BY m.id DESC LIMIT $5"
    };
}

/// Empties a thread starter into a deleted, authorless placeholder (`$2`: now).
macro_rules! placeholder {
    () => {
        "UPDATE messages SET content = '', forwarded_from = NULL, mentions = '[]', \
         mentions_everyone = FALSE, mentions_here = FALSE, has_file = FALSE, author_id = NULL, \
         reply_to_id = NULL, deleted_at = COALESCE(deleted_at, $2) "
    };
}

/// What a placeholder loses besides its text (fixed table names).
const PLACEHOLDER_CLEARS: [&str; 5] = [
    "message_edits",
    "reactions",
    "message_mentions",
    "pins",
    "polls",
];

impl Conn<'_> {
    pub async fn insert_purge_job(&mut self, j: &PurgeJob) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO purge_jobs (id, kind, message_id, user_id, channel_id, community_id, status, total, \
                 removed, error, created_by, created_at, finished_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(j.id)
            .bind(&j.kind)
            .bind(j.message_id)
            .bind(j.user_id)
            .bind(j.channel_id)
            .bind(j.community_id)
            .bind(&j.status)
            .bind(j.total)
            .bind(j.removed)
            .bind(&j.error)
            .bind(j.created_by)
            .bind(j.created_at)
            .bind(j.finished_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn purge_job(&mut self, id: Uuid) -> StoreResult<Option<PurgeJob>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_purges!("WHERE id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn purge_jobs_page(
        &mut self,
        before: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<PurgeJob>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_purges!(
                "WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2"
            ))
            .bind(before)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// The oldest job not yet finished (queued, or running when the server stopped).
    pub async fn next_purge_job(&mut self) -> StoreResult<Option<PurgeJob>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_purges!(
                "WHERE status IN ('queued', 'running') ORDER BY id LIMIT 1"
            ))
            .fetch_optional(e)
            .await?
        }))
    }

    /// How many messages a job would remove now.
    pub async fn count_purge_targets(&mut self, j: &PurgeJob) -> StoreResult<i64> {
        Ok(db_run!(self, |e| {
            sqlx::query_scalar(concat!("SELECT COUNT(*) FROM (", purge_targets!(), ") t"))
                .bind(j.message_id)
                .bind(j.user_id)
                .bind(j.channel_id)
                .bind(j.community_id)
                .bind(i64::MAX)
                .fetch_one(e)
                .await?
        }))
    }

    /// Removes the next `limit` messages of a job, with their files' rows, and counts
    /// them in the job (call inside a transaction). A thread's first message that has
    /// replies the job does not remove becomes an empty, deleted, authorless
    /// placeholder instead, so those replies stay.
    pub async fn purge_batch(
        &mut self,
        j: &PurgeJob,
        limit: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<PurgedBatch> {
        // PostgreSQL takes the batch as arrays (a few round trips per batch); SQLite,
        // in-process, goes message by message. Both follow the same rules.
        let batch = match self {
            Conn::Postgres(e) => purge_batch_postgres(e, j, limit, now).await?,
            Conn::Sqlite(e) => purge_batch_sqlite(e, j, limit, now).await?,
        };
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE purge_jobs SET status = 'running', removed = removed + $2 WHERE id = $1",
            )
            .bind(j.id)
            .bind(batch.messages.len() as i64)
            .execute(e)
            .await?;
        });
        Ok(batch)
    }

    /// Marks a job done or failed.
    pub async fn finish_purge_job(
        &mut self,
        id: Uuid,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE purge_jobs SET status = CASE WHEN $2 IS NULL THEN 'done' ELSE 'failed' END, \
                 error = $2, finished_at = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(at)
            .execute(e)
            .await?;
        });
        Ok(())
    }
}

/// The messages of a job's next batch: (id, channel, thread, has files).
type Targets = Vec<(Uuid, Uuid, Option<Uuid>, bool)>;

async fn purge_batch_sqlite(
    e: &mut SqliteConnection,
    j: &PurgeJob,
    limit: i64,
    now: DateTime<Utc>,
) -> StoreResult<PurgedBatch> {
    let mut batch = PurgedBatch::default();
    let targets: Targets = sqlx::query_as(purge_targets!())
        .bind(j.message_id)
        .bind(j.user_id)
        .bind(j.channel_id)
        .bind(j.community_id)
        .bind(limit)
        .fetch_all(&mut *e)
        .await?;
    let mut threads = Vec::new();
    for (id, channel_id, thread, has_file) in targets {
        batch.messages.push((id, channel_id));
        threads.extend(thread);
        // Files are attached when a message is sent, which marks it.
        if has_file {
            let files: Vec<Uuid> =
                sqlx::query_scalar("DELETE FROM files WHERE message_id = $1 RETURNING id")
                    .bind(id)
                    .fetch_all(&mut *e)
                    .await?;
            batch.files.extend(files);
            super::access_changed();
        }
        // Replies the job removes are newer, so already gone: any left belong to others.
        let kept_replies: i64 = if j.kind == "channel" {
            0
        } else {
            sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE thread_id = $1")
                .bind(id)
                .fetch_one(&mut *e)
                .await?
        };
        if kept_replies > 0 {
            sqlx::query(concat!(placeholder!(), "WHERE id = $1"))
                .bind(id)
                .bind(now)
                .execute(&mut *e)
                .await?;
            for table in PLACEHOLDER_CLEARS {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE message_id = $1"
                )))
                .bind(id)
                .execute(&mut *e)
                .await?;
            }
        } else {
            sqlx::query("DELETE FROM messages WHERE id = $1")
                .bind(id)
                .execute(&mut *e)
                .await?;
        }
    }
    // Threads that lost replies (and were not removed) count what is left.
    threads.sort_unstable();
    threads.dedup();
    for thread in threads {
        sqlx::query(
            "UPDATE messages SET thread_reply_count = \
             (SELECT COUNT(*) FROM messages r WHERE r.thread_id = $1) WHERE id = $1",
        )
        .bind(thread)
        .execute(&mut *e)
        .await?;
    }
    Ok(batch)
}

async fn purge_batch_postgres(
    e: &mut PgConnection,
    j: &PurgeJob,
    limit: i64,
    now: DateTime<Utc>,
) -> StoreResult<PurgedBatch> {
    let targets: Targets = sqlx::query_as(purge_targets!())
        .bind(j.message_id)
        .bind(j.user_id)
        .bind(j.channel_id)
        .bind(j.community_id)
        .bind(limit)
        .fetch_all(&mut *e)
        .await?;
    let ids: Vec<Uuid> = targets.iter().map(|t| t.0).collect();
    let with_files: Vec<Uuid> = targets.iter().filter(|t| t.3).map(|t| t.0).collect();
    let mut threads: Vec<Uuid> = targets.iter().filter_map(|t| t.2).collect();
    threads.sort_unstable();
    threads.dedup();
    let mut batch = PurgedBatch {
        messages: targets.iter().map(|t| (t.0, t.1)).collect(),
        files: Vec::new(),
    };
    if !with_files.is_empty() {
        batch.files =
            sqlx::query_scalar("DELETE FROM files WHERE message_id = ANY($1) RETURNING id")
                .bind(&with_files)
                .fetch_all(&mut *e)
                .await?;
        super::access_changed();
    }
    // Thread starters in the batch with replies outside it stay as placeholders.
    let kept: Vec<Uuid> = if j.kind == "channel" {
        Vec::new()
    } else {
        sqlx::query_scalar(
            "SELECT DISTINCT r.thread_id FROM messages r \
             WHERE r.thread_id = ANY($1) AND NOT (r.id = ANY($1))",
        )
        .bind(&ids)
        .fetch_all(&mut *e)
        .await?
    };
    if !kept.is_empty() {
        sqlx::query(concat!(placeholder!(), "WHERE id = ANY($1)"))
            .bind(&kept)
            .bind(now)
            .execute(&mut *e)
            .await?;
        for table in PLACEHOLDER_CLEARS {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE message_id = ANY($1)"
            )))
            .bind(&kept)
            .execute(&mut *e)
            .await?;
        }
    }
    sqlx::query("DELETE FROM messages WHERE id = ANY($1) AND NOT (id = ANY($2))")
        .bind(&ids)
        .bind(&kept)
        .execute(&mut *e)
        .await?;
    if !threads.is_empty() {
        sqlx::query(
            "UPDATE messages m SET thread_reply_count = \
             (SELECT COUNT(*) FROM messages r WHERE r.thread_id = m.id) WHERE m.id = ANY($1)",
        )
        .bind(&threads)
        .execute(&mut *e)
        .await?;
    }
    Ok(batch)
}
