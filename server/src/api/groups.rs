use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CommunityRole, GroupRole};

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
    pub icon_file_id: Option<Uuid>,
    pub banner_file_id: Option<Uuid>,
    pub position: i32,
    /// The caller's role in the group, when they are in it.
    pub my_role: Option<GroupRole>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// 1–64 characters, one line, without text-direction controls.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub name: String,
    /// Up to 500 characters.
    #[serde(default)]
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub description: Option<String>,
    /// `public` (default) or `private`.
    #[serde(default)]
    #[schema(pattern = r"^(public|private)$")]
    pub visibility: Option<String>,
    /// `#rrggbb`.
    #[serde(default)]
    #[schema(pattern = r"^#[0-9A-Fa-f]{6}$")]
    pub accent_color: Option<String>,
    /// Makes a private personal group owned by this member (moderators and up).
    #[serde(default)]
    pub assigned_to: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupRequest {
    /// 1–64 characters, one line, without text-direction controls.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub name: Option<String>,
    /// Up to 500 characters; blank or `null` clears it.
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 500, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub description: Option<Option<String>>,
    /// `public` or `private` (a personal group stays private).
    #[serde(default)]
    #[schema(pattern = r"^(public|private)$")]
    pub visibility: Option<String>,
    /// `#rrggbb`, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, pattern = r"^#[0-9A-Fa-f]{6}$")]
    pub accent_color: Option<Option<String>>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub position: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupMemberView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub avatar_file_id: Option<Uuid>,
    pub role: GroupRole,
    pub joined_at: DateTime<Utc>,
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
    /// Whether messages here show link previews.
    pub link_previews: bool,
    /// The lowest community role allowed to do each thing here.
    pub permissions: ChannelPermissions,
    pub created_at: DateTime<Utc>,
    /// Who is in the call, for voice channels in channel lists; absent elsewhere
    /// (absent means unknown, not empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_participants: Option<Vec<super::VoiceParticipantView>>,
}

/// The lowest community role that may do each thing in a channel (COM-4); staff
/// count as owners. In direct messages everyone may do everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChannelPermissions {
    /// Send messages (read-only channels: admins, whatever this says).
    pub post: CommunityRole,
    /// Add reactions.
    pub react: CommunityRole,
    /// Start a thread from a message (replying in one needs `post`).
    pub create_threads: CommunityRole,
    /// Notify everyone with `@everyone`, `@channel` and `@here`.
    pub mention_everyone: CommunityRole,
}

/// Only the fields sent change.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelPermissionsUpdate {
    #[serde(default)]
    pub post: Option<CommunityRole>,
    #[serde(default)]
    pub react: Option<CommunityRole>,
    #[serde(default)]
    pub create_threads: Option<CommunityRole>,
    #[serde(default)]
    pub mention_everyone: Option<CommunityRole>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChannelRequest {
    /// 1–64 characters, one line, without text-direction controls.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub name: String,
    /// `text` (default) or `voice`.
    #[serde(default)]
    #[schema(pattern = r"^(text|voice)$")]
    pub kind: Option<String>,
    /// Up to 1024 characters.
    #[serde(default)]
    #[schema(max_length = 1024, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub topic: Option<String>,
    /// 0 (off) or 5–600 seconds.
    #[serde(default)]
    #[schema(maximum = 600)]
    pub slow_mode_secs: Option<u32>,
    #[serde(default)]
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelRequest {
    /// 1–64 characters, one line, without text-direction controls.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub name: Option<String>,
    /// Up to 1024 characters; blank or `null` clears it.
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 1024, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub topic: Option<Option<String>>,
    /// 0 (off) or 5–600 seconds.
    #[serde(default)]
    #[schema(maximum = 600)]
    pub slow_mode_secs: Option<u32>,
    #[serde(default)]
    pub read_only: Option<bool>,
    #[serde(default)]
    pub archived: Option<bool>,
    /// Show link previews under messages here.
    #[serde(default)]
    pub link_previews: Option<bool>,
    /// Changes the lowest role for some of the channel's permissions.
    #[serde(default)]
    pub permissions: Option<ChannelPermissionsUpdate>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub position: Option<i32>,
}
