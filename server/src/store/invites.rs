//! Registration invites (instance-level codes that allow signing up).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegistrationInvite {
    pub id: Uuid,
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
            "SELECT id, code, created_by, \
             (SELECT username FROM users WHERE users.id = registration_invites.created_by) AS created_by_username, \
             max_uses, uses, expires_at, revoked_at, created_at \
             FROM registration_invites ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_registration_invite(
        &mut self,
        invite: &RegistrationInvite,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO registration_invites \
                 (id, code, created_by, max_uses, uses, expires_at, revoked_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(invite.id)
            .bind(&invite.code)
            .bind(invite.created_by)
            .bind(invite.max_uses)
            .bind(invite.uses)
            .bind(invite.expires_at)
            .bind(invite.revoked_at)
            .bind(invite.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn registration_invite_by_code(
        &mut self,
        code: &str,
    ) -> StoreResult<Option<RegistrationInvite>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_invites!("WHERE code = $1"))
                .bind(code)
                .fetch_optional(e)
                .await?
        }))
    }

    /// Counts one use of a valid invite atomically; false when it is revoked,
    /// expired or used up at this instant.
    pub async fn consume_registration_invite(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let updated = db_run!(self, |e| {
            sqlx::query(
                "UPDATE registration_invites SET uses = uses + 1 \
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

    pub async fn registration_invites(&mut self) -> StoreResult<Vec<RegistrationInvite>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_invites!("ORDER BY id DESC"))
                .fetch_all(e)
                .await?
        }))
    }

    /// Revokes an invite; false when no such invite exists.
    pub async fn revoke_registration_invite(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let updated = db_run!(self, |e| {
            sqlx::query(
                "UPDATE registration_invites SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(updated == 1)
    }
}
