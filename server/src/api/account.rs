use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{InstanceRole, ProfileChanges};
use crate::store::{Session, User};

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
    /// Whether DM partners see when this user has read their messages.
    pub read_receipts: bool,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserProfile {
    fn from(u: User) -> Self {
        UserProfile {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            instance_role: InstanceRole::parse(&u.instance_role).as_str().to_owned(),
            bio: u.bio,
            pronouns: u.pronouns,
            custom_status: u.custom_status,
            read_receipts: u.read_receipts,
            created_at: u.created_at,
        }
    }
}

/// A partial profile update: absent fields stay, `null` clears optional ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdateRequest {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub pronouns: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub custom_status: Option<Option<String>>,
    /// Share read receipts in direct messages.
    #[serde(default)]
    pub read_receipts: Option<bool>,
}

impl From<ProfileUpdateRequest> for ProfileChanges {
    fn from(r: ProfileUpdateRequest) -> Self {
        ProfileChanges {
            display_name: r.display_name,
            bio: r.bio,
            pronouns: r.pronouns,
            custom_status: r.custom_status,
            read_receipts: r.read_receipts,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
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
    pub password: String,
    /// The new address, or `null` to remove it.
    pub email: Option<String>,
}

/// Re-confirms the password for sensitive actions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfirmation {
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

impl SessionInfo {
    pub fn new(s: Session, current: Uuid) -> SessionInfo {
        SessionInfo {
            current: s.id == current,
            id: s.id,
            user_agent: s.user_agent,
            ip: s.ip,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RevokedSessions {
    pub revoked: usize,
}
