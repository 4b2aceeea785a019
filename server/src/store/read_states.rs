//! How far each user has read each channel, and unread/mention counts.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnreadState {
    pub channel_id: Uuid,
    /// The channel's community and group; `None` for direct messages.
    pub community_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub last_read_id: Option<Uuid>,
    pub last_message_id: Option<Uuid>,
    /// Capped at 1000 (clients show "999+").
    pub unread_count: i64,
    pub mention_count: i64,
}

/// Marks a channel read up to a message, never backwards.
pub(super) const MARK_READ_SQL: &str = "INSERT INTO read_states (user_id, channel_id, last_read_id, updated_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, channel_id) DO UPDATE SET \
     last_read_id = CASE WHEN read_states.last_read_id < $3 THEN $3 ELSE read_states.last_read_id END, \
     updated_at = $4";

impl Conn<'_> {
    /// Moves the read cursor forward (never back).
    pub async fn mark_read(
        &mut self,
        user_id: Uuid,
        channel_id: Uuid,
        message_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(MARK_READ_SQL)
                .bind(user_id)
                .bind(channel_id)
                .bind(message_id)
                .bind(now)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    /// The channel's newest top-level message at or before `message_id` (ids are
    /// time-ordered), deleted or not.
    pub async fn latest_message_through(
        &mut self,
        channel_id: Uuid,
        message_id: Uuid,
    ) -> StoreResult<Option<Uuid>> {
        Ok(db_run!(self, |e| {
            sqlx::query_scalar(
                "SELECT id FROM messages WHERE channel_id = $1 AND thread_id IS NULL AND id <= $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(channel_id)
            .bind(message_id)
            .fetch_optional(e)
            .await?
        }))
    }

    /// Unread and mention counts of every channel the user may read.
    pub async fn unread_states(&mut self, user_id: Uuid) -> StoreResult<Vec<UnreadState>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "WITH readable AS ( \
                   SELECT ch.id, ch.community_id, ch.group_id FROM channels ch \
                   JOIN community_members cm ON cm.community_id = ch.community_id AND cm.user_id = $1 \
                   LEFT JOIN group_members gm ON gm.group_id = ch.group_id AND gm.user_id = $1 \
                   WHERE ch.kind = 'text' AND (gm.user_id IS NOT NULL OR cm.role IN ('owner', 'admin', 'moderator')) \
                   UNION SELECT channel_id, NULL, NULL FROM dm_members WHERE user_id = $1 \
                 ) \
                 SELECT r.id AS channel_id, r.community_id, r.group_id, rs.last_read_id, \
                   (SELECT m.id FROM messages m WHERE m.channel_id = r.id AND m.thread_id IS NULL \
                    AND m.deleted_at IS NULL ORDER BY m.id DESC LIMIT 1) AS last_message_id, \
                   (SELECT COUNT(*) FROM (SELECT 1 FROM messages m WHERE m.channel_id = r.id AND m.thread_id IS NULL \
                    AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id <> $1) \
                    AND (rs.last_read_id IS NULL OR m.id > rs.last_read_id) LIMIT 1000) capped) AS unread_count, \
                   (SELECT COUNT(*) FROM (SELECT 1 FROM messages m WHERE m.channel_id = r.id \
                    AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id <> $1) \
                    AND (rs.last_read_id IS NULL OR m.id > rs.last_read_id) \
                    AND ((m.mentions_everyone AND NOT EXISTS (SELECT 1 FROM notification_overrides o \
                         WHERE o.user_id = $1 AND o.suppress_everyone \
                         AND (o.channel_id = r.id OR o.community_id = r.community_id))) \
                      OR EXISTS (SELECT 1 FROM message_mentions mm \
                         WHERE mm.message_id = m.id AND mm.user_id = $1)) LIMIT 1000) capped) AS mention_count \
                 FROM readable r LEFT JOIN read_states rs ON rs.channel_id = r.id AND rs.user_id = $1 \
                 ORDER BY r.id",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Marks every readable channel read up to its latest message; returns the
    /// (channel, message) cursors set.
    pub async fn mark_all_read(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Uuid, Uuid)>> {
        let states = self.unread_states(user_id).await?;
        let mut moved = Vec::new();
        for state in states {
            if let Some(last) = state.last_message_id
                && state.last_read_id.is_none_or(|read| read < last)
            {
                self.mark_read(user_id, state.channel_id, last, now).await?;
                moved.push((state.channel_id, last));
            }
        }
        Ok(moved)
    }
}
