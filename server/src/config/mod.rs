//! The typed server configuration, read once from the environment at start-up.
//!
//! Every variable of `shared/seed/configuration.md` is read here with the seed's
//! default; features that arrive later are already parsed and validated so a typo
//! stops start-up with one line naming the variable. Tests and the desktop app build
//! a [`Config`] in code with [`Config::new`] instead.

mod env;
pub mod quickstart;
mod secret;
mod sections;
mod updater;

pub use env::{ConfigError, Env};
pub use secret::Secret;
pub(crate) use sections::looks_like_email;
pub use sections::{
    CommunityCreationMode, FilesConfig, GithubConfig, IceServer, Integrations, JwtKeyPair,
    LockoutPolicy, OidcConfig, PasswordParams, RateLimit, RateLimits, RegistrationMode, SmtpConfig,
    Tuning, TurnConfig, VapidKeys,
};
pub use updater::UpdaterConfig;

use std::net::SocketAddr;
use std::path::PathBuf;

use ipnet::IpNet;

/// The default `RUST_LOG` filter.
pub const DEFAULT_LOG_FILTER: &str = "chatalot_server=info,tower_http=info";

#[derive(Debug, Clone)]
pub struct Config {
    pub listen_addr: SocketAddr,
    pub static_files_path: PathBuf,
    /// Public base URL without a trailing slash; used in every link the server makes.
    pub public_url: Option<String>,
    pub log_filter: String,
    pub database_url: Secret<String>,
    pub jwt: JwtKeyPair,
    pub totp_encryption_key: Secret<[u8; 32]>,
    pub registration_mode: RegistrationMode,
    pub admin_username: Option<String>,
    pub community_creation_mode: CommunityCreationMode,
    pub files: FilesConfig,
    /// SSO; `None` unless issuer, client ID and secret are all set.
    pub oidc: Option<OidcConfig>,
    pub integrations: Integrations,
    /// Web push; `None` unless both VAPID keys are set.
    pub push: Option<VapidKeys>,
    /// Outgoing email; `None` unless `SMTP_HOST` and `EMAIL_FROM` are set.
    pub email: Option<SmtpConfig>,
    pub turn: TurnConfig,
    pub cloudflare_tunnel_token: Option<Secret<String>>,
    /// The Docker updater sidecar; `None` unless `UPDATER_URL` is set.
    pub updater: Option<UpdaterConfig>,
    /// Peers whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<IpNet>,
    /// Limits and costs that are fixed in production but adjustable in code (tests).
    pub tuning: Tuning,
}

impl Config {
    /// A configuration with every default of the seed, for tests and the desktop app.
    pub fn new(database_url: String, jwt: JwtKeyPair, totp_encryption_key: [u8; 32]) -> Config {
        Config {
            listen_addr: SocketAddr::from(([0, 0, 0, 0], 8080)),
            static_files_path: PathBuf::from("./static"),
            public_url: None,
            log_filter: DEFAULT_LOG_FILTER.to_owned(),
            database_url: Secret::new(database_url),
            jwt,
            totp_encryption_key: Secret::new(totp_encryption_key),
            registration_mode: RegistrationMode::InviteOnly,
            admin_username: None,
            community_creation_mode: CommunityCreationMode::AdminOnly,
            files: FilesConfig::default(),
            oidc: None,
            integrations: Integrations::default(),
            push: None,
            email: None,
            turn: TurnConfig::default(),
            cloudflare_tunnel_token: None,
            updater: None,
            trusted_proxies: Vec::new(),
            tuning: Tuning::default(),
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`; the first invalid one is reported.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let env = Env::new(lookup);

        let database_url = env.required(
            "DATABASE_URL",
            "postgres://user:password@host:5432/chatalot or sqlite://path/to/chatalot.db",
        )?;
        if crate::store::Backend::from_url(&database_url).is_none() {
            return Err(ConfigError::new(
                "DATABASE_URL",
                "is not valid; expected a URL starting with postgres:// or sqlite://",
            ));
        }

        let listen_addr = env.parse_or(
            "LISTEN_ADDR",
            SocketAddr::from(([0, 0, 0, 0], 8080)),
            "an address and port such as 0.0.0.0:8080",
        )?;
        let static_files_path = env
            .get("STATIC_FILES_PATH")
            .map_or_else(|| PathBuf::from("./static"), PathBuf::from);
        let public_url = env
            .http_url("PUBLIC_URL")?
            .map(|url| url.as_str().trim_end_matches('/').to_owned());
        let log_filter = env
            .get("RUST_LOG")
            .unwrap_or_else(|| DEFAULT_LOG_FILTER.to_owned());
        if tracing_subscriber::EnvFilter::try_new(&log_filter).is_err() {
            return Err(ConfigError::new(
                "RUST_LOG",
                format!(
                    "{log_filter:?} is not a valid tracing filter (e.g. chatalot_server=info,tower_http=info)"
                ),
            ));
        }

        let jwt = JwtKeyPair::from_env(&env)?;
        let totp_encryption_key = sections::totp_key(&env)?;

        let registration_mode = env.choice(
            "REGISTRATION_MODE",
            RegistrationMode::InviteOnly,
            &[
                ("open", RegistrationMode::Open),
                ("invite_only", RegistrationMode::InviteOnly),
                ("closed", RegistrationMode::Closed),
            ],
        )?;
        let admin_username = env.get("ADMIN_USERNAME");
        let community_creation_mode = env.choice(
            "COMMUNITY_CREATION_MODE",
            CommunityCreationMode::AdminOnly,
            &[
                ("anyone", CommunityCreationMode::Anyone),
                ("admin_only", CommunityCreationMode::AdminOnly),
            ],
        )?;

        let files = FilesConfig::from_env(&env)?;
        let oidc = OidcConfig::from_env(&env, public_url.as_ref())?;
        let integrations = Integrations::from_env(&env);
        let push = VapidKeys::from_env(&env)?;
        let email = SmtpConfig::from_env(&env)?;
        let turn = TurnConfig::from_env(&env)?;
        let cloudflare_tunnel_token = env.get("CLOUDFLARE_TUNNEL_TOKEN").map(Secret::new);
        let trusted_proxies = sections::trusted_proxies(&env)?;
        let updater = UpdaterConfig::from_env(&env)?;

        Ok(Config {
            listen_addr,
            static_files_path,
            public_url,
            log_filter,
            database_url: Secret::new(database_url),
            jwt,
            totp_encryption_key: Secret::new(totp_encryption_key),
            registration_mode,
            admin_username,
            community_creation_mode,
            files,
            oidc,
            integrations,
            push,
            email,
            turn,
            cloudflare_tunnel_token,
            updater,
            trusted_proxies,
            tuning: Tuning::default(),
        })
    }

    /// Whether password login is refused (`OIDC_DISABLE_PASSWORD_LOGIN` with SSO on).
    pub fn password_login_disabled(&self) -> bool {
        self.oidc.as_ref().is_some_and(|o| o.disable_password_login)
    }
}

#[cfg(test)]
mod tests;
