//! Community invite codes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommunityInvite {
    pub id: Uuid,
    pub community_id: Uuid,
    pub code: String,
    pub created_by: Option<Uuid>,
    /// The creator's username; None once their account is deleted.
    pub created_by_username: Option<String>,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! select_invites {
    ($rest:literal) => {
        concat!(
            "SELECT id, community_id, code, created_by, \
             (SELECT username FROM users WHERE users.id = community_invites.created_by) AS created_by_username, \
             max_uses, uses, expires_at, revoked_at, created_at \
             FROM community_invites ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_community_invite(&mut self, i: &CommunityInvite) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO community_invites \
                 (id, community_id, code, created_by, max_uses, uses, expires_at, revoked_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(i.id)
            .bind(i.community_id)
            .bind(&i.code)
            .bind(i.created_by)
            .bind(i.max_uses)
            .bind(i.uses)
            .bind(i.expires_at)
            .bind(i.revoked_at)
            .bind(i.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn community_invite_by_code(
        &mut self,
        code: &str,
    ) -> StoreResult<Option<CommunityInvite>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_invites!("WHERE code = $1"))
                .bind(code)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn community_invite(
        &mut self,
        community_id: Uuid,
        id: Uuid,
    ) -> StoreResult<Option<CommunityInvite>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_invites!("WHERE community_id = $1 AND id = $2"))
                .bind(community_id)
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn community_invites(
        &mut self,
        community_id: Uuid,
    ) -> StoreResult<Vec<CommunityInvite>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_invites!("WHERE community_id = $1 ORDER BY id DESC"))
                .bind(community_id)
                .fetch_all(e)
                .await?
        }))
    }

    /// Counts one use of a valid invite atomically; false when it is revoked,
    /// expired or used up at this instant.
    pub async fn consume_community_invite(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let updated = db_run!(self, |e| {
            sqlx::query(
                "UPDATE community_invites SET uses = uses + 1 \
                 WHERE id = $1 AND revoked_at IS NULL \
                 AND (expires_at IS NULL OR expires_at > $2) \
                 AND (max_uses IS NULL OR uses < max_uses)",
            )
            .bind(id)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(updated == 1)
    }

    pub async fn revoke_community_invite(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE community_invites SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(e)
            .await?;
        });
        Ok(())
    }
}
