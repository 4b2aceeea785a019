//! ICE servers for calls (VOICE-3): short-lived TURN credentials in coturn's
//! REST-API scheme (`use-auth-secret`), the deprecated `ICE_SERVERS` list, or public
//! STUN. coturn checks a credential by recomputing it from the shared secret, so the
//! server stores nothing and a credential simply stops working at its expiry.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use uuid::Uuid;

use crate::config::{IceServer, TurnConfig};

/// Where browsers find their public address when nothing else is configured.
pub const PUBLIC_STUN: &str = "stun:stun.l.google.com:19302";

/// The ICE servers for one user's call, and until when they work (`None`: no expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceServers {
    pub servers: Vec<IceServer>,
    /// Unix time at which the TURN credential expires.
    pub expires_at: Option<u64>,
}

/// What `user` should use at `now` (Unix seconds): TURN with a fresh credential
/// when a secret and URLs are configured, else `ICE_SERVERS`, else public STUN.
pub fn ice_servers(config: &TurnConfig, user: Uuid, now: u64) -> IceServers {
    if let Some(secret) = config
        .auth_secret
        .as_ref()
        .filter(|_| config.ephemeral_enabled())
    {
        let expires_at = now + config.credential_ttl_secs;
        let username = format!("{expires_at}:{user}");
        let credential = credential(secret.expose(), &username);
        return IceServers {
            servers: vec![IceServer {
                urls: config.urls.clone(),
                username: Some(username),
                credential: Some(credential),
            }],
            expires_at: Some(expires_at),
        };
    }
    let servers = config.ice_servers.clone().unwrap_or_else(|| {
        vec![IceServer {
            urls: vec![PUBLIC_STUN.to_owned()],
            username: None,
            credential: None,
        }]
    });
    IceServers {
        servers,
        expires_at: None,
    }
}

/// coturn's password for `username`: base64 of HMAC-SHA1 keyed with the shared secret.
pub fn credential(secret: &str, username: &str) -> String {
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn turn(ttl: u64) -> TurnConfig {
        TurnConfig {
            auth_secret: Some(Secret::new("north".to_owned())),
            urls: vec!["turn:turn.example.com:3478".to_owned()],
            credential_ttl_secs: ttl,
            ..TurnConfig::default()
        }
    }

    #[test]
    fn the_credential_is_coturns_hmac_sha1() {
        // RFC 2202 test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?").
        let expected = base64::engine::general_purpose::STANDARD
            .encode(hex::decode("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79").unwrap());
        assert_eq!(credential("Jefe", "what do ya want for nothing?"), expected);
    }

    #[test]
    fn turn_credentials_name_the_user_and_expire_after_the_ttl() {
        let user = Uuid::now_v7();
        let ice = ice_servers(&turn(600), user, 1_000);
        assert_eq!(ice.expires_at, Some(1_600));
        let server = &ice.servers[0];
        assert_eq!(server.username.as_deref(), Some(&*format!("1600:{user}")));
        assert_eq!(
            server.credential.as_deref(),
            Some(&*credential("north", &format!("1600:{user}")))
        );
    }

    #[test]
    fn without_turn_the_deprecated_list_or_public_stun() {
        let mut config = TurnConfig::default();
        let stun = ice_servers(&config, Uuid::nil(), 0);
        assert_eq!(stun.servers[0].urls, vec![PUBLIC_STUN.to_owned()]);
        assert_eq!(stun.expires_at, None);

        let listed = IceServer {
            urls: vec!["turn:old.example.com:3478".to_owned()],
            username: Some("u".to_owned()),
            credential: Some("p".to_owned()),
        };
        config.ice_servers = Some(vec![listed.clone()]);
        assert_eq!(ice_servers(&config, Uuid::nil(), 0).servers, vec![listed]);
        // A secret without URLs issues nothing.
        config.auth_secret = Some(Secret::new("s".to_owned()));
        assert_eq!(ice_servers(&config, Uuid::nil(), 0).expires_at, None);
    }
}
