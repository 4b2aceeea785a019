//! Web push: subscriptions, the messages whose notifications are still to be worked
//! out, and the queue of pushes to send.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PushSubscription {
    pub id: Uuid,
    pub user_id: Uuid,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_success_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationJob {
    pub id: Uuid,
    pub message_id: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedPush {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub payload: String,
    /// `very-low`, `low`, `normal` or `high` (RFC 8030).
    pub urgency: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A queued push with where it goes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DuePush {
    #[sqlx(flatten)]
    pub push: QueuedPush,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

pub(super) const INSERT_NOTIFICATION_JOB_SQL: &str =
    "INSERT INTO notification_jobs (id, message_id, created_at) VALUES ($1, $2, $3)";

impl Conn<'_> {
    /// Saves a subscription; an endpoint seen before (the same browser subscribing
    /// again, perhaps for someone else now) is replaced.
    pub async fn save_push_subscription(&mut self, s: &PushSubscription) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1")
                .bind(&s.endpoint)
                .execute(&mut *e)
                .await?;
            sqlx::query(
                "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, user_agent, \
                 created_at, last_success_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(s.id)
            .bind(s.user_id)
            .bind(&s.endpoint)
            .bind(&s.p256dh)
            .bind(&s.auth)
            .bind(&s.user_agent)
            .bind(s.created_at)
            .bind(s.last_success_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn push_subscriptions_of(
        &mut self,
        user_id: Uuid,
    ) -> StoreResult<Vec<PushSubscription>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT * FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at, id",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Removes one of the user's subscriptions, by ID or by endpoint; true if found.
    pub async fn delete_push_subscription(
        &mut self,
        user_id: Uuid,
        id: Option<Uuid>,
        endpoint: Option<&str>,
    ) -> StoreResult<bool> {
        let done = db_run!(self, |e| {
            sqlx::query(
                "DELETE FROM push_subscriptions WHERE user_id = $1 AND (id = $2 OR endpoint = $3)",
            )
            .bind(user_id)
            .bind(id)
            .bind(endpoint)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// A subscription the push service says is gone (its queued pushes go with it).
    pub async fn forget_push_subscription(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    pub async fn insert_notification_job(&mut self, job: &NotificationJob) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(INSERT_NOTIFICATION_JOB_SQL)
                .bind(job.id)
                .bind(job.message_id)
                .bind(job.created_at)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    /// The oldest jobs.
    pub async fn notification_jobs(&mut self, limit: i64) -> StoreResult<Vec<NotificationJob>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as("SELECT * FROM notification_jobs ORDER BY created_at, id LIMIT $1")
                .bind(limit)
                .fetch_all(e)
                .await?
        }))
    }

    pub async fn delete_notification_job(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM notification_jobs WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    pub async fn insert_push(&mut self, p: &QueuedPush) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO push_queue (id, subscription_id, payload, urgency, attempts, \
                 next_attempt_at, expires_at, last_error, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(p.id)
            .bind(p.subscription_id)
            .bind(&p.payload)
            .bind(&p.urgency)
            .bind(p.attempts)
            .bind(p.next_attempt_at)
            .bind(p.expires_at)
            .bind(&p.last_error)
            .bind(p.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Pushes due now, oldest first.
    pub async fn due_pushes(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<DuePush>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT q.*, s.endpoint, s.p256dh, s.auth FROM push_queue q \
                 JOIN push_subscriptions s ON s.id = q.subscription_id \
                 WHERE q.next_attempt_at <= $1 ORDER BY q.next_attempt_at, q.id LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// When the next queued push is due.
    pub async fn next_push_attempt(&mut self) -> StoreResult<Option<DateTime<Utc>>> {
        Ok(db_run!(self, |e| {
            sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM push_queue")
                .fetch_one(e)
                .await?
        }))
    }

    /// A push the service took: it leaves the queue.
    pub async fn push_delivered(
        &mut self,
        push_id: Uuid,
        subscription_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM push_queue WHERE id = $1")
                .bind(push_id)
                .execute(&mut *e)
                .await?;
            sqlx::query("UPDATE push_subscriptions SET last_success_at = $2 WHERE id = $1")
                .bind(subscription_id)
                .bind(now)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    /// A failed attempt: tried again at `retry_at`, or dropped when `None`.
    pub async fn push_attempt_failed(
        &mut self,
        push_id: Uuid,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            match retry_at {
                Some(at) => {
                    sqlx::query(
                        "UPDATE push_queue SET attempts = attempts + 1, next_attempt_at = $2, \
                         last_error = $3 WHERE id = $1",
                    )
                    .bind(push_id)
                    .bind(at)
                    .bind(error)
                    .execute(e)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM push_queue WHERE id = $1")
                        .bind(push_id)
                        .execute(e)
                        .await?;
                }
            }
        });
        Ok(())
    }

    /// The payloads waiting in the queue (for tests and diagnostics).
    pub async fn queued_push_payloads(&mut self) -> StoreResult<Vec<String>> {
        Ok(db_run!(self, |e| {
            sqlx::query_scalar("SELECT payload FROM push_queue ORDER BY next_attempt_at, id")
                .fetch_all(e)
                .await?
        }))
    }
}
