//! The sections of [`super::Config`] and how each is read and validated.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use url::Url;

use super::{ConfigError, Env, Secret};
use crate::auth::tokens::{KeyError, TokenKeys};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    Open,
    InviteOnly,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunityCreationMode {
    Anyone,
    AdminOnly,
}

/// The JWT signing key pair, as PEM text.
#[derive(Debug, Clone)]
pub struct JwtKeyPair {
    pub private_pem: Secret<String>,
    pub public_pem: String,
}

impl JwtKeyPair {
    pub(super) fn from_env(env: &Env) -> Result<JwtKeyPair, ConfigError> {
        let private_path = env
            .get("JWT_PRIVATE_KEY_PATH")
            .unwrap_or_else(|| "./secrets/jwt_private.pem".to_owned());
        let public_path = env
            .get("JWT_PUBLIC_KEY_PATH")
            .unwrap_or_else(|| "./secrets/jwt_public.pem".to_owned());
        let private_pem = read_secret_file("JWT_PRIVATE_KEY_PATH", Path::new(&private_path))?;
        let public_pem = read_secret_file("JWT_PUBLIC_KEY_PATH", Path::new(&public_path))?;
        match TokenKeys::from_pem(&private_pem, &public_pem) {
            Ok(_) => Ok(JwtKeyPair {
                private_pem: Secret::new(private_pem),
                public_pem,
            }),
            Err(err @ KeyError::Private) => Err(ConfigError::new(
                "JWT_PRIVATE_KEY_PATH",
                format!("{private_path:?} is {err}"),
            )),
            Err(err) => Err(ConfigError::new(
                "JWT_PUBLIC_KEY_PATH",
                format!("{public_path:?}: {err}"),
            )),
        }
    }
}

pub(super) fn read_secret_file(variable: &'static str, path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(variable, format!("cannot read {}: {e}", path.display())))
}

pub(super) fn totp_key(env: &Env) -> Result<[u8; 32], ConfigError> {
    let raw = env.required(
        "TOTP_ENCRYPTION_KEY",
        "32 bytes as 64 hex digits; generate with: openssl rand -hex 32",
    )?;
    let bytes = hex::decode(&raw).ok().filter(|b| b.len() == 32);
    bytes
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            ConfigError::new(
                "TOTP_ENCRYPTION_KEY",
                format!(
                    "must be 32 bytes as 64 hex digits (got {} characters); generate with: openssl rand -hex 32",
                    raw.len()
                ),
            )
        })
}

pub(super) fn trusted_proxies(env: &Env) -> Result<Vec<IpNet>, ConfigError> {
    env.list("TRUSTED_PROXIES")
        .into_iter()
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    ConfigError::new(
                        "TRUSTED_PROXIES",
                        format!("{item:?} is not valid; expected IP addresses or CIDR ranges separated by commas"),
                    )
                })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct FilesConfig {
    pub storage_path: PathBuf,
    pub max_file_size_bytes: u64,
    /// `None` means unlimited (`UPLOAD_QUOTA_MB=0`).
    pub upload_quota_bytes: Option<u64>,
}

const MIB: u64 = 1024 * 1024;

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            storage_path: PathBuf::from("./data/files"),
            max_file_size_bytes: 100 * MIB,
            upload_quota_bytes: Some(500 * MIB),
        }
    }
}

impl FilesConfig {
    pub(super) fn from_env(env: &Env) -> Result<FilesConfig, ConfigError> {
        let storage_path = env
            .get("FILE_STORAGE_PATH")
            .map_or_else(|| PathBuf::from("./data/files"), PathBuf::from);
        let max_mb: u64 = env.parse_or("MAX_FILE_SIZE_MB", 100, "a whole number of megabytes")?;
        if max_mb == 0 || max_mb > 1024 * 1024 {
            return Err(ConfigError::new(
                "MAX_FILE_SIZE_MB",
                format!("{max_mb} is not valid; expected 1 to 1048576 megabytes"),
            ));
        }
        let quota_mb: u64 = env.parse_or(
            "UPLOAD_QUOTA_MB",
            500,
            "a whole number of megabytes (0 = unlimited)",
        )?;
        Ok(FilesConfig {
            storage_path,
            max_file_size_bytes: max_mb * MIB,
            upload_quota_bytes: (quota_mb > 0).then(|| quota_mb.saturating_mul(MIB)),
        })
    }
}

#[derive(Debug, Clone)]
pub struct OidcConfig {
    pub issuer_url: Url,
    pub client_id: String,
    pub client_secret: Secret<String>,
    /// Always set once loaded: `OIDC_REDIRECT_URI`, or `PUBLIC_URL/auth/oidc/callback`.
    pub redirect_uri: Option<Url>,
    pub disable_password_login: bool,
}

impl OidcConfig {
    pub(super) fn from_env(
        env: &Env,
        public_url: Option<&String>,
    ) -> Result<Option<OidcConfig>, ConfigError> {
        let issuer_url = env.http_url("OIDC_ISSUER_URL")?;
        let redirect_uri = env.http_url("OIDC_REDIRECT_URI")?;
        let disable_password_login = env.bool_or("OIDC_DISABLE_PASSWORD_LOGIN", false)?;
        let (Some(issuer_url), Some(client_id), Some(client_secret)) = (
            issuer_url,
            env.get("OIDC_CLIENT_ID"),
            env.get("OIDC_CLIENT_SECRET"),
        ) else {
            // The seed: if any of the three is missing, SSO is silently disabled.
            return Ok(None);
        };
        let redirect_uri = redirect_uri.or_else(|| {
            public_url.and_then(|base| Url::parse(&format!("{base}/auth/oidc/callback")).ok())
        });
        if redirect_uri.is_none() {
            return Err(ConfigError::new(
                "OIDC_REDIRECT_URI",
                "is required for single sign-on when PUBLIC_URL is not set (the provider must know where to send people back)",
            ));
        }
        Ok(Some(OidcConfig {
            issuer_url,
            client_id,
            client_secret: Secret::new(client_secret),
            redirect_uri,
            disable_password_login,
        }))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Integrations {
    pub giphy_api_key: Option<Secret<String>>,
    /// Feedback becomes GitHub issues only when token, owner and name are all set.
    pub github: Option<GithubConfig>,
}

#[derive(Debug, Clone)]
pub struct GithubConfig {
    pub api_token: Secret<String>,
    pub repo_owner: String,
    pub repo_name: String,
}

impl Integrations {
    pub(super) fn from_env(env: &Env) -> Integrations {
        let github = match (
            env.get("GITHUB_API_TOKEN"),
            env.get("GITHUB_REPO_OWNER"),
            env.get("GITHUB_REPO_NAME"),
        ) {
            (Some(token), Some(owner), Some(name)) => Some(GithubConfig {
                api_token: Secret::new(token),
                repo_owner: owner,
                repo_name: name,
            }),
            _ => None,
        };
        Integrations {
            giphy_api_key: env.get("GIPHY_API_KEY").map(Secret::new),
            github,
        }
    }
}

/// VAPID key pair for web push: raw P-256 keys.
#[derive(Debug, Clone)]
pub struct VapidKeys {
    /// 32-byte private scalar.
    pub private_key: Secret<Vec<u8>>,
    /// 65-byte uncompressed public point; also what browsers get as
    /// `applicationServerKey`.
    pub public_key: Vec<u8>,
}

impl VapidKeys {
    pub(super) fn from_env(env: &Env) -> Result<Option<VapidKeys>, ConfigError> {
        let private = env
            .get("VAPID_PRIVATE_KEY")
            .map(|raw| decode_base64_key("VAPID_PRIVATE_KEY", &raw, 32))
            .transpose()?;
        let public = env
            .get("VAPID_PUBLIC_KEY")
            .map(|raw| decode_base64_key("VAPID_PUBLIC_KEY", &raw, 65))
            .transpose()?;
        if let Some(public) = &public
            && public[0] != 0x04
        {
            return Err(ConfigError::new(
                "VAPID_PUBLIC_KEY",
                "is not an uncompressed P-256 public key (65 bytes starting with 0x04)",
            ));
        }
        match (private, public) {
            (Some(private), Some(public)) if derived_public_key(&private)? != public => {
                Err(ConfigError::new(
                    "VAPID_PUBLIC_KEY",
                    "is not the public key of VAPID_PRIVATE_KEY",
                ))
            }
            (Some(private), Some(public)) => Ok(Some(VapidKeys {
                private_key: Secret::new(private),
                public_key: public,
            })),
            (None, None) => Ok(None),
            _ => {
                tracing::warn!(
                    "only one of VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY is set; web push stays disabled"
                );
                Ok(None)
            }
        }
    }
}

/// The public key of a raw P-256 private key.
fn derived_public_key(private: &[u8]) -> Result<Vec<u8>, ConfigError> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let key = p256::SecretKey::from_slice(private)
        .map_err(|_| ConfigError::new("VAPID_PRIVATE_KEY", "is not a valid P-256 private key"))?;
    Ok(key.public_key().to_encoded_point(false).as_bytes().to_vec())
}

fn decode_base64_key(
    variable: &'static str,
    raw: &str,
    len: usize,
) -> Result<Vec<u8>, ConfigError> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [URL_SAFE_NO_PAD, URL_SAFE, STANDARD_NO_PAD, STANDARD]
        .iter()
        .find_map(|engine| engine.decode(raw).ok())
        .filter(|bytes| bytes.len() == len)
        .ok_or_else(|| {
            ConfigError::new(
                variable,
                format!("is not valid; expected {len} bytes in base64"),
            )
        })
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret<String>>,
    /// STARTTLS + auth when true; plaintext (local catchers only) when false.
    pub tls: bool,
    pub from_address: String,
    pub from_name: String,
}

/// Where Docker mounts the SMTP password secret.
pub const SMTP_PASSWORD_SECRET_PATH: &str = "/run/secrets/smtp_password";

impl SmtpConfig {
    pub(super) fn from_env(env: &Env) -> Result<Option<SmtpConfig>, ConfigError> {
        let port = env.parse_or("SMTP_PORT", 587u16, "a port number (1-65535)")?;
        if port == 0 {
            return Err(ConfigError::new(
                "SMTP_PORT",
                "0 is not valid; expected a port number (1-65535)",
            ));
        }
        let tls = env.bool_or("SMTP_TLS", true)?;
        let from_address = env.get("EMAIL_FROM");
        if let Some(address) = &from_address
            && !looks_like_email(address)
        {
            return Err(ConfigError::new(
                "EMAIL_FROM",
                format!(
                    "{address:?} is not valid; expected an email address such as noreply@example.com"
                ),
            ));
        }
        let from_name = env
            .get("EMAIL_FROM_NAME")
            .unwrap_or_else(|| "Chatalot".to_owned());
        let (Some(host), Some(from_address)) = (env.get("SMTP_HOST"), from_address) else {
            return Ok(None);
        };
        let password = match env.get("SMTP_PASSWORD") {
            Some(password) => Some(password),
            None => read_optional_secret("SMTP_PASSWORD", Path::new(SMTP_PASSWORD_SECRET_PATH))?,
        };
        Ok(Some(SmtpConfig {
            host,
            port,
            username: env.get("SMTP_USERNAME"),
            password: password.map(Secret::new),
            tls,
            from_address,
            from_name,
        }))
    }
}

/// Reads a Docker secret file when it exists; an existing but unreadable file is an error.
fn read_optional_secret(
    variable: &'static str,
    path: &Path,
) -> Result<Option<String>, ConfigError> {
    if !path.exists() {
        return Ok(None);
    }
    std::fs::read_to_string(path)
        .map(|s| Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
        .map_err(|e| ConfigError::new(variable, format!("cannot read {}: {e}", path.display())))
}

pub(crate) fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// One entry of `ICE_SERVERS`, as in the WebRTC `RTCIceServer` dictionary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IceServer {
    #[serde(with = "one_or_many")]
    #[schema(value_type = Vec<String>)]
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

mod one_or_many {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(url) => vec![url],
            OneOrMany::Many(urls) => urls,
        })
    }

    pub fn serialize<S: Serializer>(urls: &[String], s: S) -> Result<S::Ok, S::Error> {
        urls.serialize(s)
    }
}

#[derive(Debug, Clone)]
pub struct TurnConfig {
    pub auth_secret: Option<Secret<String>>,
    pub urls: Vec<String>,
    /// Already clamped to 60..=86400 seconds.
    pub credential_ttl_secs: u64,
    pub external_ip: Option<IpAddr>,
    pub listening_port: u16,
    pub tls_port: u16,
    /// Deprecated `ICE_SERVERS`.
    pub ice_servers: Option<Vec<IceServer>>,
}

impl Default for TurnConfig {
    fn default() -> Self {
        TurnConfig {
            auth_secret: None,
            urls: Vec::new(),
            credential_ttl_secs: 3600,
            external_ip: None,
            listening_port: 3478,
            tls_port: 5349,
            ice_servers: None,
        }
    }
}

impl TurnConfig {
    /// The TURN variables alone, read through `lookup` (as [`super::Config::from_lookup`] does).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<TurnConfig, ConfigError> {
        TurnConfig::from_env(&Env::new(lookup))
    }

    pub(super) fn from_env(env: &Env) -> Result<TurnConfig, ConfigError> {
        let urls = env.list("TURN_URLS");
        if let Some(bad) = urls.iter().find(|u| !is_ice_url(u)) {
            return Err(ConfigError::new(
                "TURN_URLS",
                format!(
                    "{bad:?} is not valid; expected turn:host:port or turns:host:port URLs separated by commas"
                ),
            ));
        }
        let ttl: u64 = env.parse_or(
            "TURN_CREDENTIAL_TTL_SECS",
            3600,
            "a whole number of seconds",
        )?;
        let ice_servers = match env.get("ICE_SERVERS") {
            None => None,
            Some(raw) => {
                let servers: Vec<IceServer> = serde_json::from_str(&raw).map_err(|e| {
                    ConfigError::new(
                        "ICE_SERVERS",
                        format!("is not valid: expected a JSON array of {{\"urls\", \"username\", \"credential\"}} objects ({e})"),
                    )
                })?;
                if let Some(bad) = servers
                    .iter()
                    .flat_map(|s| &s.urls)
                    .find(|u| !is_ice_url(u))
                {
                    return Err(ConfigError::new(
                        "ICE_SERVERS",
                        format!("{bad:?} is not valid; expected stun:, turn: or turns: URLs"),
                    ));
                }
                Some(servers)
            }
        };
        let auth_secret = env.get("TURN_AUTH_SECRET").map(Secret::new);
        match (&auth_secret, urls.is_empty()) {
            (Some(_), true) => tracing::warn!(
                "TURN_AUTH_SECRET is set but TURN_URLS is empty; calls get no TURN relay"
            ),
            (None, false) => tracing::warn!(
                "TURN_URLS is set but TURN_AUTH_SECRET is not; calls get no TURN relay"
            ),
            _ => {}
        }
        Ok(TurnConfig {
            auth_secret,
            urls,
            credential_ttl_secs: ttl.clamp(60, 86_400),
            external_ip: env.parse_opt("TURN_EXTERNAL_IP", "an IP address")?,
            listening_port: env.parse_or("TURN_LISTENING_PORT", 3478, "a port number (1-65535)")?,
            tls_port: env.parse_or("TURN_TLS_PORT", 5349, "a port number (1-65535)")?,
            ice_servers,
        })
    }

    /// Short-lived TURN credentials are issued only with both a secret and URLs.
    pub fn ephemeral_enabled(&self) -> bool {
        self.auth_secret.is_some() && !self.urls.is_empty()
    }

    /// Whether calls get a TURN relay: short-lived credentials, or a `turn:`/`turns:`
    /// server in the deprecated `ICE_SERVERS`.
    pub fn relays(&self) -> bool {
        self.ephemeral_enabled()
            || self
                .ice_servers
                .iter()
                .flatten()
                .flat_map(|s| &s.urls)
                .any(|u| u.starts_with("turn:") || u.starts_with("turns:"))
    }
}

fn is_ice_url(url: &str) -> bool {
    ["stun:", "stuns:", "turn:", "turns:"]
        .iter()
        .any(|scheme| url.len() > scheme.len() && url.starts_with(scheme))
}

/// Values fixed in production but adjustable in code, e.g. cheap hashing in tests.
#[derive(Debug, Clone)]
pub struct Tuning {
    pub password_hashing: PasswordParams,
    pub rate_limits: RateLimits,
    pub lockout: LockoutPolicy,
    /// Longest time any HTTP request may take before a 408/503 answer.
    pub request_timeout: Duration,
    /// Largest JSON request body accepted.
    pub json_body_limit: usize,
    /// Frames queued for one WebSocket before it counts as too slow (resync).
    pub ws_queue_capacity: usize,
    /// WebSocket heartbeat: a ping this often; two missed intervals close.
    pub ws_heartbeat: Duration,
    /// Connections one user may hold at once.
    pub ws_max_connections_per_user: usize,
    /// Messages one user may send (all channels, all connections).
    pub message_rate: RateLimit,
    /// How long a call participant whose connection dropped keeps their place.
    pub voice_reconnect_grace: Duration,
    /// What meetings and reminders take as now (a manual clock in tests).
    pub clock: crate::clock::Clock,
    /// First wait before an email is tried again; it doubles on every failure.
    pub email_retry_base: Duration,
    /// Extra certificate authorities (PEM) trusted for SMTP's STARTTLS besides the
    /// system's (a test relay's own CA).
    pub smtp_extra_roots: Vec<String>,
    /// Limits of fetches made for users (link previews): deadline, addresses, resolver.
    pub outbound: crate::outbound::OutboundLimits,
    /// Where Giphy's and GitHub's APIs are (local stand-ins in tests).
    pub giphy_api_base: String,
    pub github_api_base: String,
    /// First wait before a push is tried again; it doubles on every failure.
    pub push_retry_base: Duration,
    /// Accept `http:` push endpoints (a local test push service); browsers' are https.
    pub push_http_endpoints: bool,
    /// Messages a purge removes per transaction, and the rest between two batches:
    /// small enough that others' reads and writes never wait long.
    pub purge_batch_size: u32,
    pub purge_batch_pause: Duration,
    /// Times in a row a batch of one purge may fail (each retried after a few
    /// seconds) before the job is marked failed and the worker moves on.
    pub purge_max_attempts: u32,
    /// Community presence goes to the connections showing a member list at most
    /// this often, and at most this many frames a second per community.
    pub presence_interval: Duration,
    pub presence_frames_per_second: u32,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            password_hashing: PasswordParams::default(),
            rate_limits: RateLimits::default(),
            lockout: LockoutPolicy::default(),
            request_timeout: Duration::from_secs(30),
            json_body_limit: 1024 * 1024,
            ws_queue_capacity: 256,
            ws_heartbeat: Duration::from_secs(30),
            ws_max_connections_per_user: 8,
            message_rate: RateLimit {
                per_second: 5,
                burst: 20,
            },
            voice_reconnect_grace: Duration::from_secs(15),
            clock: crate::clock::Clock::system(),
            email_retry_base: Duration::from_secs(30),
            smtp_extra_roots: Vec::new(),
            outbound: Default::default(),
            giphy_api_base: "https://api.giphy.com".to_owned(),
            github_api_base: "https://api.github.com".to_owned(),
            push_retry_base: Duration::from_secs(15),
            push_http_endpoints: false,
            purge_batch_size: 500,
            purge_batch_pause: Duration::from_millis(10),
            purge_max_attempts: 5,
            presence_interval: Duration::from_secs(1),
            presence_frames_per_second: 2_000,
        }
    }
}

/// Argon2id cost; production defaults are those of AUTH-2.
#[derive(Debug, Clone)]
pub struct PasswordParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl Default for PasswordParams {
    fn default() -> Self {
        PasswordParams {
            memory_kib: 64 * 1024,
            iterations: 3,
            lanes: 4,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

/// Per-IP limits of the seed: general API and authentication endpoints.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub general: RateLimit,
    pub auth: RateLimit,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            general: RateLimit {
                per_second: 20,
                burst: 50,
            },
            auth: RateLimit {
                per_second: 5,
                burst: 10,
            },
        }
    }
}

/// Failed-login lockout: `max_failures` within `window` locks the name for `lock_for`.
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub window: Duration,
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 10,
            window: Duration::from_secs(15 * 60),
            lock_for: Duration::from_secs(15 * 60),
        }
    }
}
