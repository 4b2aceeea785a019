//! Reactions and pins.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

static REACTION_ROWS_READ: AtomicU64 = AtomicU64::new(0);
static REACTION_QUERIES: AtomicU64 = AtomicU64::new(0);

/// Reaction rows this process has read to build message views: a cost metric
/// (tests check that a page or a search reads the reactions it shows, not more).
pub fn reaction_rows_read() -> u64 {
    REACTION_ROWS_READ.load(Ordering::Relaxed)
}

/// Queries for the reactions of a range of messages this process has run: pages
/// whose messages were never reacted to run none.
pub fn reaction_queries() -> u64 {
    REACTION_QUERIES.load(Ordering::Relaxed)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Reaction {
    pub message_id: Uuid,
    pub user_id: Uuid,
    pub emoji: String,
}

impl Conn<'_> {
    /// Adds a reaction; false when the user had already reacted so.
    pub async fn add_reaction(
        &mut self,
        message_id: Uuid,
        channel_id: Uuid,
        user_id: Uuid,
        emoji: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        // Marked first: a page read in between queries reactions and finds none,
        // where the other order could leave a stored reaction unread.
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE messages SET ever_reacted = TRUE WHERE id = $1 AND NOT ever_reacted",
            )
            .bind(message_id)
            .execute(e)
            .await?
            .rows_affected()
        });
        let inserted = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO reactions (message_id, user_id, channel_id, emoji, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (message_id, user_id, emoji) DO NOTHING",
            )
            .bind(message_id)
            .bind(user_id)
            .bind(channel_id)
            .bind(emoji)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    pub async fn remove_reaction(
        &mut self,
        message_id: Uuid,
        user_id: Uuid,
        emoji: &str,
    ) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query(
                "DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3",
            )
            .bind(message_id)
            .bind(user_id)
            .bind(emoji)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(deleted == 1)
    }

    pub async fn count_distinct_emoji(&mut self, message_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as("SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = $1")
                .bind(message_id)
                .fetch_one(e)
                .await?
        });
        Ok(count)
    }

    /// The reactions of every message of a channel with IDs in `from..=to` (one page),
    /// in the order they were added.
    pub async fn reactions_in_range(
        &mut self,
        channel_id: Uuid,
        from: Uuid,
        to: Uuid,
    ) -> StoreResult<Vec<Reaction>> {
        let rows: Vec<Reaction> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT message_id, user_id, emoji FROM reactions \
                 WHERE channel_id = $1 AND message_id >= $2 AND message_id <= $3 ORDER BY created_at, user_id",
            )
            .bind(channel_id)
            .bind(from)
            .bind(to)
            .fetch_all(e)
            .await?
        });
        REACTION_QUERIES.fetch_add(1, Ordering::Relaxed);
        REACTION_ROWS_READ.fetch_add(rows.len() as u64, Ordering::Relaxed);
        Ok(rows)
    }

    pub async fn pin(
        &mut self,
        message_id: Uuid,
        channel_id: Uuid,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let inserted = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO pins (message_id, channel_id, pinned_by, pinned_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (message_id) DO NOTHING",
            )
            .bind(message_id)
            .bind(channel_id)
            .bind(by)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    pub async fn unpin(&mut self, message_id: Uuid) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM pins WHERE message_id = $1")
                .bind(message_id)
                .execute(e)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }

    pub async fn count_pins(&mut self, channel_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as("SELECT COUNT(*) FROM pins WHERE channel_id = $1")
                .bind(channel_id)
                .fetch_one(e)
                .await?
        });
        Ok(count)
    }

    /// IDs of a channel's pinned messages, most recently pinned first.
    pub async fn pinned_ids(&mut self, channel_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT message_id FROM pins WHERE channel_id = $1 ORDER BY pinned_at DESC, message_id")
                .bind(channel_id)
                .fetch_all(e)
                .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
