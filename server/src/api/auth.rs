use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::UserProfile;
use crate::config::{CommunityCreationMode, RegistrationMode};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–32 of letters, digits, `_`, `.`, `-`; unique regardless of case.
    #[schema(
        min_length = 3,
        max_length = 32,
        pattern = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
    )]
    pub username: String,
    /// Shown instead of the username; defaults to it. 1–64 characters, one line,
    /// without text-direction controls.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub display_name: Option<String>,
    /// 8–256 characters.
    #[schema(
        min_length = 8,
        max_length = 256,
        pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$"
    )]
    pub password: String,
    #[serde(default)]
    #[schema(
        max_length = 254,
        pattern = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
    )]
    pub email: Option<String>,
    /// Registration invite, or the setup code printed by a fresh server.
    #[serde(default)]
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub invite_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username, or email address.
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub username: String,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub refresh_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverRequest {
    /// Username, or email address.
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub username: String,
    /// The recovery code shown at registration (dashes and case do not matter).
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub recovery_code: String,
    /// 8–256 characters.
    #[schema(
        min_length = 8,
        max_length = 256,
        pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$"
    )]
    pub new_password: String,
    /// Required when the account has 2FA: a code from the authenticator app or a
    /// backup code.
    #[serde(default)]
    #[schema(max_length = 64, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub two_factor_code: Option<String>,
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

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthResponse {
    pub user: UserProfile,
    #[serde(flatten)]
    pub tokens: Tokens,
    /// Present after registration and recovery only: shown this once, store it safely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_code: Option<String>,
}

/// What a client needs to know before signing in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthConfig {
    pub registration_mode: RegistrationMode,
    /// No owner account exists yet: the first account becomes the owner (with the
    /// setup code printed by the server unless registration is open).
    pub setup_required: bool,
    pub password_login_enabled: bool,
    /// Single sign-on is configured: show "Sign in with SSO" (`GET /api/auth/oidc/start`).
    pub sso_enabled: bool,
    /// The identity provider has answered discovery; while false, SSO sign-in
    /// answers 503 (the server keeps retrying).
    pub sso_available: bool,
    pub community_creation_mode: CommunityCreationMode,
    pub public_url: Option<String>,
    /// Web push is set up (both VAPID keys): offer push notifications
    /// (`POST /api/account/push-subscriptions`).
    pub push_enabled: bool,
    /// The VAPID public key (base64url, uncompressed P-256) browsers subscribe with
    /// as `applicationServerKey`; null when push is off.
    pub vapid_public_key: Option<String>,
    /// GIF search is set up (`GIPHY_API_KEY`): show the GIF picker (`GET /api/gifs`).
    /// Feedback (`POST /api/feedback`) is always available.
    pub gifs_enabled: bool,
    /// Whether calls get a TURN relay (`GET /api/account/turn-credentials`).
    pub turn_enabled: bool,
    pub max_file_size_bytes: u64,
    pub server_version: String,
}
