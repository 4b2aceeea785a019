//! The outbox of email: rows written with the change that causes them, sent later.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEmail {
    pub id: Uuid,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub body_text: String,
    pub calendar: Option<String>,
    pub calendar_method: Option<String>,
    pub meeting_id: Option<Uuid>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

macro_rules! select_outbox {
    ($rest:literal) => {
        concat!(
            "SELECT o.id, o.recipient, o.recipient_name, o.subject, o.body_text, o.calendar, o.calendar_method, \
             o.meeting_id, o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.sent_at \
             FROM email_outbox o ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_outbox_email(&mut self, m: &OutboxEmail) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO email_outbox (id, recipient, recipient_name, subject, body_text, calendar, \
                 calendar_method, meeting_id, status, attempts, next_attempt_at, last_error, created_at, sent_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(m.id)
            .bind(&m.recipient)
            .bind(&m.recipient_name)
            .bind(&m.subject)
            .bind(&m.body_text)
            .bind(&m.calendar)
            .bind(&m.calendar_method)
            .bind(m.meeting_id)
            .bind(&m.status)
            .bind(m.attempts)
            .bind(m.next_attempt_at)
            .bind(&m.last_error)
            .bind(m.created_at)
            .bind(m.sent_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Pending mail that is due, oldest first, and only the oldest pending one of
    /// each recipient: a later invite never overtakes an earlier one.
    pub async fn due_outbox(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<OutboxEmail>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_outbox!(
                "WHERE o.status = 'pending' AND o.next_attempt_at <= $1 AND NOT EXISTS ( \
                 SELECT 1 FROM email_outbox p WHERE p.recipient = o.recipient AND p.status = 'pending' \
                 AND p.id < o.id) ORDER BY o.id LIMIT $2"
            ))
            .bind(now)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// When the next pending mail is due.
    pub async fn next_outbox_attempt(&mut self) -> StoreResult<Option<DateTime<Utc>>> {
        let row: Option<(DateTime<Utc>,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT next_attempt_at FROM email_outbox WHERE status = 'pending' \
                 ORDER BY next_attempt_at LIMIT 1",
            )
            .fetch_optional(e)
            .await?
        });
        Ok(row.map(|(at,)| at))
    }

    pub async fn mark_outbox_sent(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE email_outbox SET status = 'sent', attempts = attempts + 1, sent_at = $2, \
                 last_error = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Records a failed attempt: tried again at `retry_at`, or given up (`None`).
    pub async fn mark_outbox_attempt_failed(
        &mut self,
        id: Uuid,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE email_outbox SET attempts = attempts + 1, last_error = $2, \
                 status = CASE WHEN $3 IS NULL THEN 'failed' ELSE 'pending' END, \
                 next_attempt_at = COALESCE($3, $4) WHERE id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(retry_at)
            .bind(now)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Puts unsent mail back in line to go at once; false when there is none.
    pub async fn retry_outbox_email(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        let changed = db_run!(self, |e| {
            sqlx::query(
                "UPDATE email_outbox SET status = 'pending', next_attempt_at = $2 \
                 WHERE id = $1 AND status <> 'sent'",
            )
            .bind(id)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    pub async fn outbox_email(&mut self, id: Uuid) -> StoreResult<Option<OutboxEmail>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_outbox!("WHERE o.id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    /// The newest mail, optionally in one state.
    pub async fn outbox_page(
        &mut self,
        status: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<OutboxEmail>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_outbox!(
                "WHERE ($1 IS NULL OR o.status = $1) ORDER BY o.id DESC LIMIT $2"
            ))
            .bind(status)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// How much mail waits and how much was given up: (pending, failed).
    pub async fn outbox_counts(&mut self) -> StoreResult<(i64, i64)> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT) \
                 FROM email_outbox",
            )
            .fetch_one(e)
            .await?
        }))
    }
}
