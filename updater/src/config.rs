//! The updater's configuration, from the environment. A bad value stops start-up
//! with one line naming the variable (exit 2), like the server's.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::registry_auth::{CredsError, RegistryAuth};

#[derive(Debug, Clone)]
pub struct Config {
    pub listen_addr: SocketAddr,
    /// Bearer token the server presents on the internal API.
    pub token: String,
    /// Name of the server's container, as Compose names it.
    pub container: String,
    /// Release feed (JSON); without it the updater only reports the running version.
    pub feed_url: Option<url::Url>,
    /// Where backups go, inside the server's data volume (seen by both containers).
    pub backup_dir: String,
    /// The Engine API: `unix:///var/run/docker.sock` or `tcp://host:port`.
    pub docker_host: String,
    pub registry_auth: Option<RegistryAuth>,
    /// How long a new server may take to become healthy before it is rolled back.
    pub health_timeout: Duration,
    pub health_poll: Duration,
    pub check_interval: Duration,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: String,
    pub message: String,
}

fn error(name: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        name: name.into(),
        message: message.into(),
    }
}

pub const REGISTRY_CREDS_PATH: &str = "/run/secrets/registry_creds";
const MIN_TOKEN_LEN: usize = 32;

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let listen_addr = match get("UPDATER_LISTEN_ADDR") {
            None => SocketAddr::from(([0, 0, 0, 0], 9090)),
            Some(v) => v.parse().map_err(|_| {
                error(
                    "UPDATER_LISTEN_ADDR",
                    "expected an address and port such as 0.0.0.0:9090",
                )
            })?,
        };
        let token = match (get("UPDATER_TOKEN"), get("UPDATER_TOKEN_FILE")) {
            (Some(_), Some(_)) => {
                return Err(error(
                    "UPDATER_TOKEN_FILE",
                    "set either UPDATER_TOKEN or UPDATER_TOKEN_FILE, not both",
                ));
            }
            (Some(token), None) => token,
            (None, Some(path)) => std::fs::read_to_string(&path)
                .map_err(|e| error("UPDATER_TOKEN_FILE", format!("{path}: {e}")))?
                .trim()
                .to_owned(),
            (None, None) => {
                return Err(error(
                    "UPDATER_TOKEN",
                    "is required: the secret the server presents (docker/setup.sh writes secrets/updater_token)",
                ));
            }
        };
        if token.len() < MIN_TOKEN_LEN {
            return Err(error(
                "UPDATER_TOKEN",
                format!("must be at least {MIN_TOKEN_LEN} characters"),
            ));
        }
        let feed_url = match get("UPDATE_FEED_URL") {
            None => None,
            Some(v) => {
                let url =
                    url::Url::parse(&v).map_err(|_| error("UPDATE_FEED_URL", "is not a URL"))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(error("UPDATE_FEED_URL", "must be an http(s) URL"));
                }
                Some(url)
            }
        };
        let docker_host =
            get("DOCKER_HOST").unwrap_or_else(|| "unix:///var/run/docker.sock".into());
        if !(docker_host.starts_with("unix://") || docker_host.starts_with("tcp://")) {
            return Err(error(
                "DOCKER_HOST",
                "must be unix:///path/to/docker.sock or tcp://host:port",
            ));
        }
        let creds_path = get("REGISTRY_CREDS_PATH").unwrap_or_else(|| REGISTRY_CREDS_PATH.into());
        let registry_auth = RegistryAuth::load(std::path::Path::new(&creds_path))
            .map_err(|e: CredsError| error("registry_creds", e.to_string()))?;
        let seconds = |name: &str, default: u64, min: u64| -> Result<Duration, ConfigError> {
            match get(name) {
                None => Ok(Duration::from_secs(default)),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|&n| n >= min)
                    .map(Duration::from_secs)
                    .ok_or_else(|| {
                        error(
                            name,
                            format!("expected a whole number of seconds, at least {min}"),
                        )
                    }),
            }
        };
        Ok(Config {
            listen_addr,
            token,
            container: get("CHATALOT_CONTAINER").unwrap_or_else(|| "chatalot".into()),
            feed_url,
            backup_dir: get("BACKUP_DIR").unwrap_or_else(|| "/app/data/backups".into()),
            docker_host,
            registry_auth,
            health_timeout: seconds("HEALTH_TIMEOUT_SECS", 180, 10)?,
            health_poll: Duration::from_secs(2),
            check_interval: seconds("UPDATE_CHECK_INTERVAL_SECS", 6 * 3600, 60)?,
        })
    }
}

/// Where the backup for an update goes (a path inside the server's container).
pub fn backup_path(dir: &str, from: &str, to: &str, at: chrono::DateTime<chrono::Utc>) -> PathBuf {
    PathBuf::from(dir).join(format!(
        "before-{to}-from-{from}-{}.backup",
        at.format("%Y%m%dT%H%M%SZ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn defaults_and_required_token() {
        let err = config(&[("REGISTRY_CREDS_PATH", "/nonexistent")]).unwrap_err();
        assert_eq!(err.name, "UPDATER_TOKEN");
        let c = config(&[
            ("UPDATER_TOKEN", TOKEN),
            ("REGISTRY_CREDS_PATH", "/nonexistent"),
        ])
        .unwrap();
        assert_eq!(c.listen_addr.to_string(), "0.0.0.0:9090");
        assert_eq!(c.container, "chatalot");
        assert_eq!(c.docker_host, "unix:///var/run/docker.sock");
        assert!(c.registry_auth.is_none(), "absent credentials: anonymous");
        assert!(c.feed_url.is_none());
    }

    #[test]
    fn bad_values_name_their_variable() {
        let base = [
            ("UPDATER_TOKEN", TOKEN),
            ("REGISTRY_CREDS_PATH", "/nonexistent"),
        ];
        for (name, value) in [
            ("UPDATER_LISTEN_ADDR", "nine"),
            ("UPDATE_FEED_URL", "ftp://feed"),
            ("DOCKER_HOST", "/var/run/docker.sock"),
            ("HEALTH_TIMEOUT_SECS", "3"),
        ] {
            let mut vars = base.to_vec();
            vars.push((name, value));
            assert_eq!(config(&vars).unwrap_err().name, name);
        }
        let short = config(&[
            ("UPDATER_TOKEN", "short"),
            ("REGISTRY_CREDS_PATH", "/nonexistent"),
        ]);
        assert_eq!(short.unwrap_err().name, "UPDATER_TOKEN");
    }

    #[test]
    fn malformed_registry_credentials_stop_start_up() {
        let dir = tempfile::tempdir().unwrap();
        let creds = dir.path().join("registry_creds");
        std::fs::write(&creds, "{\"username\":").unwrap();
        let path = creds.to_str().unwrap();
        let err = config(&[("UPDATER_TOKEN", TOKEN), ("REGISTRY_CREDS_PATH", path)]).unwrap_err();
        assert_eq!(err.name, "registry_creds");
        assert!(err.message.contains(path), "{err}");
        std::fs::write(&creds, "  \n").unwrap();
        let c = config(&[("UPDATER_TOKEN", TOKEN), ("REGISTRY_CREDS_PATH", path)]).unwrap();
        assert!(c.registry_auth.is_none());
    }

    #[test]
    fn the_token_may_come_from_a_file_but_not_from_both() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
        let path = file.to_str().unwrap();
        let c = config(&[
            ("UPDATER_TOKEN_FILE", path),
            ("REGISTRY_CREDS_PATH", "/nonexistent"),
        ])
        .unwrap();
        assert_eq!(c.token, TOKEN);
        let err = config(&[("UPDATER_TOKEN", TOKEN), ("UPDATER_TOKEN_FILE", path)]).unwrap_err();
        assert_eq!(err.name, "UPDATER_TOKEN_FILE");
    }
}
