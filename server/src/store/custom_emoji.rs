//! Custom emoji of communities (COM-7).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomEmoji {
    pub id: Uuid,
    pub community_id: Uuid,
    pub name: String,
    pub file_id: Uuid,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl Conn<'_> {
    pub async fn custom_emoji(&mut self, community_id: Uuid) -> StoreResult<Vec<CustomEmoji>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, community_id, name, file_id, created_by, created_at \
                 FROM custom_emoji WHERE community_id = $1 ORDER BY name",
            )
            .bind(community_id)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn custom_emoji_named(
        &mut self,
        community_id: Uuid,
        name: &str,
    ) -> StoreResult<Option<CustomEmoji>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, community_id, name, file_id, created_by, created_at \
                 FROM custom_emoji WHERE community_id = $1 AND name = $2",
            )
            .bind(community_id)
            .bind(name)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn custom_emoji_by_id(&mut self, id: Uuid) -> StoreResult<Option<CustomEmoji>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, community_id, name, file_id, created_by, created_at \
                 FROM custom_emoji WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn count_custom_emoji(&mut self, community_id: Uuid) -> StoreResult<i64> {
        Ok(db_run!(self, |e| {
            sqlx::query_scalar(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM custom_emoji WHERE community_id = $1",
            )
            .bind(community_id)
            .fetch_one(e)
            .await?
        }))
    }

    /// Adds an emoji; false when the community already has one of this name.
    pub async fn insert_custom_emoji(&mut self, emoji: &CustomEmoji) -> StoreResult<bool> {
        let inserted = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO custom_emoji (id, community_id, name, file_id, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (community_id, name) DO NOTHING",
            )
            .bind(emoji.id)
            .bind(emoji.community_id)
            .bind(&emoji.name)
            .bind(emoji.file_id)
            .bind(emoji.created_by)
            .bind(emoji.created_at)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    pub async fn delete_custom_emoji(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM custom_emoji WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        Ok(())
    }
}
