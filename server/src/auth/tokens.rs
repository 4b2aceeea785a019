//! Access tokens: short-lived JWTs signed with Ed25519 (EdDSA).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use quick_cache::sync::Cache;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Access-token lifetime (compiled in, as the seed says).
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// Refresh-token lifetime (compiled in, as the seed says).
pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);

const ISSUER: &str = "chatalot";
const AUDIENCE: &str = "chatalot-api";
/// Media tokens read files and nothing else (browsers cannot send a bearer header
/// from an `<img>` or `<video>` element).
const MEDIA_AUDIENCE: &str = "chatalot-media";
/// Media tokens are issued per window of this length and live one window past it,
/// so a client gets the same token (and so the same, cacheable file URLs) for hours.
pub const MEDIA_TOKEN_WINDOW: Duration = Duration::hours(6);

/// What an access token asserts: this user, through this session, until `exp`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub sub: Uuid,
    pub sid: Uuid,
    /// A fresh ID per token. Without it, two tokens issued for one session within the
    /// same second would be the same text (Ed25519 signatures are deterministic), and
    /// clients that tell a refreshed token from a spent one by comparing them would
    /// refresh again. Tokens issued before it existed carry the nil ID.
    #[serde(default)]
    pub jti: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Which half of a key pair is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not an Ed25519 private key in PKCS#8 PEM format")]
    Private,
    #[error("not an Ed25519 public key in PEM format")]
    Public,
    #[error("the public key does not match the private key")]
    Mismatch,
}

/// Tokens whose signature was checked, with their claims: every request carries
/// one, and an Ed25519 verification costs more than the rest of a cached read.
const VERIFIED_TOKENS: usize = 16_384;

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    media_validation: Validation,
    verified: Arc<Cache<Box<str>, AccessClaims>>,
}

impl TokenKeys {
    /// Loads a key pair and proves it works by signing and verifying a probe token.
    pub fn from_pem(private_pem: &str, public_pem: &str) -> Result<TokenKeys, KeyError> {
        let encoding =
            EncodingKey::from_ed_pem(private_pem.as_bytes()).map_err(|_| KeyError::Private)?;
        let decoding =
            DecodingKey::from_ed_pem(public_pem.as_bytes()).map_err(|_| KeyError::Public)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        let mut media_validation = validation.clone();
        media_validation.set_audience(&[MEDIA_AUDIENCE]);
        let keys = TokenKeys {
            encoding,
            decoding,
            validation,
            media_validation,
            verified: Arc::new(Cache::new(VERIFIED_TOKENS)),
        };
        let probe = keys
            .issue(Uuid::nil(), Uuid::nil(), Utc::now())
            .map_err(|_| KeyError::Private)?;
        keys.verify(&probe.0).map_err(|_| KeyError::Mismatch)?;
        Ok(keys)
    }

    /// A signed access token for a session and its expiry time.
    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), jsonwebtoken::errors::Error> {
        let expires_at = now + ACCESS_TOKEN_TTL;
        let claims = AccessClaims {
            sub: user_id,
            sid: session_id,
            jti: Uuid::new_v4(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &self.encoding)?;
        Ok((token, expires_at))
    }

    /// The claims of a valid token: right signature, algorithm, issuer, audience,
    /// and not expired.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, jsonwebtoken::errors::Error> {
        self.verify_for(token, AUDIENCE, &self.validation)
    }

    /// A media token for a session: the same text for every request within one
    /// window (no random ID, deterministic signature), valid until a window after it.
    pub fn issue_media(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), jsonwebtoken::errors::Error> {
        let window = MEDIA_TOKEN_WINDOW.num_seconds();
        let start = now.timestamp() - now.timestamp().rem_euclid(window);
        let exp = start + 2 * window;
        let claims = AccessClaims {
            sub: user_id,
            sid: session_id,
            jti: Uuid::nil(),
            iat: start,
            exp,
            iss: ISSUER.to_owned(),
            aud: MEDIA_AUDIENCE.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &self.encoding)?;
        let expires_at = DateTime::from_timestamp(exp, 0).unwrap_or(now + MEDIA_TOKEN_WINDOW);
        Ok((token, expires_at))
    }

    /// The claims of a valid media token (an access token is not one).
    pub fn verify_media(&self, token: &str) -> Result<AccessClaims, jsonwebtoken::errors::Error> {
        self.verify_for(token, MEDIA_AUDIENCE, &self.media_validation)
    }

    fn verify_for(
        &self,
        token: &str,
        audience: &str,
        validation: &Validation,
    ) -> Result<AccessClaims, jsonwebtoken::errors::Error> {
        if let Some(claims) = self
            .already_verified(token, Utc::now().timestamp())
            .filter(|c| c.aud == audience)
        {
            return Ok(claims);
        }
        let claims =
            jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, validation)?.claims;
        self.verified.insert(token.into(), claims.clone());
        Ok(claims)
    }

    /// The claims of a token verified before, while it has not expired at `now`
    /// (with the same leeway as a full check). The text is the whole signed
    /// token, so a match is exactly the token that passed.
    fn already_verified(&self, token: &str, now: i64) -> Option<AccessClaims> {
        let leeway = i64::try_from(self.validation.leeway).unwrap_or(0);
        self.verified
            .get(token)
            .filter(|claims| claims.exp >= now - leeway)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::keys::generate_ed25519_pem;

    #[test]
    fn issued_tokens_verify_and_carry_the_session() {
        let (private, public) = generate_ed25519_pem();
        let keys = TokenKeys::from_pem(&private, &public).unwrap();
        let (user, session) = (Uuid::now_v7(), Uuid::now_v7());
        let (token, expires) = keys.issue(user, session, Utc::now()).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
        assert_eq!(claims.exp, expires.timestamp());
    }

    #[test]
    fn media_tokens_are_stable_within_a_window_and_read_nothing_else() {
        let (private, public) = generate_ed25519_pem();
        let keys = TokenKeys::from_pem(&private, &public).unwrap();
        let (user, session) = (Uuid::now_v7(), Uuid::now_v7());
        let now = Utc::now();
        let (first, expires) = keys.issue_media(user, session, now).unwrap();
        let (again, _) = keys
            .issue_media(user, session, now + Duration::seconds(1))
            .unwrap();
        assert!(expires > now + MEDIA_TOKEN_WINDOW - Duration::seconds(1));
        let claims = keys.verify_media(&first).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
        assert!(
            keys.verify(&first).is_err(),
            "a media token is no access token"
        );
        let (access, _) = keys.issue(user, session, now).unwrap();
        keys.verify(&access).unwrap();
        assert!(
            keys.verify_media(&access).is_err(),
            "an access token is no media token"
        );
        // The same window gives the same text unless the window turned over.
        let window = MEDIA_TOKEN_WINDOW.num_seconds();
        if (now.timestamp() + 1).rem_euclid(window) != 0 {
            assert_eq!(first, again);
        }
    }

    #[test]
    fn tokens_issued_for_one_session_in_the_same_second_differ() {
        let (private, public) = generate_ed25519_pem();
        let keys = TokenKeys::from_pem(&private, &public).unwrap();
        let (user, session, now) = (Uuid::now_v7(), Uuid::now_v7(), Utc::now());
        let (first, _) = keys.issue(user, session, now).unwrap();
        let (second, _) = keys.issue(user, session, now).unwrap();
        assert_ne!(
            first, second,
            "a refreshed token must not equal the one it replaces"
        );
        let (a, b) = (keys.verify(&first).unwrap(), keys.verify(&second).unwrap());
        assert_ne!(a.jti, b.jti);
        assert_eq!((a.sub, a.sid, a.iat), (b.sub, b.sid, b.iat));
    }

    #[test]
    fn expired_tampered_and_foreign_tokens_are_rejected() {
        let (private, public) = generate_ed25519_pem();
        let keys = TokenKeys::from_pem(&private, &public).unwrap();
        let (expired, _) = keys
            .issue(
                Uuid::now_v7(),
                Uuid::now_v7(),
                Utc::now() - ACCESS_TOKEN_TTL - Duration::minutes(1),
            )
            .unwrap();
        assert!(keys.verify(&expired).is_err(), "expired token accepted");

        let (token, _) = keys
            .issue(Uuid::now_v7(), Uuid::now_v7(), Utc::now())
            .unwrap();
        keys.verify(&token).unwrap(); // remembered as verified
        let mut tampered = token.clone().into_bytes();
        let middle = token.find('.').unwrap() + 3;
        tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
        assert!(
            keys.verify(std::str::from_utf8(&tampered).unwrap())
                .is_err(),
            "tampered token accepted"
        );

        let (other_private, other_public) = generate_ed25519_pem();
        let other = TokenKeys::from_pem(&other_private, &other_public).unwrap();
        let (foreign, _) = other
            .issue(Uuid::now_v7(), Uuid::now_v7(), Utc::now())
            .unwrap();
        assert!(
            keys.verify(&foreign).is_err(),
            "token of another key accepted"
        );
    }

    #[test]
    fn a_remembered_token_still_expires() {
        let (private, public) = generate_ed25519_pem();
        let keys = TokenKeys::from_pem(&private, &public).unwrap();
        let (token, expires) = keys
            .issue(Uuid::now_v7(), Uuid::now_v7(), Utc::now())
            .unwrap();
        assert_eq!(keys.already_verified(&token, Utc::now().timestamp()), None);
        let claims = keys.verify(&token).unwrap();
        let now = Utc::now().timestamp();
        assert_eq!(keys.already_verified(&token, now), Some(claims));
        let later = expires.timestamp() + 60;
        assert_eq!(keys.already_verified(&token, later), None, "expired");
    }

    #[test]
    fn mismatched_and_malformed_keys_are_named() {
        let (private, _) = generate_ed25519_pem();
        let (_, other_public) = generate_ed25519_pem();
        assert_eq!(
            TokenKeys::from_pem(&private, &other_public).err(),
            Some(KeyError::Mismatch)
        );
        assert_eq!(
            TokenKeys::from_pem("garbage", &other_public).err(),
            Some(KeyError::Private)
        );
        assert_eq!(
            TokenKeys::from_pem(&private, "garbage").err(),
            Some(KeyError::Public)
        );
    }
}
