//! How each person is notified: general preferences and per-community/channel
//! overrides.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationPrefs {
    pub user_id: Uuid,
    /// A JSON array of strings.
    pub keywords: String,
    pub sounds: bool,
    pub desktop: bool,
    pub dnd_until: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// One person's choice for one community or one channel (exactly one is set).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationOverride {
    pub user_id: Uuid,
    pub community_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    /// `all`, `mentions`, `nothing`, or `None` to inherit.
    pub level: Option<String>,
    pub muted_until: Option<DateTime<Utc>>,
    pub suppress_everyone: bool,
    pub updated_at: DateTime<Utc>,
}

impl Conn<'_> {
    pub async fn notification_prefs(
        &mut self,
        user_id: Uuid,
    ) -> StoreResult<Option<NotificationPrefs>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as("SELECT * FROM notification_prefs WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn save_notification_prefs(&mut self, p: &NotificationPrefs) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO notification_prefs (user_id, keywords, sounds, desktop, dnd_until, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET \
                 keywords = $2, sounds = $3, desktop = $4, dnd_until = $5, updated_at = $6",
            )
            .bind(p.user_id)
            .bind(&p.keywords)
            .bind(p.sounds)
            .bind(p.desktop)
            .bind(p.dnd_until)
            .bind(p.updated_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Everyone who set notification keywords, wherever they read.
    pub async fn keyword_user_ids(&mut self) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT user_id FROM notification_prefs WHERE keywords <> '[]' ORDER BY user_id",
            )
            .fetch_all(e)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    pub async fn notification_overrides(
        &mut self,
        user_id: Uuid,
    ) -> StoreResult<Vec<NotificationOverride>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT * FROM notification_overrides WHERE user_id = $1 \
                 ORDER BY community_id, channel_id",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Everyone's overrides of one channel and of its community.
    pub async fn notification_overrides_for(
        &mut self,
        channel_id: Uuid,
        community_id: Option<Uuid>,
    ) -> StoreResult<Vec<NotificationOverride>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT * FROM notification_overrides WHERE channel_id = $1 OR community_id = $2 \
                 ORDER BY user_id",
            )
            .bind(channel_id)
            .bind(community_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Replaces one override (`None` removes it).
    pub async fn set_notification_override(
        &mut self,
        user_id: Uuid,
        community_id: Option<Uuid>,
        channel_id: Option<Uuid>,
        value: Option<&NotificationOverride>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "DELETE FROM notification_overrides WHERE user_id = $1 \
                 AND (community_id = $2 OR channel_id = $3)",
            )
            .bind(user_id)
            .bind(community_id)
            .bind(channel_id)
            .execute(&mut *e)
            .await?;
            if let Some(o) = value {
                sqlx::query(
                    "INSERT INTO notification_overrides (user_id, community_id, channel_id, level, \
                     muted_until, suppress_everyone, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(o.user_id)
                .bind(o.community_id)
                .bind(o.channel_id)
                .bind(&o.level)
                .bind(o.muted_until)
                .bind(o.suppress_everyone)
                .bind(o.updated_at)
                .execute(e)
                .await?;
            }
        });
        Ok(())
    }

    /// Who a message notifies as mentioned (`@user` and, when it was sent, `@here`).
    pub async fn mentioned_user_ids(&mut self, message_id: Uuid) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT user_id FROM message_mentions WHERE message_id = $1 ORDER BY user_id",
            )
            .bind(message_id)
            .fetch_all(e)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Of `user_ids`, those who silence `@everyone`/`@here` in this channel or its
    /// community.
    pub async fn everyone_suppressed_among(
        &mut self,
        channel_id: Uuid,
        community_id: Option<Uuid>,
        user_ids: &[Uuid],
    ) -> StoreResult<Vec<Uuid>> {
        let overrides = self
            .notification_overrides_for(channel_id, community_id)
            .await?;
        Ok(overrides
            .into_iter()
            .filter(|o| o.suppress_everyone && user_ids.contains(&o.user_id))
            .map(|o| o.user_id)
            .collect())
    }
}
