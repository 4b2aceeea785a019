//! Bans and warnings within a community.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommunityBan {
    pub community_id: Uuid,
    pub user_id: Uuid,
    pub banned_by: Option<Uuid>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A ban with the banned account's names, for the ban list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BanEntry {
    #[sqlx(flatten)]
    pub ban: CommunityBan,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Warning {
    pub id: Uuid,
    pub community_id: Uuid,
    pub user_id: Uuid,
    pub issued_by: Option<Uuid>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

impl Conn<'_> {
    pub async fn insert_ban(&mut self, ban: &CommunityBan) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO community_bans (community_id, user_id, banned_by, reason, created_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (community_id, user_id) DO UPDATE SET banned_by = $3, reason = $4, created_at = $5",
            )
            .bind(ban.community_id)
            .bind(ban.user_id)
            .bind(ban.banned_by)
            .bind(&ban.reason)
            .bind(ban.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn ban_of(
        &mut self,
        community_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<Option<CommunityBan>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT community_id, user_id, banned_by, reason, created_at FROM community_bans \
                 WHERE community_id = $1 AND user_id = $2",
            )
            .bind(community_id)
            .bind(user_id)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn is_banned(&mut self, community_id: Uuid, user_id: Uuid) -> StoreResult<bool> {
        let found: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT user_id FROM community_bans WHERE community_id = $1 AND user_id = $2",
            )
            .bind(community_id)
            .bind(user_id)
            .fetch_optional(e)
            .await?
        });
        Ok(found.is_some())
    }

    pub async fn delete_ban(&mut self, community_id: Uuid, user_id: Uuid) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM community_bans WHERE community_id = $1 AND user_id = $2")
                .bind(community_id)
                .bind(user_id)
                .execute(e)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }

    pub async fn bans(&mut self, community_id: Uuid) -> StoreResult<Vec<BanEntry>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT b.community_id, b.user_id, b.banned_by, b.reason, b.created_at, u.username, u.display_name \
                 FROM community_bans b JOIN users u ON u.id = b.user_id \
                 WHERE b.community_id = $1 ORDER BY b.created_at DESC, b.user_id",
            )
            .bind(community_id)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn insert_warning(&mut self, w: &Warning) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO community_warnings (id, community_id, user_id, issued_by, reason, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(w.id)
            .bind(w.community_id)
            .bind(w.user_id)
            .bind(w.issued_by)
            .bind(&w.reason)
            .bind(w.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// A member's warnings in a community, newest first.
    pub async fn warnings(
        &mut self,
        community_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<Vec<Warning>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, community_id, user_id, issued_by, reason, created_at FROM community_warnings \
                 WHERE community_id = $1 AND user_id = $2 ORDER BY id DESC",
            )
            .bind(community_id)
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }
}
