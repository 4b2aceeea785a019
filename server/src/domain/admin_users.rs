//! Instance administration of accounts (ADM-2): list and search, suspend and
//! unsuspend (sessions end at once), delete, grant or revoke admin, reset a
//! password, and hand instance ownership over. Admins act only on users below them;
//! only the owner changes who is admin.

use uuid::Uuid;

use super::{Actor, Core, InstanceRole, RequestMeta, validate};
use crate::auth::secrets;
use crate::domain::error::{Error, Result};
use crate::events::CloseReason;
use crate::store::{self, Conn, NewAuditEntry, SettingKey, User};

fn user_not_found() -> Error {
    Error::not_found("user_not_found", "no such user")
}

/// The target account, if the actor (an admin) outranks it.
pub(super) async fn manageable(c: &mut Conn<'_>, actor: &Actor, user_id: Uuid) -> Result<User> {
    actor.require_admin()?;
    if user_id == actor.id() {
        return Err(Error::bad_request(
            "cannot_target_self",
            "use your own account settings for that",
        ));
    }
    let user = c.user_by_id(user_id).await?.ok_or_else(user_not_found)?;
    if InstanceRole::parse(&user.instance_role) >= actor.role() {
        return Err(Error::forbidden(
            "target_outranks_you",
            "you cannot act on an account whose role is equal to or higher than yours",
        ));
    }
    Ok(user)
}

impl Core {
    /// Accounts matching `query`, by ID after `after` (`limit` clamped to 1..=200).
    pub async fn admin_users(
        &self,
        actor: &Actor,
        query: Option<&str>,
        after: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<User>> {
        actor.require_admin()?;
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        if query.is_some_and(|q| q.chars().count() > 254) {
            return Err(Error::invalid("query", "query is too long"));
        }
        let limit = i64::from(limit.unwrap_or(50).clamp(1, 200));
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .search_users(query, after, limit)
            .await?)
    }

    pub async fn admin_user(&self, actor: &Actor, user_id: Uuid) -> Result<User> {
        actor.require_admin()?;
        self.db
            .acquire()
            .await?
            .conn()
            .user_by_id(user_id)
            .await?
            .ok_or_else(user_not_found)
    }

    /// Suspends an account: it can no longer sign in and every session ends now.
    pub async fn suspend_user(
        &self,
        actor: &Actor,
        user_id: Uuid,
        reason: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<User> {
        let reason = validate::optional_text("reason", reason, 500)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        manageable(&mut c, actor, user_id).await?;
        let now = store::now();
        c.set_suspension(user_id, Some(now), reason.as_deref(), now)
            .await?;
        let ended = c.delete_sessions_of_user(user_id, None).await?;
        let entry = NewAuditEntry::by(actor.id(), "admin.user_suspended")
            .target(Some(user_id))
            .details(serde_json::json!({ "reason": reason, "sessions_ended": ended.len() }));
        self.audit(&mut c, meta, entry).await?;
        let user = c.user(user_id).await?;
        tx.commit().await?;
        self.end_sessions(&ended);
        self.events
            .hub
            .close_user(user_id, CloseReason::SESSION_ENDED);
        Ok(user)
    }

    pub async fn unsuspend_user(
        &self,
        actor: &Actor,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<User> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        manageable(&mut c, actor, user_id).await?;
        c.set_suspension(user_id, None, None, store::now()).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "admin.user_unsuspended").target(Some(user_id)),
        )
        .await?;
        let user = c.user(user_id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Deletes an account. Its communities must be handed over or deleted first.
    pub async fn admin_delete_user(
        &self,
        actor: &Actor,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let user = manageable(&mut c, actor, user_id).await?;
        if c.count_owned_communities(user_id).await? > 0 {
            return Err(Error::conflict(
                "owns_communities",
                "this user owns communities: transfer or delete them first",
            ));
        }
        let details = serde_json::json!({ "user_id": user_id, "username": user.username });
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "admin.user_deleted").details(details),
        )
        .await?;
        c.delete_user(user_id).await?;
        tx.commit().await?;
        // Their messages lose their author and their reactions go.
        self.events.revisions.bump_all();
        self.events
            .hub
            .close_user(user_id, CloseReason::SESSION_ENDED);
        Ok(())
    }

    /// Grants or revokes instance admin (the owner only).
    pub async fn set_instance_role(
        &self,
        actor: &Actor,
        user_id: Uuid,
        role: InstanceRole,
        meta: &RequestMeta,
    ) -> Result<User> {
        if actor.role() != InstanceRole::Owner {
            return Err(Error::forbidden(
                "owner_only",
                "only the instance owner grants or revokes admin",
            ));
        }
        if role == InstanceRole::Owner {
            return Err(Error::bad_request(
                "use_transfer",
                "instance ownership changes hands by transfer",
            ));
        }
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let user = manageable(&mut c, actor, user_id).await?;
        if user.bot_kind.is_some() && role != InstanceRole::User {
            return Err(Error::bad_request(
                "bot_account",
                "bots act with their owner's rights and cannot be admins",
            ));
        }
        c.set_instance_role(user_id, role.as_str(), store::now())
            .await?;
        let action = if role == InstanceRole::Admin {
            "admin.granted"
        } else {
            "admin.revoked"
        };
        let entry = NewAuditEntry::by(actor.id(), action)
            .target(Some(user_id))
            .details(serde_json::json!({ "from": user.instance_role, "to": role.as_str() }));
        self.audit(&mut c, meta, entry).await?;
        let user = c.user(user_id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Sets a random temporary password and ends the user's sessions; the password
    /// is returned once for the admin to pass on.
    pub async fn reset_user_password(
        &self,
        actor: &Actor,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<String> {
        // Authorised before the (expensive) hash, and again in the transaction.
        manageable(&mut self.db.acquire().await?.conn(), actor, user_id).await?;
        let temporary = secrets::random_code(16);
        let hash = self.passwords.hash(&temporary).await?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        manageable(&mut c, actor, user_id).await?;
        c.set_password_hash(user_id, &hash, store::now()).await?;
        let ended = c.delete_sessions_of_user(user_id, None).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "admin.password_reset").target(Some(user_id)),
        )
        .await?;
        tx.commit().await?;
        self.end_sessions(&ended);
        Ok(temporary)
    }

    /// Hands instance ownership to another account; the previous owner becomes admin.
    pub async fn transfer_instance(
        &self,
        actor: &Actor,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<User> {
        if actor.role() != InstanceRole::Owner {
            return Err(Error::forbidden(
                "owner_only",
                "only the instance owner can hand ownership over",
            ));
        }
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let target = manageable(&mut c, actor, user_id).await?;
        if target.suspended_at.is_some() {
            return Err(Error::conflict(
                "user_suspended",
                "a suspended account cannot own the instance",
            ));
        }
        let now = store::now();
        c.set_instance_role(actor.id(), InstanceRole::Admin.as_str(), now)
            .await?;
        c.set_instance_role(user_id, InstanceRole::Owner.as_str(), now)
            .await?;
        c.put_setting(SettingKey::OwnerUserId, &user_id, now)
            .await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "instance.transferred").target(Some(user_id)),
        )
        .await?;
        let user = c.user(user_id).await?;
        tx.commit().await?;
        Ok(user)
    }
}
