//! Two-factor authentication and single sign-on (AUTH-6, AUTH-8).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AuthResponse;

/// The answer to a password login: signed in, or a second step is needed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum LoginResponse {
    SignedIn(Box<AuthResponse>),
    TwoFactor(TwoFactorChallenge),
}

/// The password was right and the account has two-factor authentication: send
/// a code from the authenticator app (or a backup code) with this token to
/// `POST /api/auth/login/2fa` before it expires.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TwoFactorChallenge {
    /// Always true.
    #[schema(example = true)]
    pub two_factor_required: bool,
    pub challenge_token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorLoginRequest {
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub challenge_token: String,
    /// A 6-digit code from the authenticator app, or an unused backup code.
    #[schema(max_length = 64, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    /// Unused backup codes left (0 when 2FA is off).
    pub backup_codes_remaining: u32,
}

/// Starts (or restarts) two-factor setup. Accounts with a password confirm it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorSetupRequest {
    #[serde(default)]
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub password: Option<String>,
}

/// A new TOTP secret, not yet active: add it to an authenticator app, then
/// confirm with a code at `POST /api/account/2fa/enable`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TwoFactorSetup {
    /// Base32, for typing into the app by hand.
    pub secret: String,
    /// `otpauth://totp/…` (SHA-1, 6 digits, 30 seconds).
    pub otpauth_uri: String,
    /// The URI as a QR code, an SVG document.
    pub qr_svg: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorCode {
    /// A 6-digit code from the authenticator app.
    #[schema(max_length = 64, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub code: String,
}

/// Password and a current code (or a backup code): for turning 2FA off and for
/// new backup codes. Accounts without a password (SSO) send only the code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorConfirmation {
    #[serde(default)]
    #[schema(pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub password: Option<String>,
    #[schema(max_length = 64, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub code: String,
}

/// Single-use backup codes, shown this once; earlier ones no longer work.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BackupCodes {
    pub codes: Vec<String>,
}

/// Where single sign-on starts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SsoStartParams {
    /// A registration invite for a first-time user on an invite-only server.
    #[param(max_length = 128, pattern = r"^[^\u0000-\u001F\u007F]*$")]
    pub invite_code: Option<String>,
}

/// The one-time ticket the SSO callback hands the web client (in the URL
/// fragment of `/sso`), traded here for a session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoExchangeRequest {
    #[schema(max_length = 128, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub ticket: String,
}
