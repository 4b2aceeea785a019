//! The authenticated caller and instance-level roles (ADM-1).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Core;
use super::access_cache::ReadAt;
use crate::domain::error::{Error, Result};
use crate::store::{self, SessionWithUser, User};

/// Instance roles, lowest first (they compare by rank).
pub use crate::api::InstanceRole;

/// A user acting through one of their sessions, as the store has them now (kept
/// between requests only until a write changes them, see `access_cache`), so role
/// changes, suspensions and revocations apply at once.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub session_id: Uuid,
    /// When this session signed in (accounts without a password re-confirm by a
    /// recent sign-in).
    pub signed_in_at: DateTime<Utc>,
}

impl Actor {
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    pub fn role(&self) -> InstanceRole {
        InstanceRole::parse(&self.user.instance_role)
    }

    /// Instance admins and the owner.
    pub fn require_admin(&self) -> Result<()> {
        if self.role() >= InstanceRole::Admin {
            Ok(())
        } else {
            Err(Error::forbidden(
                "admin_required",
                "this action needs an instance administrator",
            ))
        }
    }
}

impl Core {
    /// The actor as the database has them now (role, suspension), through the same
    /// live session; the gateway re-reads it before each action.
    pub async fn reload_actor(&self, actor: &Actor) -> Result<Actor> {
        if actor.is_bot() {
            return self.reload_bot(actor).await;
        }
        match self.live_session(actor.session_id).await? {
            Some(f) if f.user.id == actor.id() && f.user.suspended_at.is_none() => Ok(Actor {
                user: f.user,
                session_id: f.session.id,
                signed_in_at: f.session.created_at,
            }),
            _ => Err(Error::unauthorized(
                "session_ended",
                "this session has ended; sign in again",
            )),
        }
    }

    /// Resolves an access token to its live session and user.
    pub async fn authenticate(&self, access_token: &str) -> Result<Actor> {
        if access_token.starts_with(super::bots::BOT_TOKEN_PREFIX) {
            return self.authenticate_bot(access_token).await;
        }
        let claims = self.tokens.verify(access_token).map_err(|_| {
            Error::unauthorized("invalid_token", "the access token is invalid or expired")
        })?;
        self.actor_for_session(claims.sub, claims.sid).await
    }

    /// The user of a live session, unless suspended.
    pub(crate) async fn actor_for_session(&self, user_id: Uuid, session_id: Uuid) -> Result<Actor> {
        let found = self.live_session(session_id).await?;
        let Some(found) = found.filter(|f| f.user.id == user_id) else {
            return Err(Error::unauthorized(
                "session_ended",
                "this session has ended; sign in again",
            ));
        };
        if found.user.suspended_at.is_some() {
            return Err(Error::forbidden(
                "account_suspended",
                "this account is suspended",
            ));
        }
        Ok(Actor {
            user: found.user,
            session_id: found.session.id,
            signed_in_at: found.session.created_at,
        })
    }

    /// The live session and its account: kept from an earlier request while nothing
    /// they were read from has changed (see `access_cache`), else from the store.
    async fn live_session(&self, session_id: Uuid) -> Result<Option<SessionWithUser>> {
        let now = store::now();
        if let Some(kept) = self.access_cache.session(session_id, now) {
            return Ok(Some(kept));
        }
        let read_at = ReadAt::now();
        let mut conn = self.db.acquire().await?;
        let found = conn.conn().live_session_with_user(session_id, now).await?;
        if let Some(found) = &found {
            self.access_cache.keep_session(read_at, found);
        }
        Ok(found)
    }
}
