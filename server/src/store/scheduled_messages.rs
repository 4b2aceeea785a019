//! Messages scheduled for later delivery.

use chrono::{DateTime, Utc};
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
}
