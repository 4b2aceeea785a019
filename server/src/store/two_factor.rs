//! TOTP secrets, backup codes and the tickets between two steps of signing in.
//! Every use of a code or ticket is one conditional statement, so two parallel
//! requests can never both spend the same one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TotpSecret {
    pub secret_enc: Vec<u8>,
    pub enabled_at: Option<DateTime<Utc>>,
    pub last_step: Option<i64>,
}

/// What a sign-in ticket leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketKind {
    /// The first factor passed; a TOTP or backup code is due.
    TwoFactor,
    /// The SSO callback handed the client this ticket for a session.
    Sso,
}

impl TicketKind {
    fn as_str(self) -> &'static str {
        match self {
            TicketKind::TwoFactor => "two_factor",
            TicketKind::Sso => "sso",
        }
    }
}

impl Conn<'_> {
    pub async fn totp_secret(&mut self, user_id: Uuid) -> StoreResult<Option<TotpSecret>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT secret_enc, enabled_at, last_step FROM totp_secrets WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_optional(e)
            .await?
        }))
    }

    /// Stores a new secret waiting for its first code; refuses (false) when 2FA is
    /// already enabled.
    pub async fn put_pending_totp_secret(
        &mut self,
        user_id: Uuid,
        secret_enc: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO totp_secrets (user_id, secret_enc, enabled_at, last_step, created_at) \
                 VALUES ($1, $2, NULL, NULL, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET secret_enc = $2, last_step = NULL, created_at = $3 \
                 WHERE totp_secrets.enabled_at IS NULL",
            )
            .bind(user_id)
            .bind(secret_enc)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        super::access_changed();
        Ok(result == 1)
    }

    /// Records that a code of `step` was accepted; false when a code of this or a
    /// later step already was (a replay).
    pub async fn spend_totp_step(&mut self, user_id: Uuid, step: i64) -> StoreResult<bool> {
        let result = db_run!(self, |e| {
            sqlx::query(
                "UPDATE totp_secrets SET last_step = $2 \
                 WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)",
            )
            .bind(user_id)
            .bind(step)
            .execute(e)
            .await?
            .rows_affected()
        });
        super::access_changed();
        Ok(result == 1)
    }

    pub async fn enable_totp(&mut self, user_id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        let result = db_run!(self, |e| {
            sqlx::query(
                "UPDATE totp_secrets SET enabled_at = $2 WHERE user_id = $1 AND enabled_at IS NULL",
            )
            .bind(user_id)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        super::access_changed();
        Ok(result == 1)
    }

    /// Removes the TOTP secret and the backup codes; whether 2FA was enabled.
    pub async fn delete_two_factor(&mut self, user_id: Uuid) -> StoreResult<bool> {
        let removed = db_run!(self, |e| {
            let removed = sqlx::query(
                "DELETE FROM totp_secrets WHERE user_id = $1 AND enabled_at IS NOT NULL",
            )
            .bind(user_id)
            .execute(&mut *e)
            .await?
            .rows_affected();
            sqlx::query("DELETE FROM totp_secrets WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *e)
                .await?;
            sqlx::query("DELETE FROM backup_codes WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *e)
                .await?;
            removed
        });
        super::access_changed();
        Ok(removed == 1)
    }

    /// Replaces every backup code of a user.
    pub async fn replace_backup_codes(
        &mut self,
        user_id: Uuid,
        code_hashes: &[Vec<u8>],
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM backup_codes WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *e)
                .await?;
            for hash in code_hashes {
                sqlx::query("INSERT INTO backup_codes (user_id, code_hash) VALUES ($1, $2)")
                    .bind(user_id)
                    .bind(hash)
                    .execute(&mut *e)
                    .await?;
            }
        });
        Ok(())
    }

    /// Spends an unused backup code; false when there is none with this hash.
    pub async fn spend_backup_code(
        &mut self,
        user_id: Uuid,
        code_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = db_run!(self, |e| {
            sqlx::query(
                "UPDATE backup_codes SET used_at = $3 \
                 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
            )
            .bind(user_id)
            .bind(code_hash)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(result == 1)
    }

    pub async fn unused_backup_codes(&mut self, user_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM backup_codes WHERE user_id = $1 AND used_at IS NULL",
            )
            .bind(user_id)
            .fetch_one(e)
            .await?
        });
        Ok(count)
    }

    pub async fn insert_sign_in_ticket(
        &mut self,
        token_hash: &[u8],
        user_id: Uuid,
        kind: TicketKind,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO sign_in_tickets (token_hash, user_id, kind, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user_id)
            .bind(kind.as_str())
            .bind(now)
            .bind(expires_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// The user of a live ticket of this kind, without spending it.
    pub async fn sign_in_ticket_user(
        &mut self,
        token_hash: &[u8],
        kind: TicketKind,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>> {
        let row: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT user_id FROM sign_in_tickets \
                 WHERE token_hash = $1 AND kind = $2 AND expires_at > $3",
            )
            .bind(token_hash)
            .bind(kind.as_str())
            .bind(now)
            .fetch_optional(e)
            .await?
        });
        Ok(row.map(|(id,)| id))
    }

    /// Spends a live ticket of this kind; its user, or `None` when it was already
    /// spent, expired or never existed.
    pub async fn spend_sign_in_ticket(
        &mut self,
        token_hash: &[u8],
        kind: TicketKind,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>> {
        let row: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "DELETE FROM sign_in_tickets \
                 WHERE token_hash = $1 AND kind = $2 AND expires_at > $3 RETURNING user_id",
            )
            .bind(token_hash)
            .bind(kind.as_str())
            .bind(now)
            .fetch_optional(e)
            .await?
        });
        Ok(row.map(|(id,)| id))
    }

    /// Drops expired sign-in tickets and authorization requests.
    pub async fn prune_sign_in_state(&mut self, now: DateTime<Utc>) -> StoreResult<u64> {
        Ok(db_run!(self, |e| {
            let tickets = sqlx::query("DELETE FROM sign_in_tickets WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *e)
                .await?
                .rows_affected();
            let logins = sqlx::query("DELETE FROM oidc_logins WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *e)
                .await?
                .rows_affected();
            tickets + logins
        }))
    }
}
