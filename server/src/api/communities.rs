use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::CommunityRole;

/// A community as its members (or, when public, anyone) see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityView {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub welcome_message: Option<String>,
    /// `public` or `private`.
    pub visibility: String,
    pub discoverable: bool,
    /// Lowest role that may create invites: `member`, `moderator` or `admin`.
    pub who_can_create_invites: String,
    pub owner_id: Uuid,
    pub icon_file_id: Option<Uuid>,
    pub banner_file_id: Option<Uuid>,
    pub member_count: i64,
    /// The caller's role, when they are a member.
    pub my_role: Option<CommunityRole>,
    /// Colours shown while members are in the community.
    pub theme: CommunityTheme,
    pub created_at: DateTime<Utc>,
}

/// A community's theme overrides (COM-1); none keeps each member's own choice.
/// Clients apply them while the community is open, except for members who chose the
/// high-contrast palette.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommunityTheme {
    pub palette: Option<super::Palette>,
    /// `#rrggbb`.
    #[schema(pattern = r"^#[0-9a-f]{6}$")]
    pub accent: Option<String>,
}

/// Only the fields sent change; `null` removes an override.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityThemeUpdate {
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<super::Palette>)]
    pub palette: Option<Option<super::Palette>>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, pattern = r"^#[0-9A-Fa-f]{6}$")]
    pub accent: Option<Option<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommunityRequest {
    /// 1–100 characters, one line, without text-direction controls.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub name: String,
    /// Up to 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub description: Option<String>,
    /// Up to 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub welcome_message: Option<String>,
    /// `public` or `private` (default).
    #[serde(default)]
    #[schema(pattern = r"^(public|private)$")]
    pub visibility: Option<String>,
    /// Listed in discovery (public communities only); default false.
    #[serde(default)]
    pub discoverable: Option<bool>,
    /// `member`, `moderator` (default) or `admin`.
    #[serde(default)]
    #[schema(pattern = r"^(member|moderator|admin)$")]
    pub who_can_create_invites: Option<String>,
}

/// A partial settings update: absent fields stay, `null` clears optional ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommunityRequest {
    /// 1–100 characters, one line, without text-direction controls.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub name: Option<String>,
    /// Up to 1000 characters; blank or `null` clears it.
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 1000, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub description: Option<Option<String>>,
    /// Up to 2000 characters; blank or `null` clears it.
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub welcome_message: Option<Option<String>>,
    /// `public` or `private`.
    #[serde(default)]
    #[schema(pattern = r"^(public|private)$")]
    pub visibility: Option<String>,
    #[serde(default)]
    pub discoverable: Option<bool>,
    /// `member`, `moderator` or `admin`.
    #[serde(default)]
    #[schema(pattern = r"^(member|moderator|admin)$")]
    pub who_can_create_invites: Option<String>,
    /// Theme overrides (palette, accent).
    #[serde(default)]
    pub theme: Option<CommunityThemeUpdate>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiscoverParams {
    /// Part of the name (up to 100 characters).
    #[param(max_length = 100, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub query: Option<String>,
    /// Cursor: communities older than this ID.
    pub before: Option<Uuid>,
    /// 1–100, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIdRequest {
    pub user_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub avatar_file_id: Option<Uuid>,
    /// A bot account, not a person.
    pub bot: bool,
    pub nickname: Option<String>,
    pub role: CommunityRole,
    /// Set while a timeout lasts (it may already have passed).
    pub timed_out_until: Option<DateTime<Utc>>,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MemberListParams {
    /// Cursor: members with a user ID after this one.
    pub after: Option<Uuid>,
    /// 1–200, default 100.
    pub limit: Option<u32>,
}

/// Changes a member's role (admins and up) or nickname (`null` clears).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    #[serde(default)]
    pub role: Option<CommunityRole>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    /// Up to 64 characters; blank or `null` clears it.
    #[schema(value_type = Option<String>, max_length = 64, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub nickname: Option<Option<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityInviteView {
    pub id: Uuid,
    pub community_id: Uuid,
    pub code: String,
    pub created_by: Option<Uuid>,
    /// The creator's username; null once their account is deleted.
    pub created_by_username: Option<String>,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub created_at: DateTime<Utc>,
}

/// What an invite leads to, shown before joining.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvitePreview {
    pub code: String,
    pub community_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub icon_file_id: Option<Uuid>,
    pub member_count: i64,
    pub expires_at: Option<DateTime<Utc>>,
    /// The display name of whoever created the invite (null once their account
    /// is gone).
    pub invited_by: Option<String>,
    /// Whether a person without an account here may create one with this invite
    /// (they then join the community as they register). On an invite-only server
    /// that holds for invites from the community's moderators and up, or an
    /// instance administrator, unless an administrator turned it off.
    pub admits_new_accounts: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarnRequest {
    /// Why (1–500 characters); the member can read their warnings.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*[^\s\u0000-\u001F\u007F][^\u0000-\u0008\u000B-\u001F\u007F]*$"
    )]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WarningView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub issued_by: Option<Uuid>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeoutRequest {
    /// 60 seconds to 28 days.
    #[schema(minimum = 60, maximum = 2419200)]
    pub duration_secs: u32,
    /// Up to 500 characters.
    #[serde(default)]
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimeoutView {
    pub user_id: Uuid,
    pub timed_out_until: Option<DateTime<Utc>>,
}

/// An optional reason for a kick or ban.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Up to 500 characters.
    #[serde(default)]
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BanView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub banned_by: Option<Uuid>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}
