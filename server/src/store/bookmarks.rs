//! Bookmarks: a user's saved messages with notes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Bookmark {
    pub user_id: Uuid,
    pub message_id: Uuid,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Conn<'_> {
    pub async fn upsert_bookmark(&mut self, b: &Bookmark) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO bookmarks (user_id, message_id, note, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, message_id) DO UPDATE SET note = $3",
            )
            .bind(b.user_id)
            .bind(b.message_id)
            .bind(&b.note)
            .bind(b.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn delete_bookmark(&mut self, user_id: Uuid, message_id: Uuid) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM bookmarks WHERE user_id = $1 AND message_id = $2")
                .bind(user_id)
                .bind(message_id)
                .execute(e)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }

    /// Up to `limit` of a user's bookmarks, newest first, older than `before` (the
    /// creation time and message ID of the last one already listed).
    pub async fn bookmarks_of_user(
        &mut self,
        user_id: Uuid,
        before: Option<(DateTime<Utc>, Uuid)>,
        limit: i64,
    ) -> StoreResult<Vec<Bookmark>> {
        // Always-bound cursor values (the year 9999 when there is none), so that one
        // query plan serves every page. Not `MAX_UTC`: SQLite compares times as text,
        // and its six-digit year with a sign sorts before every real time.
        let end_of_time = DateTime::<Utc>::from_timestamp(253_402_300_799, 0).unwrap_or_default();
        let (time, id) = before.unwrap_or((end_of_time, Uuid::max()));
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT user_id, message_id, note, created_at FROM bookmarks WHERE user_id = $1 \
                 AND (created_at < $2 OR (created_at = $2 AND message_id < $3)) \
                 ORDER BY created_at DESC, message_id DESC LIMIT $4",
            )
            .bind(user_id)
            .bind(time)
            .bind(id)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }
}
