//! Community invites (COM-2): create under the community's policy, preview without
//! joining, accept, list, revoke; and whether an invite admits a new person to the
//! server (see [`Core::invite_admits_new_accounts`]).

use uuid::Uuid;

use super::access::{CommunityRole, community_not_found};
use crate::api::ServerEvent;
use crate::auth::secrets;
use crate::config::RegistrationMode;
use crate::domain::InstanceRole;
use crate::domain::error::{Error, Result};
use crate::domain::invites::InviteState;
use crate::domain::{Actor, Core, NewInvite, RequestMeta};
use crate::store::{
    self, CommunityInvite, CommunityMember, CommunitySummary, Conn, NewAuditEntry, SettingKey,
};

/// What an invite leads to, as a person who has not joined yet sees it.
#[derive(Debug, Clone)]
pub struct InviteLanding {
    pub invite: CommunityInvite,
    pub community: CommunitySummary,
    /// The inviter's display name (none once their account is gone).
    pub invited_by: Option<String>,
    /// Whether a person without an account may create one with this invite.
    pub admits_new_accounts: bool,
}

fn invite_not_found() -> Error {
    Error::not_found(
        "invite_not_found",
        "this invite does not exist or was revoked",
    )
}

/// The invite `code` names, its community and its state now; none when the code is
/// unknown or the community is gone.
pub(crate) async fn invite_by_code(
    c: &mut Conn<'_>,
    code: &str,
) -> Result<Option<(CommunityInvite, CommunitySummary, InviteState)>> {
    let code = secrets::normalize_code(code);
    let Some(invite) = c.community_invite_by_code(&code).await? else {
        return Ok(None);
    };
    let Some(community) = c.community_summary(invite.community_id).await? else {
        return Ok(None);
    };
    let state = InviteState::of(
        invite.revoked_at,
        invite.expires_at,
        invite.max_uses,
        invite.uses,
        store::now(),
    );
    Ok(Some((invite, community, state)))
}

/// A usable invite and its community, or why it cannot be used.
async fn live_invite(c: &mut Conn<'_>, code: &str) -> Result<(CommunityInvite, CommunitySummary)> {
    let (invite, community, state) = invite_by_code(c, code)
        .await?
        .ok_or_else(invite_not_found)?;
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

/// A join made while registering, to announce after the transaction commits.
#[derive(Debug)]
pub(crate) struct InviteJoin {
    community_id: Uuid,
    user_id: Uuid,
    event: Option<ServerEvent>,
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
    pub async fn preview_invite(&self, code: &str) -> Result<InviteLanding> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let (invite, community) = live_invite(&mut c, code).await?;
        let invited_by = match invite.created_by {
            Some(id) => c.user_by_id(id).await?.map(|u| u.display_name),
            None => None,
        };
        let admits_new_accounts = match self.config.registration_mode {
            RegistrationMode::Open => true,
            RegistrationMode::Closed => false,
            RegistrationMode::InviteOnly => {
                self.invite_admits_new_accounts(&mut c, &invite).await?
            }
        };
        Ok(InviteLanding {
            invite,
            community,
            invited_by,
            admits_new_accounts,
        })
    }

    /// The rule on an invite-only server: a community invite also admits a new
    /// person to the server when its creator is, now, a moderator or more of that
    /// community or an instance administrator, unless an administrator turned this
    /// off (`community_invites_admit_new_accounts`). Members' invites never do: a
    /// member cannot let strangers in.
    pub(crate) async fn invite_admits_new_accounts(
        &self,
        c: &mut Conn<'_>,
        invite: &CommunityInvite,
    ) -> Result<bool> {
        if !self.community_invites_admit(c).await? {
            return Ok(false);
        }
        let Some(creator) = invite.created_by else {
            return Ok(false);
        };
        let Some(user) = c.user_by_id(creator).await? else {
            return Ok(false);
        };
        if user.suspended_at.is_some() {
            return Ok(false);
        }
        if InstanceRole::parse(&user.instance_role) >= InstanceRole::Admin {
            return Ok(true);
        }
        Ok(c.community_member(invite.community_id, creator)
            .await?
            .is_some_and(|m| CommunityRole::parse(&m.role) >= CommunityRole::Moderator))
    }

    /// The administrators' switch for [`Core::invite_admits_new_accounts`] (on
    /// unless turned off).
    pub(crate) async fn community_invites_admit(&self, c: &mut Conn<'_>) -> Result<bool> {
        Ok(c.setting::<bool>(SettingKey::CommunityInvitesAdmit)
            .await?
            .unwrap_or(true))
    }

    /// Joins a new account to the community whose invite admitted it (one use of
    /// the invite), inside the registration's transaction. Returns the event to
    /// announce once committed.
    pub(crate) async fn join_on_registration(
        &self,
        c: &mut Conn<'_>,
        invite: &CommunityInvite,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<InviteJoin> {
        if !c.consume_community_invite(invite.id, store::now()).await? {
            return Err(
                Error::forbidden("invite_used_up", "this invite code has been used up")
                    .on_field("invite_code"),
            );
        }
        let community_id = invite.community_id;
        self.add_member(c, community_id, user_id).await?;
        let entry = NewAuditEntry::by(user_id, "community.joined")
            .community(community_id)
            .details(serde_json::json!({ "invite_id": invite.id, "on_registration": true }));
        self.audit(c, meta, entry).await?;
        let event =
            c.member_profile(community_id, user_id)
                .await?
                .map(|p| ServerEvent::MemberJoined {
                    community_id,
                    member: p.into(),
                });
        Ok(InviteJoin {
            community_id,
            user_id,
            event,
        })
    }

    /// Announces a join made by [`Core::join_on_registration`], after the commit.
    pub(crate) async fn announce_join(&self, join: InviteJoin) -> Result<()> {
        self.member_changed(join.community_id, join.user_id, join.event)
            .await
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
