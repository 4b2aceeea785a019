//! The member list, roles and nicknames (COM-1).

use uuid::Uuid;

use super::access::{CommunityRole, Rank};
use crate::api::ServerEvent;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta, validate};
use crate::store::{MemberProfile, NewAuditEntry};

pub const NICKNAME_MAX: usize = 64;

/// A member change; `nickname: Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct MemberChanges {
    pub role: Option<CommunityRole>,
    pub nickname: Option<Option<String>>,
}

pub(crate) fn member_not_found() -> Error {
    Error::not_found("member_not_found", "no such member in this community")
}

impl Core {
    /// Members by user ID after `after` (`limit` clamped to 1..=200).
    pub async fn community_members(
        &self,
        actor: &Actor,
        id: Uuid,
        after: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<MemberProfile>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.member_access(&mut c, actor, id).await?;
        let limit = i64::from(limit.unwrap_or(100).clamp(1, 200));
        Ok(c.community_members(id, after, limit).await?)
    }

    /// Promotes, demotes or renames a member. Roles: only to a role below the actor's,
    /// only for a member below the actor, never to owner (that is a transfer).
    /// Nicknames: one's own, or a lower member's for moderators and up.
    pub async fn update_member(
        &self,
        actor: &Actor,
        id: Uuid,
        user_id: Uuid,
        changes: MemberChanges,
        meta: &RequestMeta,
    ) -> Result<MemberProfile> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.member_access(&mut c, actor, id).await?;
        let mut member = c
            .community_member(id, user_id)
            .await?
            .ok_or_else(member_not_found)?;
        let current = CommunityRole::parse(&member.role);
        let is_self = user_id == actor.id();
        let rank = Rank::of(&mut c, id, user_id)
            .await?
            .ok_or_else(member_not_found)?;

        if let Some(role) = changes.role {
            if role == CommunityRole::Owner {
                return Err(Error::bad_request(
                    "use_transfer",
                    "ownership changes hands by transferring the community",
                ));
            }
            if is_self {
                return Err(Error::forbidden(
                    "cannot_target_self",
                    "you cannot change your own role",
                ));
            }
            access.require(CommunityRole::Admin)?;
            access.require_above_person(&rank)?;
            access.require_above(role)?;
            member.role = role.as_str().to_owned();
            let entry = NewAuditEntry::by(actor.id(), "community.role_changed")
                .community(id)
                .target(Some(user_id))
                .details(serde_json::json!({ "from": current.as_str(), "to": role.as_str() }));
            self.audit(&mut c, meta, entry).await?;
        }
        if let Some(nickname) = changes.nickname {
            if !is_self {
                access.require(CommunityRole::Moderator)?;
                access.require_above_person(&rank)?;
            }
            member.nickname =
                validate::optional_text("nickname", nickname.as_deref(), NICKNAME_MAX)?;
        }
        c.update_community_member(&member).await?;
        let updated = c
            .member_profile(id, user_id)
            .await?
            .ok_or_else(member_not_found)?;
        tx.commit().await?;
        let event = ServerEvent::MemberUpdated {
            community_id: id,
            member: updated.clone().into(),
        };
        self.member_changed(id, user_id, Some(event)).await?;
        Ok(updated)
    }
}
