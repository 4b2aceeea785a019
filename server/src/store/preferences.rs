//! A person's display preferences.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Preferences {
    pub user_id: Uuid,
    /// `system`, `light` or `dark`.
    pub theme: String,
    pub palette: String,
    pub accent: Option<String>,
    pub compact: bool,
    /// `auto`, `12h` or `24h`.
    pub time_format: String,
    pub reduce_motion: bool,
    pub link_previews: bool,
    pub updated_at: DateTime<Utc>,
}

impl Conn<'_> {
    pub async fn preferences(&mut self, user_id: Uuid) -> StoreResult<Option<Preferences>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT user_id, theme, palette, accent, compact, time_format, reduce_motion, link_previews, \
                 updated_at FROM user_preferences WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn upsert_preferences(&mut self, p: &Preferences) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO user_preferences (user_id, theme, palette, accent, compact, time_format, \
                 reduce_motion, link_previews, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (user_id) DO UPDATE SET theme = $2, palette = $3, accent = $4, compact = $5, \
                 time_format = $6, reduce_motion = $7, link_previews = $8, updated_at = $9",
            )
            .bind(p.user_id)
            .bind(&p.theme)
            .bind(&p.palette)
            .bind(&p.accent)
            .bind(p.compact)
            .bind(&p.time_format)
            .bind(p.reduce_motion)
            .bind(p.link_previews)
            .bind(p.updated_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Makes sure the row exists (with `defaults`) and locks it for this transaction
    /// (a no-op update holds the row on PostgreSQL and the write lock on SQLite), so
    /// two devices changing different fields at once both keep their change.
    pub async fn lock_preferences(&mut self, defaults: &Preferences) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO user_preferences (user_id, theme, palette, accent, compact, time_format, \
                 reduce_motion, link_previews, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (user_id) DO NOTHING",
            )
            .bind(defaults.user_id)
            .bind(&defaults.theme)
            .bind(&defaults.palette)
            .bind(&defaults.accent)
            .bind(defaults.compact)
            .bind(&defaults.time_format)
            .bind(defaults.reduce_motion)
            .bind(defaults.link_previews)
            .bind(defaults.updated_at)
            .execute(&mut *e)
            .await?;
            sqlx::query("UPDATE user_preferences SET updated_at = updated_at WHERE user_id = $1")
                .bind(defaults.user_id)
                .execute(&mut *e)
                .await?;
        });
        Ok(())
    }
}
