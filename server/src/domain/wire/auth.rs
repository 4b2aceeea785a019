//! Conversions between the stored and domain types and the wire types of
//! `api::auth`.

use chrono::Utc;

use crate::api::*;
use crate::domain::{SignedIn, TokenPair};

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

impl From<SignedIn> for AuthResponse {
    fn from(s: SignedIn) -> Self {
        AuthResponse {
            user: s.user.into(),
            tokens: s.tokens.into(),
            recovery_code: s.recovery_code,
        }
    }
}

impl From<crate::domain::SignIn> for LoginResponse {
    fn from(s: crate::domain::SignIn) -> Self {
        match s {
            crate::domain::SignIn::Done(signed_in) => {
                LoginResponse::SignedIn(Box::new((*signed_in).into()))
            }
            crate::domain::SignIn::TwoFactor {
                challenge_token,
                expires_at,
            } => LoginResponse::TwoFactor(TwoFactorChallenge {
                two_factor_required: true,
                challenge_token,
                expires_at,
            }),
        }
    }
}

impl From<crate::domain::TotpSetup> for TwoFactorSetup {
    fn from(s: crate::domain::TotpSetup) -> Self {
        TwoFactorSetup {
            secret: s.secret_base32,
            otpauth_uri: s.otpauth_uri,
            qr_svg: s.qr_svg,
        }
    }
}

impl From<crate::domain::TwoFactorState> for TwoFactorStatus {
    fn from(s: crate::domain::TwoFactorState) -> Self {
        TwoFactorStatus {
            enabled: s.enabled_at.is_some(),
            enabled_at: s.enabled_at,
            backup_codes_remaining: s.backup_codes_remaining,
        }
    }
}
