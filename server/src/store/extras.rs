//! Scheduled messages, bookmarks and polls.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScheduledMessage {
    pub id: Uuid,
    pub user_id: Uuid,
    pub channel_id: Uuid,
    pub content: String,
    pub send_at: DateTime<Utc>,
    pub failed_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Bookmark {
    pub user_id: Uuid,
    pub message_id: Uuid,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Poll {
    pub id: Uuid,
    pub message_id: Uuid,
    pub question: String,
    pub options: Json<Vec<String>>,
    pub multi_select: bool,
    pub anonymous: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PollVote {
    pub user_id: Uuid,
    pub option_index: i32,
}

impl Conn<'_> {
    pub async fn insert_scheduled(&mut self, m: &ScheduledMessage) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO scheduled_messages (id, user_id, channel_id, content, send_at, failed_reason, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(m.id)
            .bind(m.user_id)
            .bind(m.channel_id)
            .bind(&m.content)
            .bind(m.send_at)
            .bind(&m.failed_reason)
            .bind(m.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn scheduled_of_user(&mut self, user_id: Uuid) -> StoreResult<Vec<ScheduledMessage>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, user_id, channel_id, content, send_at, failed_reason, created_at FROM scheduled_messages \
                 WHERE user_id = $1 ORDER BY send_at, id",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn count_pending_scheduled(&mut self, user_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as("SELECT COUNT(*) FROM scheduled_messages WHERE user_id = $1 AND failed_reason IS NULL")
                .bind(user_id)
                .fetch_one(e)
                .await?
        });
        Ok(count)
    }

    pub async fn delete_scheduled(&mut self, user_id: Uuid, id: Uuid) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM scheduled_messages WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .execute(e)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }

    /// Pending messages due at `now`, oldest first.
    pub async fn due_scheduled(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<ScheduledMessage>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, user_id, channel_id, content, send_at, failed_reason, created_at FROM scheduled_messages \
                 WHERE send_at <= $1 AND failed_reason IS NULL ORDER BY send_at, id LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// When the next pending message is due.
    pub async fn next_scheduled_at(&mut self) -> StoreResult<Option<DateTime<Utc>>> {
        let row: Option<(DateTime<Utc>,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT send_at FROM scheduled_messages WHERE failed_reason IS NULL ORDER BY send_at LIMIT 1")
                .fetch_optional(e)
                .await?
        });
        Ok(row.map(|(at,)| at))
    }

    pub async fn fail_scheduled(&mut self, id: Uuid, reason: &str) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE scheduled_messages SET failed_reason = $2 WHERE id = $1")
                .bind(id)
                .bind(reason)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    pub async fn remove_scheduled(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM scheduled_messages WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        Ok(())
    }

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

    pub async fn insert_poll(&mut self, p: &Poll) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO polls (id, message_id, question, options, multi_select, anonymous, expires_at, closed_at, \
                 created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(p.id)
            .bind(p.message_id)
            .bind(&p.question)
            .bind(&p.options)
            .bind(p.multi_select)
            .bind(p.anonymous)
            .bind(p.expires_at)
            .bind(p.closed_at)
            .bind(p.created_by)
            .bind(p.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn poll(&mut self, id: Uuid) -> StoreResult<Option<Poll>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, message_id, question, options, multi_select, anonymous, expires_at, closed_at, created_by, \
                 created_at FROM polls WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn poll_votes(&mut self, poll_id: Uuid) -> StoreResult<Vec<PollVote>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as("SELECT user_id, option_index FROM poll_votes WHERE poll_id = $1 ORDER BY created_at, user_id")
                .bind(poll_id)
                .fetch_all(e)
                .await?
        }))
    }

    /// Replaces a user's votes in a poll.
    pub async fn set_poll_votes(
        &mut self,
        poll_id: Uuid,
        user_id: Uuid,
        options: &[i32],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM poll_votes WHERE poll_id = $1 AND user_id = $2")
                .bind(poll_id)
                .bind(user_id)
                .execute(&mut *e)
                .await?;
        });
        for option in options {
            db_run!(self, |e| {
                sqlx::query("INSERT INTO poll_votes (poll_id, user_id, option_index, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(poll_id)
                    .bind(user_id)
                    .bind(option)
                    .bind(now)
                    .execute(e)
                    .await?;
            });
        }
        Ok(())
    }

    pub async fn close_poll(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE polls SET closed_at = COALESCE(closed_at, $2) WHERE id = $1")
                .bind(id)
                .bind(now)
                .execute(e)
                .await?;
        });
        Ok(())
    }
}
