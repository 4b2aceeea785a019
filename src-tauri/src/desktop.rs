//! The app's state and every operation the UI may ask for. The Tauri commands in
//! [`crate::commands`] are one-line wrappers around these methods, so the tests call
//! the same code without a window.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Mutex;

use crate::credentials::{self, TokenSet};
use crate::host::{self, HostError, HostSettings, RunningHost};
use crate::secrets::{SecretError, SecretStore};
use crate::servers::{
    self, HOST_KEY, SavedServer, ServerError, ServerInfo, ServerKind, ServerList,
};

/// An error as the UI sees it: a stable `code` to react to and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    pub code: String,
    pub message: String,
}

impl CommandError {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> CommandError {
        CommandError {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

macro_rules! coded_error {
    ($($t:ty),*) => {$(
        impl From<$t> for CommandError {
            fn from(err: $t) -> Self {
                CommandError::new(err.code(), err.to_string())
            }
        }
    )*};
}
coded_error!(SecretError, HostError, ServerError);

pub type CommandResult<T> = Result<T, CommandError>;

/// The embedded server's state, for the host panel and the tray.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostStatus {
    pub running: bool,
    pub settings: HostSettings,
    /// Where this app reaches the server.
    pub local_url: Option<String>,
    /// What to give others (the LAN address when LAN access is on).
    pub share_url: Option<String>,
    /// One-time code admitting the owner, until one exists.
    pub setup_code: Option<String>,
    pub data_dir: String,
}

/// Files the app keeps outside the keyring.
const SERVERS_FILE: &str = "servers.json";
const HOST_SETTINGS_FILE: &str = "host.json";

pub struct Desktop {
    secrets: Arc<dyn SecretStore>,
    config_dir: PathBuf,
    host_data_dir: PathBuf,
    host: Mutex<Option<RunningHost>>,
}

impl Desktop {
    /// `config_dir` holds the server list and host settings; `host_data_dir` the
    /// embedded server's database and files.
    pub fn new(secrets: Arc<dyn SecretStore>, config_dir: &Path, host_data_dir: &Path) -> Desktop {
        Desktop {
            secrets,
            config_dir: config_dir.to_owned(),
            host_data_dir: host_data_dir.to_owned(),
            host: Mutex::new(None),
        }
    }

    fn servers_path(&self) -> PathBuf {
        self.config_dir.join(SERVERS_FILE)
    }

    fn host_settings_path(&self) -> PathBuf {
        self.config_dir.join(HOST_SETTINGS_FILE)
    }

    // --- credentials ---

    /// Runs a keyring call off the async threads (Secret Service calls block).
    async fn keyring<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn SecretStore) -> Result<T, SecretError> + Send + 'static,
    ) -> CommandResult<T> {
        let store = self.secrets.clone();
        tokio::task::spawn_blocking(move || call(store.as_ref()))
            .await
            .map_err(|e| CommandError::new("internal", e.to_string()))?
            .map_err(CommandError::from)
    }

    pub async fn session_load(&self, server: String) -> CommandResult<Option<TokenSet>> {
        self.keyring(move |s| credentials::load(s, &server)).await
    }

    pub async fn session_save(&self, server: String, tokens: TokenSet) -> CommandResult<()> {
        self.keyring(move |s| credentials::save(s, &server, &tokens))
            .await
    }

    pub async fn session_clear(&self, server: String) -> CommandResult<()> {
        self.keyring(move |s| credentials::clear(s, &server)).await
    }

    /// Whether the keyring can be used: reading a missing entry touches the store.
    pub async fn keyring_check(&self) -> CommandResult<()> {
        self.keyring(|s| s.get("probe").map(|_| ())).await
    }

    // --- saved servers ---

    pub fn servers(&self) -> ServerList {
        ServerList::load(&self.servers_path())
    }

    fn update_servers(
        &self,
        change: impl FnOnce(&mut ServerList) -> Result<(), ServerError>,
    ) -> CommandResult<ServerList> {
        let mut list = self.servers();
        change(&mut list)?;
        list.save(&self.servers_path())?;
        Ok(list)
    }

    pub async fn server_check(&self, url: String) -> CommandResult<ServerInfo> {
        Ok(servers::check(&url).await?)
    }

    /// Checks that `url` is a Chatalot server, saves it and makes it current.
    pub async fn server_add(&self, url: String, name: Option<String>) -> CommandResult<ServerList> {
        let info = servers::check(&url).await?;
        let name = name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| default_name(&info.url));
        self.update_servers(|list| {
            list.upsert(SavedServer {
                url: info.url,
                name,
                kind: ServerKind::Remote,
            });
            Ok(())
        })
    }

    pub fn server_select(&self, url: String) -> CommandResult<ServerList> {
        self.update_servers(|list| list.select(&url))
    }

    /// Forgets a server and its stored session (host-mode data stays on disk).
    pub async fn server_remove(&self, url: String) -> CommandResult<ServerList> {
        let list = self.update_servers(|list| list.remove(&url).map(|_| ()))?;
        self.session_clear(url).await?;
        Ok(list)
    }

    // --- host mode ---

    pub fn host_settings(&self) -> HostSettings {
        std::fs::read_to_string(self.host_settings_path())
            .ok()
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default()
    }

    fn save_host_settings(&self, settings: HostSettings) -> CommandResult<()> {
        std::fs::create_dir_all(&self.config_dir)
            .and_then(|()| {
                std::fs::write(
                    self.host_settings_path(),
                    serde_json::to_string_pretty(&settings).expect("settings serialize"),
                )
            })
            .map_err(|e| CommandError::new("host_settings_storage", e.to_string()))
    }

    pub async fn host_status(&self) -> HostStatus {
        let host = self.host.lock().await;
        self.status_of(host.as_ref())
    }

    fn status_of(&self, host: Option<&RunningHost>) -> HostStatus {
        HostStatus {
            running: host.is_some(),
            settings: self.host_settings(),
            local_url: host.map(RunningHost::local_url),
            share_url: host.map(RunningHost::share_url),
            setup_code: host.and_then(|h| h.setup_code().map(str::to_owned)),
            data_dir: self.host_data_dir.display().to_string(),
        }
    }

    /// Starts the embedded server (restarting it when `settings` change), saves the
    /// settings, and makes "this computer" the current server.
    pub async fn host_start(&self, settings: Option<HostSettings>) -> CommandResult<HostStatus> {
        let mut host = self.host.lock().await;
        let previous = self.host_settings();
        let settings = settings.unwrap_or(previous);
        if settings != previous
            && let Some(running) = host.take()
        {
            running.stop().await?;
        }
        if host.is_none() {
            // One short keyring read (or write on first run) on this thread.
            *host = Some(host::start(&self.host_data_dir, settings, self.secrets.as_ref()).await?);
        }
        self.save_host_settings(settings)?;
        self.update_servers(|list| {
            list.upsert(SavedServer {
                url: HOST_KEY.to_owned(),
                name: "This computer".to_owned(),
                kind: ServerKind::Host,
            });
            Ok(())
        })?;
        Ok(self.status_of(host.as_ref()))
    }

    /// Stops the embedded server gracefully (also on app exit).
    pub async fn host_stop(&self) -> CommandResult<HostStatus> {
        let mut host = self.host.lock().await;
        if let Some(running) = host.take() {
            running.stop().await?;
        }
        Ok(self.status_of(None))
    }
}

/// `https://chat.example.com:8443` → `chat.example.com:8443`.
fn default_name(url: &str) -> String {
    url.split_once("://")
        .map_or(url, |(_, rest)| rest)
        .to_owned()
}

#[cfg(test)]
mod tests;
