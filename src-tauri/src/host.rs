//! Host mode (DESK-2): the Chatalot server running inside the app, through the server
//! library's [`Server`] seam, with SQLite in the app's data folder and its secrets in
//! the OS keyring. Nothing here depends on the GUI: the app and the tests drive it the
//! same way.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use chatalot_server::Server;
use chatalot_server::auth::keys::{generate_ed25519_pem, generate_hex_key};
use chatalot_server::config::{Config, JwtKeyPair, Secret};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::secrets::{SecretError, SecretStore};

/// The keyring name of the host-mode secrets (one entry, written once).
pub const SECRETS_NAME: &str = "host-secrets";
/// The database file inside the data folder.
pub const DB_FILE: &str = "chatalot.db";

/// The keys an instance needs that must never change once users exist: the Ed25519
/// pair that signs access tokens and the key that encrypts TOTP secrets.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostSecrets {
    pub jwt_private_pem: String,
    pub jwt_public_pem: String,
    /// 32 bytes as 64 hex digits.
    pub totp_key: String,
}

impl std::fmt::Debug for HostSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostSecrets([redacted])")
    }
}

impl HostSecrets {
    fn generate() -> HostSecrets {
        let (jwt_private_pem, jwt_public_pem) = generate_ed25519_pem();
        HostSecrets {
            jwt_private_pem,
            jwt_public_pem,
            totp_key: generate_hex_key(),
        }
    }

    /// The stored secrets, or new ones stored first (first run).
    pub fn load_or_create(store: &dyn SecretStore) -> Result<HostSecrets, HostError> {
        if let Some(raw) = store.get(SECRETS_NAME)? {
            return serde_json::from_str(&raw).map_err(|e| {
                HostError::Secrets(format!("the stored host secrets are unreadable: {e}"))
            });
        }
        let secrets = HostSecrets::generate();
        let raw = serde_json::to_string(&secrets).expect("secrets serialize");
        store.set(SECRETS_NAME, &raw)?;
        Ok(secrets)
    }

    fn totp_bytes(&self) -> Result<[u8; 32], HostError> {
        hex::decode(&self.totp_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| HostError::Secrets("the stored TOTP key is malformed".into()))
    }
}

/// Where the embedded server listens. LAN access is off unless asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostSettings {
    /// TCP port; 0 picks a free one at each start.
    pub port: u16,
    /// Listen on every interface (others on the network can join) instead of loopback.
    pub lan: bool,
}

impl Default for HostSettings {
    fn default() -> Self {
        HostSettings {
            port: 8787,
            lan: false,
        }
    }
}

impl HostSettings {
    pub fn listen_addr(&self) -> SocketAddr {
        let ip = if self.lan {
            Ipv4Addr::UNSPECIFIED
        } else {
            Ipv4Addr::LOCALHOST
        };
        SocketAddr::from((ip, self.port))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error(transparent)]
    Keyring(#[from] SecretError),
    #[error("{0}")]
    Secrets(String),
    #[error("cannot listen on {addr}: {source}; choose another port")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot prepare the data folder {}: {source}", path.display())]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the server did not start: {0:#}")]
    Start(anyhow::Error),
    #[error("the server stopped with an error: {0:#}")]
    Stop(anyhow::Error),
}

impl HostError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            HostError::Keyring(err) => err.code(),
            HostError::Secrets(_) => "host_secrets_invalid",
            HostError::Listen { .. } => "host_port_unavailable",
            HostError::DataDir { .. } => "host_data_dir",
            HostError::Start(_) => "host_start_failed",
            HostError::Stop(_) => "host_stop_failed",
        }
    }
}

/// A running embedded server. Dropping it asks the server to stop without waiting;
/// call [`RunningHost::stop`] to wait for the graceful shutdown.
pub struct RunningHost {
    addr: SocketAddr,
    lan: bool,
    setup_code: Option<String>,
    data_dir: PathBuf,
    running: Option<(oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>)>,
}

/// Starts the embedded server on `data_dir` (created when missing), listening on
/// `settings`, with secrets from `store` (generated on first run).
pub async fn start(
    data_dir: &Path,
    settings: HostSettings,
    store: &dyn SecretStore,
) -> Result<RunningHost, HostError> {
    start_with(data_dir, settings, store, |_| {}).await
}

/// [`start`] with a chance to adjust the server configuration first (tests make
/// password hashing cheap this way).
pub async fn start_with(
    data_dir: &Path,
    settings: HostSettings,
    store: &dyn SecretStore,
    adjust: impl FnOnce(&mut Config),
) -> Result<RunningHost, HostError> {
    let data_dir_error = |source| HostError::DataDir {
        path: data_dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(data_dir_error)?;
    let data_dir = std::path::absolute(data_dir).map_err(data_dir_error)?;
    let secrets = HostSecrets::load_or_create(store)?;
    let config = host_config(&data_dir, settings, &secrets, adjust)?;

    let listener = TcpListener::bind(config.listen_addr)
        .await
        .map_err(|source| HostError::Listen {
            addr: config.listen_addr,
            source,
        })?;
    let server = Server::start(config, listener)
        .await
        .map_err(HostError::Start)?;
    let addr = server
        .local_addr()
        .map_err(|e| HostError::Start(e.into()))?;
    let setup_code = server.bootstrap().setup_code.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    tracing::info!(%addr, data_dir = %data_dir.display(), "host mode: server started");
    Ok(RunningHost {
        addr,
        lan: settings.lan,
        setup_code,
        data_dir,
        running: Some((stop, handle)),
    })
}

fn host_config(
    data_dir: &Path,
    settings: HostSettings,
    secrets: &HostSecrets,
    adjust: impl FnOnce(&mut Config),
) -> Result<Config, HostError> {
    let jwt = JwtKeyPair {
        private_pem: Secret::new(secrets.jwt_private_pem.clone()),
        public_pem: secrets.jwt_public_pem.clone(),
    };
    let database_url = format!("sqlite://{}", data_dir.join(DB_FILE).display());
    let mut config = Config::new(database_url, jwt, secrets.totp_bytes()?);
    config.listen_addr = settings.listen_addr();
    config.files.storage_path = data_dir.join("files");
    // The app shows its bundled client itself; browsers of guests on the network get
    // the copy the app writes here at start-up (`web_client`).
    config.static_files_path = data_dir.join("web");
    adjust(&mut config);
    Ok(config)
}

impl RunningHost {
    /// The address the server is bound to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL this computer reaches the server at.
    pub fn local_url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            self.addr.ip()
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// The URL to give to others: the LAN address when LAN access is on.
    pub fn share_url(&self) -> String {
        match (self.lan, lan_ip()) {
            (true, Some(ip)) => format!("http://{}", SocketAddr::new(ip, self.addr.port())),
            _ => self.local_url(),
        }
    }

    /// The one-time code that admits the owner, while the instance has none.
    pub fn setup_code(&self) -> Option<&str> {
        self.setup_code.as_deref()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Stops accepting, tells WebSocket clients to reconnect, finishes in-flight
    /// requests, closes the database, and waits for all of it.
    pub async fn stop(mut self) -> Result<(), HostError> {
        let Some((stop, handle)) = self.running.take() else {
            return Ok(());
        };
        let _ = stop.send(());
        let result = handle
            .await
            .map_err(|e| HostError::Stop(anyhow::anyhow!("server task failed: {e}")))?;
        tracing::info!("host mode: server stopped");
        result.map_err(HostError::Stop)
    }
}

impl Drop for RunningHost {
    fn drop(&mut self) {
        if let Some((stop, _)) = self.running.take() {
            let _ = stop.send(());
        }
    }
}

/// This computer's address on the local network: the source address of the default
/// route (a UDP "connect" sends nothing).
fn lan_ip() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::mock_store;

    #[test]
    fn secrets_are_generated_once_then_reused() {
        let store = mock_store();
        let first = HostSecrets::load_or_create(&store).unwrap();
        let second = HostSecrets::load_or_create(&store).unwrap();
        assert_eq!(first, second, "the second run reads the stored secrets");
        assert!(first.jwt_private_pem.contains("PRIVATE KEY"));
        assert_eq!(first.totp_bytes().unwrap().len(), 32);
        assert_ne!(
            HostSecrets::load_or_create(&mock_store()).unwrap(),
            first,
            "another keyring gets its own secrets"
        );
    }

    #[test]
    fn loopback_unless_lan_is_enabled() {
        let local = HostSettings {
            port: 9000,
            lan: false,
        };
        assert_eq!(local.listen_addr().to_string(), "127.0.0.1:9000");
        let lan = HostSettings {
            port: 9000,
            lan: true,
        };
        assert_eq!(lan.listen_addr().to_string(), "0.0.0.0:9000");
        assert!(!HostSettings::default().lan, "LAN access is off by default");
    }

    #[test]
    fn corrupt_stored_secrets_are_reported_not_replaced() {
        let store = mock_store();
        store.set(SECRETS_NAME, "not json").unwrap();
        let err = HostSecrets::load_or_create(&store).unwrap_err();
        assert_eq!(err.code(), "host_secrets_invalid");
        assert_eq!(
            store.get(SECRETS_NAME).unwrap().as_deref(),
            Some("not json")
        );
    }
}
