//! Sending one web push (RFC 8030) with VAPID (RFC 8292) and an `aes128gcm`
//! payload (RFC 8291): `web-push-native` encrypts (RustCrypto, no OpenSSL), the
//! VAPID token is signed here, and the guarded outbound client delivers, so a
//! subscription cannot point the server at a private address.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::EncodePrivateKey;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::config::{Config, VapidKeys};
use crate::outbound::{FetchError, Outbound};

/// How long a VAPID token is good for (RFC 8292 allows at most 24 hours).
const VAPID_VALIDITY: Duration = Duration::from_secs(12 * 3600);

/// What the push service made of a push.
#[derive(Debug, PartialEq, Eq)]
pub enum PushOutcome {
    Delivered,
    /// 404/410: the subscription expired or was withdrawn.
    Gone,
    /// It will never go (bad subscription keys, a refused address, 400/403/413).
    Rejected(String),
    /// Worth trying again (network, 429, 5xx).
    Failed(String),
}

/// Where a push goes.
pub struct Target<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
}

#[derive(Clone)]
pub struct Pusher {
    signing_key: EncodingKey,
    /// The VAPID public key as the `k` parameter carries it.
    public_key: String,
    subject: String,
    outbound: Outbound,
}

#[derive(serde::Serialize)]
struct VapidClaims<'a> {
    aud: &'a str,
    exp: u64,
    sub: &'a str,
}

impl Pusher {
    /// Checks that the two keys belong together.
    pub fn new(keys: &VapidKeys, config: &Config, outbound: Outbound) -> anyhow::Result<Pusher> {
        Ok(Pusher {
            signing_key: signing_key(keys)?,
            public_key: URL_SAFE_NO_PAD.encode(&keys.public_key),
            subject: subject(config),
            outbound,
        })
    }

    pub async fn send(
        &self,
        to: &Target<'_>,
        payload: &[u8],
        ttl: u32,
        urgency: &str,
    ) -> PushOutcome {
        let (url, request) = match self.build(to, payload, ttl, urgency) {
            Ok(built) => built,
            Err(reason) => return PushOutcome::Rejected(reason),
        };
        let (headers, body) = request;
        match self.outbound.post(&url, headers, body).await {
            Ok(status) if (200..300).contains(&status) => PushOutcome::Delivered,
            Ok(404 | 410) => PushOutcome::Gone,
            Ok(status @ (429 | 500..=599)) => PushOutcome::Failed(format!("HTTP {status}")),
            Ok(status) => PushOutcome::Rejected(format!("HTTP {status}")),
            Err(error @ (FetchError::Refused(_) | FetchError::BadUrl)) => {
                PushOutcome::Rejected(error.to_string())
            }
            Err(error) => PushOutcome::Failed(error.to_string()),
        }
    }

    /// The signed, encrypted request, as headers and body for the outbound client.
    fn build(
        &self,
        to: &Target<'_>,
        payload: &[u8],
        ttl: u32,
        urgency: &str,
    ) -> Result<(Url, (HeaderMap, Vec<u8>)), String> {
        let url = Url::parse(to.endpoint).map_err(|e| format!("endpoint: {e}"))?;
        let ua_public = subscription_key(to.p256dh)
            .and_then(|bytes| p256::PublicKey::from_sec1_bytes(&bytes).ok())
            .ok_or("keys.p256dh: is not a P-256 public key")?;
        let auth = subscription_key(to.auth)
            .and_then(|bytes| <[u8; 16]>::try_from(bytes).ok())
            .map(web_push_native::Auth::from)
            .ok_or("keys.auth: is not a 16-byte secret")?;
        let body = web_push_native::encrypt(payload.to_vec(), &ua_public, &auth)
            .map_err(|e| format!("payload: {e}"))?;
        let authorization = self.vapid(&url)?;
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_static(concat!(
                "Chatalot/",
                env!("CARGO_PKG_VERSION"),
                " (web push)"
            )),
        );
        let urgency = match urgency {
            "high" | "low" | "very-low" => urgency,
            _ => "normal",
        };
        for (name, value) in [
            ("authorization", authorization),
            ("ttl", ttl.to_string()),
            ("urgency", urgency.to_owned()),
            ("content-encoding", "aes128gcm".to_owned()),
            ("content-type", "application/octet-stream".to_owned()),
        ] {
            let value = HeaderValue::try_from(value).map_err(|e| format!("{name}: {e}"))?;
            headers.insert(HeaderName::from_static(name), value);
        }
        Ok((url, (headers, body)))
    }

    /// The `Authorization` value: a token for the push service's origin (its port
    /// included) and our public key.
    fn vapid(&self, url: &Url) -> Result<String, String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let claims = VapidClaims {
            aud: &url.origin().ascii_serialization(),
            exp: (now + VAPID_VALIDITY).as_secs(),
            sub: &self.subject,
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::ES256), &claims, &self.signing_key)
                .map_err(|e| format!("VAPID: {e}"))?;
        Ok(format!("vapid t={token}, k={}", self.public_key))
    }
}

/// A subscription's key as browsers give it: base64url, padded or not (also what
/// the subscription endpoint checks keys with).
pub(crate) fn subscription_key(raw: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(raw.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(raw))
        .ok()
}

/// The key that signs VAPID tokens, once it is known to match the public key
/// browsers subscribe with.
fn signing_key(keys: &VapidKeys) -> anyhow::Result<EncodingKey> {
    let secret = p256::SecretKey::from_slice(keys.private_key.expose())
        .map_err(|_| anyhow::anyhow!("VAPID_PRIVATE_KEY: is not a valid P-256 private key"))?;
    if secret.public_key().to_encoded_point(false).as_bytes() != keys.public_key.as_slice() {
        anyhow::bail!("VAPID_PUBLIC_KEY: is not the public key of VAPID_PRIVATE_KEY");
    }
    let der = secret
        .to_pkcs8_der()
        .map_err(|e| anyhow::anyhow!("VAPID_PRIVATE_KEY: {e}"))?;
    Ok(EncodingKey::from_ec_der(der.as_bytes()))
}

/// Who push services can contact about our pushes (VAPID `sub`): the sender address
/// of email, else the public URL, else a placeholder address.
fn subject(config: &Config) -> String {
    if let Some(email) = &config.email {
        return format!("mailto:{}", email.from_address);
    }
    match &config.public_url {
        Some(url) if url.starts_with("https://") => url.clone(),
        _ => "mailto:admin@chatalot.invalid".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn keys(private: &str, public: &str) -> VapidKeys {
        VapidKeys {
            private_key: Secret::new(URL_SAFE_NO_PAD.decode(private).unwrap()),
            public_key: URL_SAFE_NO_PAD.decode(public).unwrap(),
        }
    }

    const PRIVATE: &str = "4UVHvqweJU3cKjY29l7IGDfqwJwlhsV1zePeWhN0EUk";
    const PUBLIC: &str =
        "BHEgzmyeX40vpD_j3r09EomzkP8WSquwTS_l97mF1LO0Xf35nJ7V71ZEdY09rB4mZXF2OolIp9vYuRiTWk0YlFk";

    #[test]
    fn a_matching_pair_is_accepted_and_a_foreign_public_key_named() {
        assert!(signing_key(&keys(PRIVATE, PUBLIC)).is_ok());
        let other = "BAPBJ4e5p2EqdCnzvtZJvuTAvKLqWxc7hqGUWtZ3JXIahDWeMjuKfjnjYy-SNr2aelEi3ksv3kcZ6mMaYBLKl8E";
        let error = signing_key(&keys(PRIVATE, other)).unwrap_err();
        assert!(error.to_string().starts_with("VAPID_PUBLIC_KEY"), "{error}");
    }
}
