//! Sending one web push (RFC 8030) with VAPID (RFC 8292) and an `aes128gcm`
//! payload (RFC 8291): the `web-push` crate signs and encrypts, and the guarded
//! outbound client delivers, so a subscription cannot point the server at a
//! private address.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;
use web_push::{
    ContentEncoding, SubscriptionInfo, Urgency as WireUrgency, VapidSignatureBuilder,
    WebPushMessageBuilder,
};

use crate::config::{Config, VapidKeys};
use crate::outbound::{FetchError, Outbound};

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
    private_key: String,
    subject: String,
    outbound: Outbound,
}

impl Pusher {
    /// Checks that the two keys belong together.
    pub fn new(keys: &VapidKeys, config: &Config, outbound: Outbound) -> anyhow::Result<Pusher> {
        Ok(Pusher {
            private_key: checked_private_key(keys)?,
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
        let info = SubscriptionInfo::new(to.endpoint, to.p256dh, to.auth);
        let mut signature = VapidSignatureBuilder::from_base64(&self.private_key, &info)
            .map_err(|e| format!("VAPID: {e}"))?;
        signature.add_claim("sub", self.subject.as_str());
        // The audience is the push service's origin, port included (the crate would
        // leave a non-default port out).
        signature.add_claim("aud", url.origin().ascii_serialization());
        let signature = signature.build().map_err(|e| format!("VAPID: {e}"))?;
        let mut builder = WebPushMessageBuilder::new(&info);
        builder.set_payload(ContentEncoding::Aes128Gcm, payload);
        builder.set_ttl(ttl);
        builder.set_urgency(match urgency {
            "high" => WireUrgency::High,
            "low" => WireUrgency::Low,
            "very-low" => WireUrgency::VeryLow,
            _ => WireUrgency::Normal,
        });
        builder.set_vapid_signature(signature);
        let message = builder.build().map_err(|e| format!("payload: {e}"))?;
        let request = web_push::request_builder::build_request::<Vec<u8>>(message);
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_static(concat!(
                "Chatalot/",
                env!("CARGO_PKG_VERSION"),
                " (web push)"
            )),
        );
        for (name, value) in request.headers() {
            let name = HeaderName::from_bytes(name.as_str().as_bytes());
            let value = HeaderValue::from_bytes(value.as_bytes());
            if let (Ok(name), Ok(value)) = (name, value) {
                headers.append(name, value);
            }
        }
        Ok((url, (headers, request.into_body())))
    }
}

/// The private key as the crate reads it, once it is known to match the public key
/// browsers subscribe with.
fn checked_private_key(keys: &VapidKeys) -> anyhow::Result<String> {
    let private_key = URL_SAFE_NO_PAD.encode(keys.private_key.expose());
    let derived = VapidSignatureBuilder::from_base64_no_sub(&private_key)
        .map_err(|e| anyhow::anyhow!("VAPID_PRIVATE_KEY: {e}"))?
        .get_public_key();
    if derived != keys.public_key {
        anyhow::bail!("VAPID_PUBLIC_KEY: is not the public key of VAPID_PRIVATE_KEY");
    }
    Ok(private_key)
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
        assert_eq!(
            checked_private_key(&keys(PRIVATE, PUBLIC)).unwrap(),
            PRIVATE
        );
        let other = "BAPBJ4e5p2EqdCnzvtZJvuTAvKLqWxc7hqGUWtZ3JXIahDWeMjuKfjnjYy-SNr2aelEi3ksv3kcZ6mMaYBLKl8E";
        let error = checked_private_key(&keys(PRIVATE, other)).unwrap_err();
        assert!(error.to_string().starts_with("VAPID_PUBLIC_KEY"), "{error}");
    }
}
