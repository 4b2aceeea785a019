//! Signing in and out: login, refresh-token rotation with reuse detection, session
//! listing and revocation (AUTH-3, AUTH-4, AUTH-5).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::lockout::lockout_key;
use super::two_factor::SignIn;
use super::{Actor, Core, RequestMeta};
use crate::auth::secrets;
use crate::auth::tokens::REFRESH_TOKEN_TTL;
use crate::domain::error::{Error, Result};
use crate::store::{self, Conn, NewAuditEntry, Session, User};

/// The credentials handed to a client after signing in or refreshing.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub session_id: Uuid,
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

/// A new session for a user; `recovery_code` is set when one was just created
/// (registration, recovery) and is shown to the user this once.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub tokens: TokenPair,
    pub recovery_code: Option<String>,
}

fn invalid_refresh() -> Error {
    Error::unauthorized(
        "invalid_refresh_token",
        "the refresh token is invalid or expired; sign in again",
    )
}

impl Core {
    /// Opens a session for `user` inside the caller's transaction. The access
    /// token is signed by [`Core::access_token`] after commit.
    pub(super) async fn open_session(
        &self,
        c: &mut Conn<'_>,
        user_id: Uuid,
        meta: &RequestMeta,
        now: DateTime<Utc>,
    ) -> Result<(Session, String)> {
        let session = Session {
            id: store::new_id(),
            user_id,
            user_agent: meta.user_agent.clone(),
            ip: meta.ip_string(),
            created_at: now,
            last_used_at: now,
            expires_at: now + REFRESH_TOKEN_TTL,
        };
        c.insert_session(&session).await?;
        let refresh = secrets::random_token();
        c.insert_refresh_token(
            &secrets::sha256(&refresh),
            session.id,
            now,
            session.expires_at,
        )
        .await?;
        Ok((session, refresh))
    }

    pub(super) fn token_pair(
        &self,
        session: &Session,
        refresh_token: String,
        now: DateTime<Utc>,
    ) -> Result<TokenPair> {
        let (access_token, access_expires_at) = self
            .tokens
            .issue(session.user_id, session.id, now)
            .map_err(|e| Error::Internal(anyhow::anyhow!("signing an access token: {e}")))?;
        Ok(TokenPair {
            session_id: session.id,
            access_token,
            access_expires_at,
            refresh_token,
            refresh_expires_at: session.expires_at,
        })
    }

    /// Password login by username (or email when the login contains `@`); an
    /// account with 2FA gets a ticket for the second step instead of a session.
    pub async fn login(&self, login: &str, password: &str, meta: &RequestMeta) -> Result<SignIn> {
        if self.config.password_login_disabled() {
            return Err(Error::forbidden(
                "password_login_disabled",
                "password login is disabled; sign in with SSO",
            ));
        }
        let user = self
            .db
            .acquire()
            .await?
            .conn()
            .user_by_login(login.trim())
            .await?;
        let claim = self
            .claim_attempt(lockout_key(login, user.as_ref()))
            .await?;
        let hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let password_ok = self.passwords.verify(password, hash).await?;
        let failure = Error::unauthorized("invalid_credentials", "invalid username or password");
        let user = self
            .verified_account(&claim, user, password_ok, "login.failed", failure, meta)
            .await?;
        self.finish_first_factor(user, &claim.key, "password", meta)
            .await
    }

    /// Rotates a refresh token. A token presented a second time means it was copied:
    /// the whole session is revoked and both holders must sign in again.
    pub async fn refresh(&self, refresh_token: &str, meta: &RequestMeta) -> Result<TokenPair> {
        let hash = secrets::sha256(refresh_token.trim());
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let Some(token) = c.refresh_token(&hash).await? else {
            return Err(invalid_refresh());
        };
        let session = c
            .session_by_id(token.session_id)
            .await?
            .filter(|s| s.expires_at > now);
        let Some(session) = session else {
            return Err(invalid_refresh());
        };
        if token.used_at.is_some() || !c.mark_refresh_token_used(&hash, now).await? {
            c.delete_session(session.user_id, session.id).await?;
            let entry = NewAuditEntry::by(session.user_id, "session.refresh_token_reused")
                .details(serde_json::json!({ "session_id": session.id }));
            self.audit(&mut c, meta, entry).await?;
            tx.commit().await?;
            self.end_sessions(&[session.id]);
            return Err(Error::unauthorized(
                "refresh_token_reused",
                "this refresh token was already used; the session has been ended for safety",
            ));
        }
        if token.expires_at <= now {
            return Err(invalid_refresh());
        }
        let user = c.user_by_id(session.user_id).await?;
        if user.is_none_or(|u| u.suspended_at.is_some()) {
            return Err(invalid_refresh());
        }

        let expires_at = now + REFRESH_TOKEN_TTL;
        let refresh = secrets::random_token();
        c.insert_refresh_token(&secrets::sha256(&refresh), session.id, now, expires_at)
            .await?;
        c.touch_session(session.id, now, expires_at, meta.ip_string().as_deref())
            .await?;
        tx.commit().await?;
        let session = Session {
            expires_at,
            last_used_at: now,
            ..session
        };
        self.token_pair(&session, refresh, now)
    }

    /// Ends the caller's current session.
    pub async fn logout(&self, actor: &Actor, meta: &RequestMeta) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.delete_session(actor.id(), actor.session_id).await?;
        self.audit(&mut c, meta, NewAuditEntry::by(actor.id(), "logout"))
            .await?;
        tx.commit().await?;
        self.end_sessions(&[actor.session_id]);
        Ok(())
    }

    pub async fn sessions(&self, actor: &Actor) -> Result<Vec<Session>> {
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .sessions_of_user(actor.id(), store::now())
            .await?)
    }

    /// Revokes one of the caller's sessions (404 for anyone else's).
    pub async fn revoke_session(
        &self,
        actor: &Actor,
        session_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if !c.delete_session(actor.id(), session_id).await? {
            return Err(Error::not_found("session_not_found", "no such session"));
        }
        let entry = NewAuditEntry::by(actor.id(), "session.revoked")
            .details(serde_json::json!({ "session_id": session_id }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.end_sessions(&[session_id]);
        Ok(())
    }

    /// Revokes every session of the caller except the current one; returns how many.
    pub async fn revoke_other_sessions(&self, actor: &Actor, meta: &RequestMeta) -> Result<usize> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let revoked = c
            .delete_sessions_of_user(actor.id(), Some(actor.session_id))
            .await?;
        let entry = NewAuditEntry::by(actor.id(), "session.revoked_others")
            .details(serde_json::json!({ "count": revoked.len() }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.end_sessions(&revoked);
        Ok(revoked.len())
    }
}
