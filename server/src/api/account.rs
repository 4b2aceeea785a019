use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::InstanceRole;

/// The signed-in user's own account.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserProfile {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    #[schema(value_type = InstanceRole)]
    pub instance_role: String,
    pub bio: Option<String>,
    pub pronouns: Option<String>,
    pub custom_status: Option<String>,
    pub avatar_file_id: Option<Uuid>,
    pub banner_file_id: Option<Uuid>,
    /// Whether DM partners see when this user has read their messages.
    pub read_receipts: bool,
    /// Whether others see when this user was last online.
    pub show_last_seen: bool,
    /// Whether signing in asks for a TOTP code after the password.
    pub two_factor_enabled: bool,
    /// Whether the account has a local password (SSO accounts may have none).
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

/// Another user's profile card, for those who share a community or a DM with them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserCardView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub avatar_file_id: Option<Uuid>,
    pub banner_file_id: Option<Uuid>,
    pub bio: Option<String>,
    pub pronouns: Option<String>,
    pub custom_status: Option<String>,
    /// When their last connection closed: none while they are online, when they
    /// hide it, or before they ever connected.
    pub last_seen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A partial profile update: absent fields stay, `null` clears optional ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdateRequest {
    /// 1–64 characters, one line, without text-direction controls.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub display_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    /// Up to 1000 characters; blank clears it.
    #[schema(value_type = Option<String>, max_length = 1000, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub bio: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    /// Up to 40 characters; blank clears them.
    #[schema(value_type = Option<String>, max_length = 40, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub pronouns: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    /// Up to 128 characters; blank clears it.
    #[schema(value_type = Option<String>, max_length = 128, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub custom_status: Option<Option<String>>,
    /// Share read receipts in direct messages.
    #[serde(default)]
    pub read_receipts: Option<bool>,
    /// Show others when you were last online.
    #[serde(default)]
    pub show_last_seen: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// Ignored for an account without a password (SSO), which sets its first one
    /// within 10 minutes of signing in.
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub current_password: String,
    /// 8–256 characters.
    #[schema(
        min_length = 8,
        max_length = 256,
        pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$"
    )]
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangePasswordResponse {
    /// Other sessions ended by the change.
    pub sessions_ended: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeEmailRequest {
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub password: String,
    /// The new address, or `null` to remove it.
    #[schema(
        max_length = 254,
        pattern = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
    )]
    pub email: Option<String>,
}

/// Re-confirms the password for sensitive actions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfirmation {
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecoveryCodeResponse {
    /// Shown this once; the previous code no longer works.
    pub recovery_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionInfo {
    pub id: Uuid,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The session this request was made with.
    pub current: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RevokedSessions {
    pub revoked: usize,
}
