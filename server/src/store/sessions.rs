//! Sessions (one per signed-in device) and their rotating refresh tokens.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, User, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A refresh token row, looked up by the hash of the presented token.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefreshToken {
    pub session_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// A live session and its account, as the request authenticator needs them.
#[derive(Debug, Clone)]
pub struct SessionWithUser {
    pub session: Session,
    pub user: User,
}

#[derive(sqlx::FromRow)]
struct SessionUserRow {
    #[sqlx(flatten)]
    user: User,
    s_id: Uuid,
    s_user_agent: Option<String>,
    s_ip: Option<String>,
    s_created_at: DateTime<Utc>,
    s_last_used_at: DateTime<Utc>,
    s_expires_at: DateTime<Utc>,
}

impl Conn<'_> {
    pub async fn insert_session(&mut self, session: &Session) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO sessions (id, user_id, user_agent, ip, created_at, last_used_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(session.id)
            .bind(session.user_id)
            .bind(&session.user_agent)
            .bind(&session.ip)
            .bind(session.created_at)
            .bind(session.last_used_at)
            .bind(session.expires_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn insert_refresh_token(
        &mut self,
        token_hash: &[u8],
        session_id: Uuid,
        issued_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(session_id)
            .bind(issued_at)
            .bind(expires_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn refresh_token(&mut self, token_hash: &[u8]) -> StoreResult<Option<RefreshToken>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT session_id, expires_at, used_at FROM refresh_tokens WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(e)
            .await?
        }))
    }

    /// Marks a refresh token used; false when it was already used (a concurrent or
    /// replayed refresh), so exactly one caller wins a rotation.
    pub async fn mark_refresh_token_used(
        &mut self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = db_run!(self, |e| {
            sqlx::query(
                "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
            )
            .bind(token_hash)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(result == 1)
    }

    pub async fn session_by_id(&mut self, id: Uuid) -> StoreResult<Option<Session>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, user_id, user_agent, ip, created_at, last_used_at, expires_at \
                 FROM sessions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(e)
            .await?
        }))
    }

    /// The live session and its user in one query: the hot path of every
    /// authenticated request.
    pub async fn live_session_with_user(
        &mut self,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionWithUser>> {
        let row: Option<SessionUserRow> = db_run!(self, |e| {
            sqlx::query_as(concat!(
                "SELECT u.id, u.username, u.display_name, u.email, u.password_hash, \
                 u.recovery_code_hash, u.instance_role, u.bio, u.pronouns, u.custom_status, \
                 u.avatar_file_id, u.banner_file_id, u.suspended_at, u.suspended_reason, u.read_receipts, u.show_last_seen, u.created_at, u.updated_at, \
                 u.bot_kind, u.bot_owner_id, ",
                super::users::user_flags!(),
                ", s.id AS s_id, s.user_agent AS s_user_agent, s.ip AS s_ip, \
                 s.created_at AS s_created_at, s.last_used_at AS s_last_used_at, \
                 s.expires_at AS s_expires_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.id = $1 AND s.expires_at > $2",
            ))
            .bind(session_id)
            .bind(now)
            .fetch_optional(e)
            .await?
        });
        Ok(row.map(|r| SessionWithUser {
            session: Session {
                id: r.s_id,
                user_id: r.user.id,
                user_agent: r.s_user_agent,
                ip: r.s_ip,
                created_at: r.s_created_at,
                last_used_at: r.s_last_used_at,
                expires_at: r.s_expires_at,
            },
            user: r.user,
        }))
    }

    pub async fn touch_session(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        ip: Option<&str>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE sessions SET last_used_at = $2, expires_at = $3, ip = COALESCE($4, ip) \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .bind(expires_at)
            .bind(ip)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn sessions_of_user(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Session>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, user_id, user_agent, ip, created_at, last_used_at, expires_at \
                 FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_used_at DESC",
            )
            .bind(user_id)
            .bind(now)
            .fetch_all(e)
            .await?
        }))
    }

    /// Deletes one session of a user; false when it does not exist or is not theirs.
    pub async fn delete_session(&mut self, user_id: Uuid, session_id: Uuid) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
                .bind(session_id)
                .bind(user_id)
                .execute(e)
                .await?
                .rows_affected()
        });
        super::access_changed();
        Ok(deleted == 1)
    }

    /// Deletes every session of a user except `keep`; returns the IDs deleted.
    pub async fn delete_sessions_of_user(
        &mut self,
        user_id: Uuid,
        keep: Option<Uuid>,
    ) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id <> $2) RETURNING id",
            )
            .bind(user_id)
            .bind(keep)
            .fetch_all(e)
            .await?
        });
        super::access_changed();
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Removes sessions past their expiry (their tokens cascade).
    pub async fn delete_expired_sessions(&mut self, now: DateTime<Utc>) -> StoreResult<u64> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now)
                .execute(e)
                .await?
                .rows_affected()
        });
        super::access_changed();
        Ok(deleted)
    }
}
