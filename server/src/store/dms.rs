//! Direct-message channels and their members.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Channel, Conn, StoreResult, db_run};

/// A member of a DM channel with account names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DmMember {
    pub channel_id: Uuid,
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub avatar_file_id: Option<Uuid>,
    pub bot: bool,
}

impl Conn<'_> {
    pub async fn is_dm_member(&mut self, channel_id: Uuid, user_id: Uuid) -> StoreResult<bool> {
        let found: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT user_id FROM dm_members WHERE channel_id = $1 AND user_id = $2")
                .bind(channel_id)
                .bind(user_id)
                .fetch_optional(e)
                .await?
        });
        Ok(found.is_some())
    }

    pub async fn add_dm_member(
        &mut self,
        channel_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO dm_members (channel_id, user_id, joined_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (channel_id, user_id) DO NOTHING",
            )
            .bind(channel_id)
            .bind(user_id)
            .bind(now)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn dm_channel_by_key(&mut self, key: &str) -> StoreResult<Option<Channel>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, group_id, community_id, name, kind, dm_key, topic, position, slow_mode_secs, read_only, \
                 archived, link_previews, created_at, updated_at, post_role, react_role, thread_role, \
                 mention_everyone_role FROM channels WHERE dm_key = $1",
            )
            .bind(key)
            .fetch_optional(e)
            .await?
        }))
    }

    /// The DM channels a user is in, most recently created first.
    pub async fn dm_channels_of_user(&mut self, user_id: Uuid) -> StoreResult<Vec<Channel>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT c.id, c.group_id, c.community_id, c.name, c.kind, c.dm_key, c.topic, c.position, \
                 c.slow_mode_secs, c.read_only, c.archived, c.link_previews, c.created_at, c.updated_at, \
                 c.post_role, c.react_role, c.thread_role, c.mention_everyone_role \
                 FROM channels c JOIN dm_members d ON d.channel_id = c.id AND d.user_id = $1 ORDER BY c.id DESC",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Members of every DM channel the user is in (to show names).
    pub async fn dm_members_for_user(&mut self, user_id: Uuid) -> StoreResult<Vec<DmMember>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT d.channel_id, d.user_id, u.username, u.display_name, u.avatar_file_id, \
                 (u.bot_kind IS NOT NULL) AS bot FROM dm_members d \
                 JOIN users u ON u.id = d.user_id \
                 WHERE d.channel_id IN (SELECT channel_id FROM dm_members WHERE user_id = $1) \
                 ORDER BY d.channel_id, d.user_id",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn dm_member_ids(&mut self, channel_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT user_id FROM dm_members WHERE channel_id = $1 ORDER BY user_id")
                .bind(channel_id)
                .fetch_all(e)
                .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// How many group DMs a user belongs to.
    pub async fn count_group_dms(&mut self, user_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM dm_members d JOIN channels ch ON ch.id = d.channel_id \
                 WHERE d.user_id = $1 AND ch.kind = 'group_dm'",
            )
            .bind(user_id)
            .fetch_one(e)
            .await?
        });
        Ok(count)
    }

    /// Whether two users are members of one community, or already share a DM.
    pub async fn acquainted(&mut self, a: Uuid, b: Uuid) -> StoreResult<bool> {
        let found: Option<(i32,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT 1 FROM community_members m1 JOIN community_members m2 \
                   ON m2.community_id = m1.community_id AND m2.user_id = $2 \
                 WHERE m1.user_id = $1 \
                 UNION ALL \
                 SELECT 1 FROM dm_members d1 JOIN dm_members d2 \
                   ON d2.channel_id = d1.channel_id AND d2.user_id = $2 \
                 WHERE d1.user_id = $1 \
                 LIMIT 1",
            )
            .bind(a)
            .bind(b)
            .fetch_optional(e)
            .await?
        });
        Ok(found.is_some())
    }

    /// Every channel a user may read (the WebSocket subscribes to these): community
    /// channels of their groups, every channel of communities they moderate, their DMs.
    pub async fn readable_channel_ids(&mut self, user_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT ch.id FROM channels ch \
                 JOIN community_members cm ON cm.community_id = ch.community_id AND cm.user_id = $1 \
                 LEFT JOIN group_members gm ON gm.group_id = ch.group_id AND gm.user_id = $1 \
                 WHERE gm.user_id IS NOT NULL OR cm.role IN ('owner', 'admin', 'moderator') \
                 UNION SELECT channel_id FROM dm_members WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    pub async fn community_ids_of_user(&mut self, user_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT community_id FROM community_members WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(e)
                .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    pub async fn dm_channel_ids(&mut self, user_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT channel_id FROM dm_members WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(e)
                .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Everyone who shares a DM channel with the user.
    pub async fn dm_partner_ids(&mut self, user_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT DISTINCT d2.user_id FROM dm_members d1 JOIN dm_members d2 ON d2.channel_id = d1.channel_id \
                 WHERE d1.user_id = $1 AND d2.user_id <> $1",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    pub async fn community_member_ids(&mut self, community_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT user_id FROM community_members WHERE community_id = $1")
                .bind(community_id)
                .fetch_all(e)
                .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Everyone who may read a channel (for @here).
    pub async fn channel_reader_ids(&mut self, channel_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT cm.user_id FROM channels ch \
                 JOIN community_members cm ON cm.community_id = ch.community_id \
                 LEFT JOIN group_members gm ON gm.group_id = ch.group_id AND gm.user_id = cm.user_id \
                 WHERE ch.id = $1 AND (gm.user_id IS NOT NULL OR cm.role IN ('owner', 'admin', 'moderator')) \
                 UNION SELECT user_id FROM dm_members WHERE channel_id = $1",
            )
            .bind(channel_id)
            .fetch_all(e)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
