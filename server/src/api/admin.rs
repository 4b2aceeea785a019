use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::InstanceRole;

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    /// 1–10000 uses; unlimited when absent.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10000)]
    pub max_uses: Option<u32>,
    /// 1–8760 hours; never expires when absent.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 8760)]
    pub expires_in_hours: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegistrationInviteView {
    pub id: Uuid,
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

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditLogParams {
    /// Only this action, e.g. `login.failed`.
    #[param(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub action: Option<String>,
    /// Entries where this user is the actor or the target.
    pub user_id: Option<Uuid>,
    /// Entries about this community (moderation).
    pub community_id: Option<Uuid>,
    #[serde(default, deserialize_with = "super::optional_time")]
    pub since: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "super::optional_time")]
    pub until: Option<DateTime<Utc>>,
    /// Cursor: entries older than this entry ID.
    pub before: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    pub action: String,
    pub actor_id: Option<Uuid>,
    /// The actor's current username and display name; absent once the account is deleted.
    pub actor_username: Option<String>,
    pub actor_display_name: Option<String>,
    pub target_user_id: Option<Uuid>,
    /// The target's current username and display name; absent once the account is deleted.
    pub target_username: Option<String>,
    pub target_display_name: Option<String>,
    pub community_id: Option<Uuid>,
    /// The community's current name; absent once it is deleted.
    pub community_name: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// An account as instance administrators see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AdminUserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    #[schema(value_type = InstanceRole)]
    pub instance_role: String,
    pub suspended_at: Option<DateTime<Utc>>,
    pub suspended_reason: Option<String>,
    pub two_factor_enabled: bool,
    /// Signs in through single sign-on (linked to an identity at the provider).
    pub sso_linked: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserSearchParams {
    /// Part of a username, display name or email (up to 254 characters).
    #[param(max_length = 254, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub query: Option<String>,
    /// Cursor: users with an ID after this one.
    pub after: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<u32>,
}

/// An account for someone who will sign in with SSO: their first SSO sign-in with
/// this email (verified by the provider) claims it, whatever the registration mode.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSsoUserRequest {
    /// 3–32 of letters, digits, `_`, `.`, `-`; unique regardless of case.
    #[schema(
        min_length = 3,
        max_length = 32,
        pattern = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
    )]
    pub username: String,
    #[schema(
        max_length = 254,
        pattern = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
    )]
    pub email: String,
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetInstanceRoleRequest {
    /// `admin` or `user`.
    pub role: InstanceRole,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TemporaryPassword {
    /// Give this to the user; they should change it after signing in.
    pub temporary_password: String,
}

/// Instance-wide settings that administrators change at run time.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InstanceSettings {
    /// On an invite-only server, whether invites made by a community's moderators
    /// and up also let a person without an account create one (and join that
    /// community). On by default.
    pub community_invites_admit_new_accounts: bool,
    /// The content rating of GIF search: `g`, `pg` (default), `pg-13` or `r`.
    pub gif_rating: String,
}

/// A change to [`InstanceSettings`]; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceSettingsChanges {
    #[serde(default)]
    pub community_invites_admit_new_accounts: Option<bool>,
    #[serde(default)]
    #[schema(pattern = r"^(g|pg|pg-13|r)$")]
    pub gif_rating: Option<String>,
}
