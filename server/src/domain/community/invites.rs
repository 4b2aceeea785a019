//! Community invites (COM-2): create under the community's policy, preview without
//! joining, accept, list, revoke.

use uuid::Uuid;

use super::access::{CommunityRole, community_not_found};
use crate::api::ServerEvent;
use crate::auth::secrets;
use crate::domain::error::{Error, Result};
use crate::domain::invites::InviteState;
use crate::domain::{Actor, Core, NewInvite, RequestMeta};
use crate::store::{self, CommunityInvite, CommunityMember, CommunitySummary, Conn, NewAuditEntry};

fn invite_not_found() -> Error {
    Error::not_found(
        "invite_not_found",
        "this invite does not exist or was revoked",
    )
}

/// A usable invite and its community, or why it cannot be used.
async fn live_invite(c: &mut Conn<'_>, code: &str) -> Result<(CommunityInvite, CommunitySummary)> {
    let code = secrets::normalize_code(code);
    let invite = c
        .community_invite_by_code(&code)
        .await?
        .ok_or_else(invite_not_found)?;
    let community = c
        .community_summary(invite.community_id)
        .await?
        .ok_or_else(invite_not_found)?;
    let state = InviteState::of(
        invite.revoked_at,
        invite.expires_at,
        invite.max_uses,
        invite.uses,
        store::now(),
    );
    match state {
        InviteState::Usable => {}
        InviteState::Revoked => return Err(invite_not_found()),
        InviteState::Expired => {
            return Err(Error::gone("invite_expired", "this invite has expired"));
        }
        InviteState::UsedUp => {
            return Err(Error::gone(
                "invite_used_up",
                "this invite has been used up",
            ));
        }
    }
    Ok((invite, community))
}

impl Core {
    pub async fn create_community_invite(
        &self,
        actor: &Actor,
        id: Uuid,
        input: NewInvite,
        meta: &RequestMeta,
    ) -> Result<CommunityInvite> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.member_access(&mut c, actor, id).await?;
        access.require(CommunityRole::parse(
            &access.community.who_can_create_invites,
        ))?;
        let now = store::now();
        let (max_uses, expires_at) = input.limits(now)?;
        let creator = c.user_by_id(actor.id()).await?;
        let invite = CommunityInvite {
            id: store::new_id(),
            community_id: id,
            code: secrets::random_code(10),
            created_by: Some(actor.id()),
            created_by_username: creator.map(|u| u.username),
            max_uses,
            uses: 0,
            expires_at,
            revoked_at: None,
            created_at: now,
        };
        c.insert_community_invite(&invite).await?;
        let entry = NewAuditEntry::by(actor.id(), "community.invite_created")
            .community(id)
            .details(serde_json::json!({ "invite_id": invite.id }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        Ok(invite)
    }

    /// Every invite of a community, newest first (moderators and up).
    pub async fn community_invites(&self, actor: &Actor, id: Uuid) -> Result<Vec<CommunityInvite>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.member_access(&mut c, actor, id)
            .await?
            .require(CommunityRole::Moderator)?;
        Ok(c.community_invites(id).await?)
    }

    /// Revokes an invite: its creator, or moderators and up.
    pub async fn revoke_community_invite(
        &self,
        actor: &Actor,
        id: Uuid,
        invite_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.member_access(&mut c, actor, id).await?;
        let invite = c
            .community_invite(id, invite_id)
            .await?
            .ok_or_else(invite_not_found)?;
        if invite.created_by != Some(actor.id()) {
            access.require(CommunityRole::Moderator)?;
        }
        c.revoke_community_invite(invite_id, store::now()).await?;
        let entry = NewAuditEntry::by(actor.id(), "community.invite_revoked")
            .community(id)
            .details(serde_json::json!({ "invite_id": invite_id }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What an invite leads to, without joining (no sign-in needed).
    pub async fn preview_invite(&self, code: &str) -> Result<(CommunityInvite, CommunitySummary)> {
        live_invite(&mut self.db.acquire().await?.conn(), code).await
    }

    /// Joins the invite's community (and its public groups). Banned users cannot.
    pub async fn accept_invite(
        &self,
        actor: &Actor,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<CommunitySummary> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (invite, community) = live_invite(&mut c, code).await?;
        let id = community.community.id;
        if c.is_banned(id, actor.id()).await? {
            return Err(Error::forbidden(
                "banned",
                "you are banned from this community",
            ));
        }
        if c.community_member(id, actor.id()).await?.is_some() {
            return Err(Error::conflict(
                "already_member",
                "you are already a member of this community",
            ));
        }
        if !c.consume_community_invite(invite.id, store::now()).await? {
            return Err(Error::gone(
                "invite_used_up",
                "this invite has been used up",
            ));
        }
        self.add_member(&mut c, id, actor.id()).await?;
        let entry = NewAuditEntry::by(actor.id(), "community.joined")
            .community(id)
            .details(serde_json::json!({ "invite_id": invite.id }));
        self.audit(&mut c, meta, entry).await?;
        let summary = c
            .community_summary(id)
            .await?
            .ok_or_else(community_not_found)?;
        let profile = c.member_profile(id, actor.id()).await?;
        tx.commit().await?;
        let event = profile.map(|p| ServerEvent::MemberJoined {
            community_id: id,
            member: p.into(),
        });
        self.member_changed(id, actor.id(), event).await?;
        Ok(summary)
    }

    /// Makes a user a plain member, in every public group too.
    pub(super) async fn add_member(
        &self,
        c: &mut Conn<'_>,
        community_id: Uuid,
        user_id: Uuid,
    ) -> Result<()> {
        let now = store::now();
        c.insert_community_member(&CommunityMember {
            community_id,
            user_id,
            role: CommunityRole::Member.as_str().to_owned(),
            nickname: None,
            timed_out_until: None,
            joined_at: now,
        })
        .await?;
        c.join_public_groups(community_id, user_id, now).await?;
        Ok(())
    }
}
