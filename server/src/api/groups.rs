use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::community::{ChannelChanges, GroupChanges, GroupRole, NewChannel, NewGroup};
use crate::store::{Channel, Group, GroupForUser, GroupMemberProfile};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupView {
    pub id: Uuid,
    pub community_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// `public` or `private`.
    pub visibility: String,
    /// The member a personal group belongs to.
    pub assigned_to: Option<Uuid>,
    pub accent_color: Option<String>,
    pub position: i32,
    /// The caller's role in the group, when they are in it.
    pub my_role: Option<GroupRole>,
    pub created_at: DateTime<Utc>,
}

impl GroupView {
    pub fn new(g: Group, my_role: Option<GroupRole>) -> GroupView {
        GroupView {
            id: g.id,
            community_id: g.community_id,
            name: g.name,
            description: g.description,
            visibility: g.visibility,
            assigned_to: g.assigned_to,
            accent_color: g.accent_color,
            position: g.position,
            my_role,
            created_at: g.created_at,
        }
    }
}

impl From<GroupForUser> for GroupView {
    fn from(g: GroupForUser) -> Self {
        let role = g.my_role.as_deref().map(GroupRole::parse);
        GroupView::new(g.group, role)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// 1–64 characters.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `public` (default) or `private`.
    #[serde(default)]
    pub visibility: Option<String>,
    /// `#rrggbb`.
    #[serde(default)]
    pub accent_color: Option<String>,
    /// Makes a private personal group owned by this member (moderators and up).
    #[serde(default)]
    pub assigned_to: Option<Uuid>,
}

impl From<CreateGroupRequest> for NewGroup {
    fn from(r: CreateGroupRequest) -> Self {
        NewGroup {
            name: r.name,
            description: r.description,
            visibility: r.visibility,
            accent_color: r.accent_color,
            assigned_to: r.assigned_to,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub accent_color: Option<Option<String>>,
    #[serde(default)]
    pub position: Option<i32>,
}

impl From<UpdateGroupRequest> for GroupChanges {
    fn from(r: UpdateGroupRequest) -> Self {
        GroupChanges {
            name: r.name,
            description: r.description,
            visibility: r.visibility,
            accent_color: r.accent_color,
            position: r.position,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupMemberView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: GroupRole,
    pub joined_at: DateTime<Utc>,
}

impl From<GroupMemberProfile> for GroupMemberView {
    fn from(p: GroupMemberProfile) -> Self {
        GroupMemberView {
            user_id: p.member.user_id,
            username: p.username,
            display_name: p.display_name,
            role: GroupRole::parse(&p.member.role),
            joined_at: p.member.joined_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetGroupMemberRequest {
    pub role: GroupRole,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelView {
    pub id: Uuid,
    /// `None` for direct messages.
    pub group_id: Option<Uuid>,
    /// `None` for direct messages.
    pub community_id: Option<Uuid>,
    pub name: String,
    /// `text`, `voice`, `dm` or `group_dm`.
    pub kind: String,
    pub topic: Option<String>,
    pub position: i32,
    /// 0 = off.
    pub slow_mode_secs: i32,
    pub read_only: bool,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
}

impl From<Channel> for ChannelView {
    fn from(c: Channel) -> Self {
        ChannelView {
            id: c.id,
            group_id: c.group_id,
            community_id: c.community_id,
            name: c.name,
            kind: c.kind,
            topic: c.topic,
            position: c.position,
            slow_mode_secs: c.slow_mode_secs,
            read_only: c.read_only,
            archived: c.archived,
            created_at: c.created_at,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChannelRequest {
    /// 1–64 characters.
    pub name: String,
    /// `text` (default) or `voice`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    /// 0 (off) or 5–600 seconds.
    #[serde(default)]
    pub slow_mode_secs: Option<u32>,
    #[serde(default)]
    pub read_only: Option<bool>,
}

impl From<CreateChannelRequest> for NewChannel {
    fn from(r: CreateChannelRequest) -> Self {
        NewChannel {
            name: r.name,
            kind: r.kind,
            topic: r.topic,
            slow_mode_secs: r.slow_mode_secs,
            read_only: r.read_only,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub topic: Option<Option<String>>,
    #[serde(default)]
    pub slow_mode_secs: Option<u32>,
    #[serde(default)]
    pub read_only: Option<bool>,
    #[serde(default)]
    pub archived: Option<bool>,
    #[serde(default)]
    pub position: Option<i32>,
}

impl From<UpdateChannelRequest> for ChannelChanges {
    fn from(r: UpdateChannelRequest) -> Self {
        ChannelChanges {
            name: r.name,
            topic: r.topic,
            slow_mode_secs: r.slow_mode_secs,
            read_only: r.read_only,
            archived: r.archived,
            position: r.position,
        }
    }
}
