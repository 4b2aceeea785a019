//! Single sign-on: identities at the OpenID provider linked to accounts, and the
//! authorization requests in flight.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

/// An authorization request waiting for its callback.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OidcLogin {
    pub nonce: String,
    pub pkce_verifier: String,
    pub invite_code: Option<String>,
}

impl Conn<'_> {
    pub async fn insert_oidc_login(
        &mut self,
        state_hash: &[u8],
        login: &OidcLogin,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO oidc_logins \
                 (state_hash, nonce, pkce_verifier, invite_code, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(state_hash)
            .bind(&login.nonce)
            .bind(&login.pkce_verifier)
            .bind(&login.invite_code)
            .bind(now)
            .bind(expires_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Takes the request with this state: it can be taken once, before it expires.
    pub async fn take_oidc_login(
        &mut self,
        state_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OidcLogin>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "DELETE FROM oidc_logins WHERE state_hash = $1 AND expires_at > $2 \
                 RETURNING nonce, pkce_verifier, invite_code",
            )
            .bind(state_hash)
            .bind(now)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn oidc_identity_user(
        &mut self,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<Option<Uuid>> {
        let row: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2")
                .bind(issuer)
                .bind(subject)
                .fetch_optional(e)
                .await?
        });
        Ok(row.map(|(id,)| id))
    }

    /// Links an identity to an account; false when the identity is linked already
    /// (a parallel first login won).
    pub async fn link_oidc_identity(
        &mut self,
        issuer: &str,
        subject: &str,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO oidc_identities (issuer, subject, user_id, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (issuer, subject) DO NOTHING",
            )
            .bind(issuer)
            .bind(subject)
            .bind(user_id)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        super::access_changed();
        Ok(result == 1)
    }

    pub async fn insert_sso_invitation(
        &mut self,
        user_id: Uuid,
        email: &str,
        created_by: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO sso_invitations (user_id, email_key, created_by, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(user_id)
            .bind(super::normalize_key(email))
            .bind(created_by)
            .bind(now)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Claims the account waiting for this email, once.
    pub async fn take_sso_invitation(&mut self, email: &str) -> StoreResult<Option<Uuid>> {
        let row: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("DELETE FROM sso_invitations WHERE email_key = $1 RETURNING user_id")
                .bind(super::normalize_key(email))
                .fetch_optional(e)
                .await?
        });
        Ok(row.map(|(id,)| id))
    }

    /// The first free username among `base`, `base2`, `base3`, … (case-insensitive).
    pub async fn free_username(&mut self, base: &str, max_len: usize) -> StoreResult<String> {
        for n in 1..10_000u32 {
            let candidate = if n == 1 {
                base.to_owned()
            } else {
                let suffix = n.to_string();
                let keep = base
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([base.len()])
                    .rev()
                    .find(|i| *i + suffix.len() <= max_len)
                    .unwrap_or(0);
                format!("{}{suffix}", &base[..keep])
            };
            if !self.username_taken(&candidate).await? {
                return Ok(candidate);
            }
        }
        Err(super::StoreError::Conflict)
    }
}
