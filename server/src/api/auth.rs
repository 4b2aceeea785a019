use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::UserProfile;
use crate::config::{CommunityCreationMode, RegistrationMode};
use crate::domain::{SignedIn, TokenPair};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–32 of letters, digits, `_`, `.`, `-`; unique regardless of case.
    pub username: String,
    /// Shown instead of the username; defaults to it.
    #[serde(default)]
    pub display_name: Option<String>,
    /// 8–256 characters.
    pub password: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Registration invite, or the setup code printed by a fresh server.
    #[serde(default)]
    pub invite_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username, or email address.
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverRequest {
    /// Username, or email address.
    pub username: String,
    /// The recovery code shown at registration (dashes and case do not matter).
    pub recovery_code: String,
    pub new_password: String,
}

/// Tokens of a session. Send `access_token` as `Authorization: Bearer …`; trade
/// `refresh_token` for a new pair before the access token expires.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Tokens {
    pub session_id: Uuid,
    pub token_type: String,
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: every refresh returns a new one. Reusing an old one ends the session.
    pub refresh_token: String,
    pub refresh_token_expires_at: DateTime<Utc>,
}

impl From<TokenPair> for Tokens {
    fn from(t: TokenPair) -> Self {
        Tokens {
            session_id: t.session_id,
            token_type: "Bearer".into(),
            expires_in: (t.access_expires_at - Utc::now()).num_seconds().max(0),
            access_token: t.access_token,
            access_token_expires_at: t.access_expires_at,
            refresh_token: t.refresh_token,
            refresh_token_expires_at: t.refresh_expires_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthResponse {
    pub user: UserProfile,
    #[serde(flatten)]
    pub tokens: Tokens,
    /// Present after registration and recovery only: shown this once, store it safely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_code: Option<String>,
}

impl From<SignedIn> for AuthResponse {
    fn from(s: SignedIn) -> Self {
        AuthResponse {
            user: s.user.into(),
            tokens: s.tokens.into(),
            recovery_code: s.recovery_code,
        }
    }
}

/// What a client needs to know before signing in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthConfig {
    pub registration_mode: RegistrationMode,
    /// No owner account exists yet: the first account becomes the owner (with the
    /// setup code printed by the server unless registration is open).
    pub setup_required: bool,
    pub password_login_enabled: bool,
    /// Single sign-on (not in this version: always false).
    pub sso_enabled: bool,
    pub community_creation_mode: CommunityCreationMode,
    pub public_url: Option<String>,
    /// Web push (not in this version: always false).
    pub push_enabled: bool,
    /// VAPID public key for web push (not in this version: always null).
    pub vapid_public_key: Option<String>,
    /// GIF search (not in this version: always false).
    pub gifs_enabled: bool,
    /// TURN relays for calls (not in this version: always false).
    pub turn_enabled: bool,
    pub max_file_size_bytes: u64,
    pub server_version: String,
}
