//! Blocks between users (MSG-9).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

impl Conn<'_> {
    /// Whether either user blocks the other.
    pub async fn blocked_between(&mut self, a: Uuid, b: Uuid) -> StoreResult<bool> {
        let found: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT blocker_id FROM user_blocks WHERE (blocker_id = $1 AND blocked_id = $2) \
                 OR (blocker_id = $2 AND blocked_id = $1)",
            )
            .bind(a)
            .bind(b)
            .fetch_optional(e)
            .await?
        });
        Ok(found.is_some())
    }

    pub async fn block_user(
        &mut self,
        blocker: Uuid,
        blocked: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO user_blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
            )
            .bind(blocker)
            .bind(blocked)
            .bind(now)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn unblock_user(&mut self, blocker: Uuid, blocked: Uuid) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2")
                .bind(blocker)
                .bind(blocked)
                .execute(e)
                .await?
                .rows_affected()
        });
        super::access_changed();
        Ok(deleted == 1)
    }

    /// The users someone blocks.
    pub async fn blocked_by(&mut self, blocker: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT blocked_id FROM user_blocks WHERE blocker_id = $1 ORDER BY blocked_id",
            )
            .bind(blocker)
            .fetch_all(e)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// The users who block someone.
    pub async fn blockers_of(&mut self, blocked: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT blocker_id FROM user_blocks WHERE blocked_id = $1 ORDER BY blocker_id",
            )
            .bind(blocked)
            .fetch_all(e)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
