//! The Docker updater sidecar (`UPDATER_URL`, `UPDATER_TOKEN` or `UPDATER_TOKEN_FILE`):
//! when set, the admin panel shows available versions and applies updates through it.

use std::path::Path;

use url::Url;

use super::{ConfigError, Env, Secret};

#[derive(Debug, Clone)]
pub struct UpdaterConfig {
    /// Base URL of the sidecar's internal API (e.g. `http://updater:9090`).
    pub url: Url,
    pub token: Secret<String>,
}

/// The updater's own minimum (chatalot-updater refuses shorter tokens).
const MIN_TOKEN_LEN: usize = 32;

impl UpdaterConfig {
    pub(super) fn from_env(env: &Env) -> Result<Option<UpdaterConfig>, ConfigError> {
        let Some(url) = env.http_url("UPDATER_URL")? else {
            return Ok(None);
        };
        let token = match (env.get("UPDATER_TOKEN"), env.get("UPDATER_TOKEN_FILE")) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    "UPDATER_TOKEN_FILE",
                    "set either UPDATER_TOKEN or UPDATER_TOKEN_FILE, not both",
                ));
            }
            (Some(token), None) => token,
            (None, Some(path)) => {
                super::sections::read_secret_file("UPDATER_TOKEN_FILE", Path::new(&path))?
                    .trim()
                    .to_owned()
            }
            (None, None) => {
                return Err(ConfigError::new(
                    "UPDATER_TOKEN",
                    "is required with UPDATER_URL (or UPDATER_TOKEN_FILE): the updater's shared secret",
                ));
            }
        };
        if token.len() < MIN_TOKEN_LEN {
            return Err(ConfigError::new(
                "UPDATER_TOKEN",
                format!("must be at least {MIN_TOKEN_LEN} characters"),
            ));
        }
        Ok(Some(UpdaterConfig {
            url,
            token: Secret::new(token),
        }))
    }
}
