//! Polls and their votes.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

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
