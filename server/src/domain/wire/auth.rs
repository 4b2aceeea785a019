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
