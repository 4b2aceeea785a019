//! Channels inside groups.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Channel {
    pub id: Uuid,
    /// `None` for direct-message channels.
    pub group_id: Option<Uuid>,
    /// `None` for direct-message channels.
    pub community_id: Option<Uuid>,
    pub name: String,
    /// `text`, `voice`, `dm` or `group_dm`.
    pub kind: String,
    /// Sorted member IDs of a 1:1 DM.
    pub dm_key: Option<String>,
    pub topic: Option<String>,
    pub position: i32,
    pub slow_mode_secs: i32,
    pub read_only: bool,
    pub archived: bool,
    /// Whether messages here show link previews.
    pub link_previews: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(flatten)]
    pub roles: ChannelRoles,
}

/// The lowest community role (`member`, `moderator`, `admin`, `owner`) that may do
/// each thing in a channel (COM-4).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChannelRoles {
    pub post_role: String,
    pub react_role: String,
    pub thread_role: String,
    pub mention_everyone_role: String,
}

impl Default for ChannelRoles {
    /// What every channel allows unless its admins say otherwise.
    fn default() -> ChannelRoles {
        ChannelRoles {
            post_role: "member".to_owned(),
            react_role: "member".to_owned(),
            thread_role: "member".to_owned(),
            mention_everyone_role: "moderator".to_owned(),
        }
    }
}

macro_rules! select_channels {
    ($rest:literal) => {
        concat!(
            "SELECT id, group_id, community_id, name, kind, dm_key, topic, position, slow_mode_secs, read_only, \
             archived, link_previews, created_at, updated_at, post_role, react_role, thread_role, \
             mention_everyone_role FROM channels ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_channel(&mut self, c: &Channel) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO channels (id, group_id, community_id, name, kind, dm_key, topic, position, slow_mode_secs, \
                 read_only, archived, link_previews, created_at, updated_at, post_role, react_role, thread_role, \
                 mention_everyone_role) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            )
            .bind(c.id)
            .bind(c.group_id)
            .bind(c.community_id)
            .bind(&c.name)
            .bind(&c.kind)
            .bind(&c.dm_key)
            .bind(&c.topic)
            .bind(c.position)
            .bind(c.slow_mode_secs)
            .bind(c.read_only)
            .bind(c.archived)
            .bind(c.link_previews)
            .bind(c.created_at)
            .bind(c.updated_at)
            .bind(&c.roles.post_role)
            .bind(&c.roles.react_role)
            .bind(&c.roles.thread_role)
            .bind(&c.roles.mention_everyone_role)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn channel(&mut self, id: Uuid) -> StoreResult<Option<Channel>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_channels!("WHERE id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn channels_of_group(&mut self, group_id: Uuid) -> StoreResult<Vec<Channel>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_channels!(
                "WHERE group_id = $1 ORDER BY position, id"
            ))
            .bind(group_id)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn count_channels(&mut self, group_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as("SELECT COUNT(*) FROM channels WHERE group_id = $1")
                .bind(group_id)
                .fetch_one(e)
                .await?
        });
        Ok(count)
    }

    pub async fn update_channel(&mut self, c: &Channel) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE channels SET name = $2, topic = $3, position = $4, slow_mode_secs = $5, read_only = $6, \
                 archived = $7, updated_at = $8, link_previews = $9, post_role = $10, react_role = $11, \
                 thread_role = $12, mention_everyone_role = $13 WHERE id = $1",
            )
            .bind(c.id)
            .bind(&c.name)
            .bind(&c.topic)
            .bind(c.position)
            .bind(c.slow_mode_secs)
            .bind(c.read_only)
            .bind(c.archived)
            .bind(c.updated_at)
            .bind(c.link_previews)
            .bind(&c.roles.post_role)
            .bind(&c.roles.react_role)
            .bind(&c.roles.thread_role)
            .bind(&c.roles.mention_everyone_role)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn delete_channel(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM channels WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }
}
