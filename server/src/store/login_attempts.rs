//! Failed-login counters per normalised username (existing or not).

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginAttempts {
    pub username_key: String,
    pub failures: i32,
    pub first_failure_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Conn<'_> {
    pub async fn login_attempts(
        &mut self,
        username_key: &str,
    ) -> StoreResult<Option<LoginAttempts>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT username_key, failures, first_failure_at, locked_until \
                 FROM login_attempts WHERE username_key = $1",
            )
            .bind(username_key)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn save_login_attempts(&mut self, attempts: &LoginAttempts) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO login_attempts (username_key, failures, first_failure_at, locked_until) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (username_key) DO UPDATE SET failures = $2, \
                 first_failure_at = $3, locked_until = $4",
            )
            .bind(&attempts.username_key)
            .bind(attempts.failures)
            .bind(attempts.first_failure_at)
            .bind(attempts.locked_until)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn clear_login_attempts(&mut self, username_key: &str) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM login_attempts WHERE username_key = $1")
                .bind(username_key)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    /// Drops counters whose window and lock have both passed.
    pub async fn prune_login_attempts(
        &mut self,
        window_start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        Ok(db_run!(self, |e| {
            sqlx::query(
                "DELETE FROM login_attempts WHERE first_failure_at < $1 \
                 AND (locked_until IS NULL OR locked_until < $2)",
            )
            .bind(window_start)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        }))
    }
}
