//! Creating, reading, changing, deleting, transferring and leaving communities (COM-1).

use uuid::Uuid;

use super::access::{CommunityAccess, CommunityRole, community_not_found};
use crate::api::{CommunityThemeUpdate, ServerEvent};
use crate::config::CommunityCreationMode;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, InstanceRole, RequestMeta, validate};
use crate::events::Topic;
use crate::store::{
    self, Community, CommunityMember, CommunitySummary, MyCommunity, NewAuditEntry,
};

pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 1000;
pub const WELCOME_MAX: usize = 2000;
pub const VISIBILITIES: &[&str] = &["public", "private"];
pub const INVITE_POLICIES: &[&str] = &["member", "moderator", "admin"];

#[derive(Debug, Clone, Default)]
pub struct NewCommunity {
    pub name: String,
    pub description: Option<String>,
    pub welcome_message: Option<String>,
    /// Default `private`.
    pub visibility: Option<String>,
    /// Default false; only public communities are listed.
    pub discoverable: Option<bool>,
    /// Default `moderator`.
    pub who_can_create_invites: Option<String>,
}

/// A settings change; `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct CommunityChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub welcome_message: Option<Option<String>>,
    pub visibility: Option<String>,
    pub discoverable: Option<bool>,
    pub who_can_create_invites: Option<String>,
    pub theme: Option<CommunityThemeUpdate>,
}

impl Core {
    /// Creates a community owned by the actor (`COMMUNITY_CREATION_MODE` decides who may).
    pub async fn create_community(
        &self,
        actor: &Actor,
        input: NewCommunity,
        meta: &RequestMeta,
    ) -> Result<CommunitySummary> {
        if self.config.community_creation_mode == CommunityCreationMode::AdminOnly
            && actor.role() < InstanceRole::Admin
        {
            return Err(Error::forbidden(
                "community_creation_restricted",
                "only instance administrators may create communities",
            ));
        }
        let now = store::now();
        let community = Community {
            id: store::new_id(),
            name: validate::name("name", &input.name, NAME_MAX)?,
            description: validate::optional_text(
                "description",
                input.description.as_deref(),
                DESCRIPTION_MAX,
            )?,
            welcome_message: validate::optional_text(
                "welcome_message",
                input.welcome_message.as_deref(),
                WELCOME_MAX,
            )?,
            visibility: validate::one_of(
                "visibility",
                input.visibility.as_deref().unwrap_or("private"),
                VISIBILITIES,
            )?
            .to_owned(),
            discoverable: input.discoverable.unwrap_or(false),
            who_can_create_invites: validate::one_of(
                "who_can_create_invites",
                input
                    .who_can_create_invites
                    .as_deref()
                    .unwrap_or("moderator"),
                INVITE_POLICIES,
            )?
            .to_owned(),
            owner_id: actor.id(),
            icon_file_id: None,
            banner_file_id: None,
            created_at: now,
            updated_at: now,
            theme_palette: None,
            theme_accent: None,
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.insert_community(&community).await?;
        c.insert_community_member(&CommunityMember {
            community_id: community.id,
            user_id: actor.id(),
            role: CommunityRole::Owner.as_str().to_owned(),
            nickname: None,
            timed_out_until: None,
            joined_at: now,
        })
        .await?;
        let entry = NewAuditEntry::by(actor.id(), "community.created").community(community.id);
        self.audit(&mut c, meta, entry).await?;
        let summary = c
            .community_summary(community.id)
            .await?
            .ok_or_else(community_not_found)?;
        tx.commit().await?;
        Ok(summary)
    }

    /// A community and the actor's standing in it (404 for private ones they are not in).
    pub async fn community(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(CommunitySummary, CommunityAccess)> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let access = self.community_access(&mut c, actor, id).await?;
        let summary = c
            .community_summary(id)
            .await?
            .ok_or_else(community_not_found)?;
        Ok((summary, access))
    }

    pub async fn my_communities(&self, actor: &Actor) -> Result<Vec<MyCommunity>> {
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .communities_of_user(actor.id())
            .await?)
    }

    /// Public, discoverable communities, newest first (`limit` clamped to 1..=100).
    pub async fn discover_communities(
        &self,
        query: Option<&str>,
        before: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<CommunitySummary>> {
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        if query.is_some_and(|q| q.chars().count() > NAME_MAX) {
            return Err(Error::invalid("query", "query is too long"));
        }
        let limit = i64::from(limit.unwrap_or(50).clamp(1, 100));
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .discoverable_communities(query, before, limit)
            .await?)
    }

    /// Changes settings (community admins and up).
    pub async fn update_community(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: CommunityChanges,
        meta: &RequestMeta,
    ) -> Result<CommunitySummary> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.community_access(&mut c, actor, id).await?;
        access.require(CommunityRole::Admin)?;
        let mut community = access.community;
        if let Some(name) = changes.name {
            community.name = validate::name("name", &name, NAME_MAX)?;
        }
        if let Some(description) = changes.description {
            community.description =
                validate::optional_text("description", description.as_deref(), DESCRIPTION_MAX)?;
        }
        if let Some(welcome) = changes.welcome_message {
            community.welcome_message =
                validate::optional_text("welcome_message", welcome.as_deref(), WELCOME_MAX)?;
        }
        if let Some(visibility) = changes.visibility {
            community.visibility =
                validate::one_of("visibility", &visibility, VISIBILITIES)?.to_owned();
        }
        if let Some(discoverable) = changes.discoverable {
            community.discoverable = discoverable;
        }
        if let Some(policy) = changes.who_can_create_invites {
            community.who_can_create_invites =
                validate::one_of("who_can_create_invites", &policy, INVITE_POLICIES)?.to_owned();
        }
        if let Some(theme) = changes.theme {
            if let Some(palette) = theme.palette {
                community.theme_palette = palette.map(|p| p.as_str().to_owned());
            }
            if let Some(accent) = theme.accent {
                community.theme_accent = accent
                    .map(|raw| validate::color("accent", &raw))
                    .transpose()?;
            }
        }
        community.updated_at = store::now();
        c.update_community(&community).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "community.updated").community(id),
        )
        .await?;
        let summary = c
            .community_summary(id)
            .await?
            .ok_or_else(community_not_found)?;
        tx.commit().await?;
        self.publish_community_updated(id).await?;
        Ok(summary)
    }

    /// Deletes a community and everything in it: its owner, or instance staff.
    pub async fn delete_community(
        &self,
        actor: &Actor,
        id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.community_access(&mut c, actor, id).await?;
        access.require_member()?;
        if !access.is_owner() && !access.is_staff() {
            return Err(Error::forbidden(
                "owner_only",
                "only the community's owner may delete it",
            ));
        }
        let details =
            serde_json::json!({ "community_id": id, "community_name": access.community.name });
        let members = c.community_member_ids(id).await?;
        c.delete_community(id).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "community.deleted").details(details),
        )
        .await?;
        tx.commit().await?;
        self.refresh_many(&members).await?;
        let event = ServerEvent::CommunityRemoved {
            community_id: id,
            reason: "deleted".into(),
        };
        self.events
            .publish(members.into_iter().map(Topic::User).collect(), &event, None);
        Ok(())
    }

    /// Hands the community to another member; the previous owner becomes an admin.
    pub async fn transfer_community(
        &self,
        actor: &Actor,
        id: Uuid,
        new_owner: Uuid,
        meta: &RequestMeta,
    ) -> Result<CommunitySummary> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.community_access(&mut c, actor, id).await?;
        access.require_member()?;
        if !access.is_owner() {
            return Err(Error::forbidden(
                "owner_only",
                "only the community's owner may transfer it",
            ));
        }
        if new_owner == actor.id() {
            return Err(Error::bad_request(
                "cannot_target_self",
                "you already own this community",
            ));
        }
        let Some(mut target) = c.community_member(id, new_owner).await? else {
            return Err(Error::not_found(
                "member_not_found",
                "the new owner must be a member of the community",
            ));
        };
        let mut previous = access
            .membership
            .clone()
            .ok_or_else(|| anyhow::anyhow!("owner without membership"))?;
        previous.role = CommunityRole::Admin.as_str().to_owned();
        target.role = CommunityRole::Owner.as_str().to_owned();
        target.timed_out_until = None;
        c.update_community_member(&previous).await?;
        c.update_community_member(&target).await?;
        let mut community = access.community;
        community.owner_id = new_owner;
        community.updated_at = store::now();
        c.update_community(&community).await?;
        let entry = NewAuditEntry::by(actor.id(), "community.transferred")
            .community(id)
            .target(Some(new_owner));
        self.audit(&mut c, meta, entry).await?;
        let summary = c
            .community_summary(id)
            .await?
            .ok_or_else(community_not_found)?;
        let profiles = [
            c.member_profile(id, actor.id()).await?,
            c.member_profile(id, new_owner).await?,
        ];
        tx.commit().await?;
        for profile in profiles.into_iter().flatten() {
            let user = profile.member.user_id;
            self.member_changed(
                id,
                user,
                Some(ServerEvent::MemberUpdated {
                    community_id: id,
                    member: profile.into(),
                }),
            )
            .await?;
        }
        Ok(summary)
    }

    /// Leaves a community (and its groups). The owner must transfer it first.
    pub async fn leave_community(&self, actor: &Actor, id: Uuid, meta: &RequestMeta) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.community_access(&mut c, actor, id).await?;
        if !access.is_member() {
            return Err(Error::forbidden(
                "not_a_member",
                "you are not a member of this community",
            ));
        }
        if access.is_owner() {
            return Err(Error::conflict(
                "owner_cannot_leave",
                "transfer the community to another member before leaving",
            ));
        }
        c.remove_community_member(id, actor.id()).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "community.left").community(id),
        )
        .await?;
        tx.commit().await?;
        self.member_removed(id, actor.id(), "left").await
    }
}
