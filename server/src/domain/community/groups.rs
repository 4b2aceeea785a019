//! Groups inside a community (COM-3): public ones everybody joins, private ones by
//! invitation of their admins, personal ones assigned to a member by moderators.

use uuid::Uuid;

use super::access::{CommunityRole, GroupAccess, GroupRole, group_not_found};
use super::members::member_not_found;
use crate::api::ServerEvent;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta, validate};
use crate::store::{self, Group, GroupForUser, GroupMember, GroupMemberProfile, NewAuditEntry};

pub const MAX_GROUPS_PER_COMMUNITY: i64 = 200;
pub const NAME_MAX: usize = 64;
pub const DESCRIPTION_MAX: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct NewGroup {
    pub name: String,
    pub description: Option<String>,
    /// Default `public`; personal groups are always private.
    pub visibility: Option<String>,
    pub accent_color: Option<String>,
    /// Makes a personal group owned by this member (moderators and up).
    pub assigned_to: Option<Uuid>,
}

#[derive(Debug, Clone, Default)]
pub struct GroupChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub visibility: Option<String>,
    pub accent_color: Option<Option<String>>,
    pub position: Option<i32>,
}

impl Core {
    /// Creates a group: community admins and up, or moderators for a personal group.
    /// A public group takes in every community member at once.
    pub async fn create_group(
        &self,
        actor: &Actor,
        community_id: Uuid,
        input: NewGroup,
        meta: &RequestMeta,
    ) -> Result<Group> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.member_access(&mut c, actor, community_id).await?;
        let owner = match input.assigned_to {
            Some(user_id) => {
                access.require(CommunityRole::Moderator)?;
                c.community_member(community_id, user_id)
                    .await?
                    .ok_or_else(member_not_found)?;
                user_id
            }
            None => {
                access.require(CommunityRole::Admin)?;
                actor.id()
            }
        };
        let count = c.count_groups(community_id).await?;
        if count >= MAX_GROUPS_PER_COMMUNITY {
            return Err(Error::conflict(
                "group_limit",
                format!("a community has at most {MAX_GROUPS_PER_COMMUNITY} groups"),
            ));
        }
        let visibility = match input.assigned_to {
            Some(_) => "private",
            None => validate::one_of(
                "visibility",
                input.visibility.as_deref().unwrap_or("public"),
                &["public", "private"],
            )?,
        };
        let now = store::now();
        let group = Group {
            id: store::new_id(),
            community_id,
            name: validate::name("name", &input.name, NAME_MAX)?,
            description: validate::optional_text(
                "description",
                input.description.as_deref(),
                DESCRIPTION_MAX,
            )?,
            visibility: visibility.to_owned(),
            assigned_to: input.assigned_to,
            accent_color: input
                .accent_color
                .as_deref()
                .map(|c| validate::color("accent_color", c))
                .transpose()?,
            position: count as i32,
            icon_file_id: None,
            banner_file_id: None,
            created_at: now,
            updated_at: now,
        };
        c.insert_group(&group).await?;
        if visibility == "public" {
            c.add_all_community_members(group.id, community_id, now)
                .await?;
        }
        let membership = GroupMember {
            group_id: group.id,
            user_id: owner,
            role: GroupRole::Owner.as_str().to_owned(),
            joined_at: now,
        };
        c.upsert_group_member(&membership).await?;
        let entry = NewAuditEntry::by(actor.id(), "group.created")
            .community(community_id)
            .target(input.assigned_to)
            .details(serde_json::json!({ "group_id": group.id, "group_name": group.name }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.community_changed(community_id).await?;
        Ok(group)
    }

    /// The groups the actor can see in a community, with their role in each.
    pub async fn community_groups(
        &self,
        actor: &Actor,
        community_id: Uuid,
    ) -> Result<Vec<GroupForUser>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let access = self.member_access(&mut c, actor, community_id).await?;
        let all = c.groups_for_user(community_id, actor.id()).await?;
        Ok(all
            .into_iter()
            .filter(|g| {
                g.my_role.is_some() || g.group.visibility == "public" || access.sees_all_groups()
            })
            .collect())
    }

    pub async fn group(&self, actor: &Actor, group_id: Uuid) -> Result<GroupAccess> {
        self.group_access(&mut self.db.acquire().await?.conn(), actor, group_id)
            .await
    }

    pub async fn update_group(
        &self,
        actor: &Actor,
        group_id: Uuid,
        changes: GroupChanges,
        meta: &RequestMeta,
    ) -> Result<Group> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.group_access(&mut c, actor, group_id).await?;
        access.require_manage()?;
        let mut group = access.group;
        if let Some(name) = changes.name {
            group.name = validate::name("name", &name, NAME_MAX)?;
        }
        if let Some(description) = changes.description {
            group.description =
                validate::optional_text("description", description.as_deref(), DESCRIPTION_MAX)?;
        }
        if let Some(visibility) = changes.visibility {
            if group.assigned_to.is_some() && visibility != "private" {
                return Err(Error::invalid(
                    "visibility",
                    "a personal group stays private",
                ));
            }
            group.visibility =
                validate::one_of("visibility", &visibility, &["public", "private"])?.to_owned();
        }
        if let Some(color) = changes.accent_color {
            group.accent_color = color
                .as_deref()
                .map(|c| validate::color("accent_color", c))
                .transpose()?;
        }
        if let Some(position) = changes.position {
            if !(0..=1000).contains(&position) {
                return Err(Error::invalid("position", "position must be 0 to 1000"));
            }
            group.position = position;
        }
        group.updated_at = store::now();
        c.update_group(&group).await?;
        let entry = NewAuditEntry::by(actor.id(), "group.updated")
            .community(group.community_id)
            .details(serde_json::json!({ "group_id": group_id, "group_name": group.name }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.community_changed(group.community_id).await?;
        Ok(group)
    }

    /// Deletes a group and its channels: community admins, or the group's owner.
    pub async fn delete_group(
        &self,
        actor: &Actor,
        group_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.group_access(&mut c, actor, group_id).await?;
        let community_admin = access
            .community
            .authority()
            .is_some_and(|a| a >= CommunityRole::Admin);
        if !community_admin && access.role() != Some(GroupRole::Owner) {
            return Err(Error::forbidden(
                "insufficient_role",
                "only the group's owner or community admins may delete it",
            ));
        }
        c.delete_group(group_id).await?;
        let entry = NewAuditEntry::by(actor.id(), "group.deleted")
            .community(access.group.community_id)
            .details(serde_json::json!({ "group_id": group_id, "group_name": access.group.name }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.community_changed(access.group.community_id).await?;
        Ok(())
    }

    /// Joins a public group of a community the actor belongs to.
    pub async fn join_group(&self, actor: &Actor, group_id: Uuid) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.group_access(&mut c, actor, group_id).await?;
        if !access.community.is_member() {
            return Err(Error::forbidden("not_a_member", "join the community first"));
        }
        if access.group.visibility != "public" {
            return Err(Error::forbidden(
                "group_private",
                "this group is private: its admins add members",
            ));
        }
        if access.membership.is_none() {
            let member = GroupMember {
                group_id,
                user_id: actor.id(),
                role: GroupRole::Member.as_str().to_owned(),
                joined_at: store::now(),
            };
            c.upsert_group_member(&member).await?;
        }
        tx.commit().await?;
        self.refresh_subscriptions(actor.id()).await?;
        Ok(())
    }

    pub async fn leave_group(&self, actor: &Actor, group_id: Uuid) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.group_access(&mut c, actor, group_id).await?;
        if !c.remove_group_member(group_id, actor.id()).await? {
            return Err(Error::forbidden(
                "not_a_member",
                "you are not in this group",
            ));
        }
        drop(access);
        tx.commit().await?;
        self.refresh_subscriptions(actor.id()).await?;
        Ok(())
    }

    pub async fn group_members(
        &self,
        actor: &Actor,
        group_id: Uuid,
    ) -> Result<Vec<GroupMemberProfile>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.group_access(&mut c, actor, group_id).await?;
        Ok(c.group_members(group_id).await?)
    }

    /// Adds a community member to a group or changes their group role. Group admins
    /// grant `member`; group owners also `admin`; community admins any role.
    pub async fn set_group_member(
        &self,
        actor: &Actor,
        group_id: Uuid,
        user_id: Uuid,
        role: GroupRole,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.group_access(&mut c, actor, group_id).await?;
        access.require_manage()?;
        self.require_group_rank(
            &access,
            c.group_member(group_id, user_id)
                .await?
                .map(|m| GroupRole::parse(&m.role)),
            role,
        )?;
        c.community_member(access.group.community_id, user_id)
            .await?
            .ok_or_else(member_not_found)?;
        let member = GroupMember {
            group_id,
            user_id,
            role: role.as_str().to_owned(),
            joined_at: store::now(),
        };
        c.upsert_group_member(&member).await?;
        let entry = NewAuditEntry::by(actor.id(), "group.member_set")
            .community(access.group.community_id)
            .target(Some(user_id))
            .details(serde_json::json!({
                "group_id": group_id,
                "group_name": access.group.name,
                "role": role.as_str(),
            }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.refresh_subscriptions(user_id).await?;
        self.events.to_user(user_id, &ServerEvent::AccessChanged);
        Ok(())
    }

    pub async fn remove_group_member(
        &self,
        actor: &Actor,
        group_id: Uuid,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.group_access(&mut c, actor, group_id).await?;
        access.require_manage()?;
        let current = c
            .group_member(group_id, user_id)
            .await?
            .map(|m| GroupRole::parse(&m.role));
        let Some(current) = current else {
            return Err(member_not_found());
        };
        self.require_group_rank(&access, Some(current), GroupRole::Member)?;
        c.remove_group_member(group_id, user_id).await?;
        let entry = NewAuditEntry::by(actor.id(), "group.member_removed")
            .community(access.group.community_id)
            .target(Some(user_id))
            .details(serde_json::json!({ "group_id": group_id, "group_name": access.group.name }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.refresh_subscriptions(user_id).await?;
        self.events.to_user(user_id, &ServerEvent::AccessChanged);
        Ok(())
    }

    /// Group-level ranking: community admins may do anything; otherwise the actor's
    /// group role must be above both the target's current and new role.
    fn require_group_rank(
        &self,
        access: &GroupAccess,
        current: Option<GroupRole>,
        new: GroupRole,
    ) -> Result<()> {
        if access
            .community
            .authority()
            .is_some_and(|a| a >= CommunityRole::Admin)
        {
            return Ok(());
        }
        let mine = access.role().ok_or_else(group_not_found)?;
        if current.is_some_and(|c| c >= mine) || new >= mine {
            return Err(Error::forbidden(
                "target_outranks_you",
                "you cannot act on a group member with a role equal to or higher than yours",
            ));
        }
        Ok(())
    }
}
