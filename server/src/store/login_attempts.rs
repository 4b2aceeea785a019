//! Attempt counters per lockout key (an account's username, or the name tried when
//! no account has it). Every change is one statement, so parallel attempts are all
//! counted.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult, db_run};

/// A counter after an attempt was claimed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginAttempts {
    /// Attempts counted in the current window, this one included.
    pub failures: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The rule a claim applies, in absolute times.
#[derive(Debug, Clone, Copy)]
pub struct AttemptRule {
    pub now: DateTime<Utc>,
    /// Counters whose first attempt is older than this start over.
    pub window_start: DateTime<Utc>,
    pub max_attempts: i32,
    /// When a lock started by this attempt ends.
    pub lock_until: DateTime<Utc>,
}

impl Conn<'_> {
    /// Counts one attempt at `key` and returns the counter. A counter whose window
    /// or lock has passed starts over; a live lock stays as it is (attempts made
    /// while locked are counted but never shorten or reset it); the attempt that
    /// reaches `max_attempts` starts the lock.
    pub async fn claim_login_attempt(
        &mut self,
        key: &str,
        rule: &AttemptRule,
    ) -> StoreResult<LoginAttempts> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "INSERT INTO login_attempts AS a (username_key, failures, first_failure_at, locked_until) \
                 VALUES ($1, 1, $2, CASE WHEN 1 >= $4 THEN $5 ELSE NULL END) \
                 ON CONFLICT (username_key) DO UPDATE SET \
                   failures = CASE \
                     WHEN (a.locked_until IS NOT NULL AND a.locked_until <= $2) \
                       OR (a.locked_until IS NULL AND a.first_failure_at <= $3) THEN 1 \
                     ELSE a.failures + 1 END, \
                   first_failure_at = CASE \
                     WHEN (a.locked_until IS NOT NULL AND a.locked_until <= $2) \
                       OR (a.locked_until IS NULL AND a.first_failure_at <= $3) THEN $2 \
                     ELSE a.first_failure_at END, \
                   locked_until = CASE \
                     WHEN a.locked_until IS NOT NULL AND a.locked_until > $2 THEN a.locked_until \
                     WHEN (a.locked_until IS NOT NULL AND a.locked_until <= $2) \
                       OR (a.locked_until IS NULL AND a.first_failure_at <= $3) \
                       THEN CASE WHEN 1 >= $4 THEN $5 ELSE NULL END \
                     WHEN a.failures + 1 >= $4 THEN $5 \
                     ELSE NULL END \
                 RETURNING failures, locked_until",
            )
            .bind(key)
            .bind(rule.now)
            .bind(rule.window_start)
            .bind(rule.max_attempts)
            .bind(rule.lock_until)
            .fetch_one(e)
            .await?
        }))
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
