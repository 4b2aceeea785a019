//! Saved servers (DESK-1): the list the user picks from, and which one is in use.
//! Kept as JSON in the app's config folder: addresses are not secret; the tokens
//! for each server live in the keyring ([`crate::credentials`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How the app reaches a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerKind {
    /// A server elsewhere, reached by its URL.
    Remote,
    /// The server this app hosts (its URL follows the host settings).
    Host,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedServer {
    /// Normalised base URL (`http(s)://host[:port]`, no trailing slash); the key.
    pub url: String,
    pub name: String,
    pub kind: ServerKind,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerList {
    pub servers: Vec<SavedServer>,
    /// URL of the server in use; `None` before the first choice.
    pub current: Option<String>,
}

/// The host-mode entry's key in the list (its real URL changes with the settings).
pub const HOST_KEY: &str = "host:local";

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    InvalidUrl(String),
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} does not look like a Chatalot server ({reason})")]
    NotChatalot { url: String, reason: String },
    #[error("{0} is not a saved server")]
    Unknown(String),
    #[error("cannot save the server list in {}: {source}", path.display())]
    Storage {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ServerError {
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::InvalidUrl(_) => "server_url_invalid",
            ServerError::Unreachable { .. } => "server_unreachable",
            ServerError::NotChatalot { .. } => "server_not_chatalot",
            ServerError::Unknown(_) => "server_unknown",
            ServerError::Storage { .. } => "server_list_storage",
        }
    }
}

/// `https://chat.example.com/` → `https://chat.example.com`; a bare host gets
/// `https://`. Paths, queries and credentials are refused: the app talks to the
/// server's root.
pub fn normalize_url(input: &str) -> Result<String, ServerError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(ServerError::InvalidUrl("enter the server's address".into()));
    }
    let with_scheme = if input.contains("://") {
        input.to_owned()
    } else {
        format!("https://{input}")
    };
    let url = url::Url::parse(&with_scheme)
        .map_err(|e| ServerError::InvalidUrl(format!("{input:?} is not a valid address: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ServerError::InvalidUrl(
            "the address must start with http:// or https://".into(),
        ));
    }
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(ServerError::InvalidUrl(format!(
            "{input:?} must be a plain server address"
        )));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(ServerError::InvalidUrl(format!(
            "{input:?} must be the server's address without a path (e.g. https://chat.example.com)"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// What `GET /api/auth/config` says about a server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerInfo {
    pub url: String,
    /// The server's answer, passed on to the UI as is.
    pub config: serde_json::Value,
}

/// Asks `url` for `/api/auth/config`: only a Chatalot server answers it with the
/// expected JSON.
pub async fn check(url: &str) -> Result<ServerInfo, ServerError> {
    let url = normalize_url(url)?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| ServerError::Unreachable {
            url: url.clone(),
            reason: e.to_string(),
        })?;
    let response = client
        .get(format!("{url}/api/auth/config"))
        .send()
        .await
        .map_err(|e| ServerError::Unreachable {
            url: url.clone(),
            reason: e.without_url().to_string(),
        })?;
    let not_chatalot = |reason: String| ServerError::NotChatalot {
        url: url.clone(),
        reason,
    };
    if !response.status().is_success() {
        return Err(not_chatalot(format!(
            "/api/auth/config answered {}",
            response.status()
        )));
    }
    let config: serde_json::Value = response
        .json()
        .await
        .map_err(|_| not_chatalot("/api/auth/config is not JSON".into()))?;
    if !config
        .get("registration_mode")
        .is_some_and(|v| v.is_string())
    {
        return Err(not_chatalot(
            "/api/auth/config lacks registration_mode".into(),
        ));
    }
    Ok(ServerInfo { url, config })
}

impl ServerList {
    pub fn load(path: &Path) -> ServerList {
        match std::fs::read_to_string(path) {
            Ok(raw) => serde_json::from_str(&raw).unwrap_or_else(|err| {
                tracing::warn!(error = %err, path = %path.display(), "unreadable server list; starting empty");
                ServerList::default()
            }),
            Err(_) => ServerList::default(),
        }
    }

    /// Writes the list atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), ServerError> {
        let storage = |source| ServerError::Storage {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(storage)?;
        }
        let tmp = path.with_extension("json.tmp");
        let raw = serde_json::to_string_pretty(self).expect("server list serializes");
        std::fs::write(&tmp, raw).map_err(storage)?;
        std::fs::rename(&tmp, path).map_err(storage)
    }

    /// Adds (or renames) a server and makes it the current one.
    pub fn upsert(&mut self, server: SavedServer) {
        self.current = Some(server.url.clone());
        match self.servers.iter_mut().find(|s| s.url == server.url) {
            Some(existing) => *existing = server,
            None => self.servers.push(server),
        }
    }

    pub fn select(&mut self, url: &str) -> Result<(), ServerError> {
        if !self.servers.iter().any(|s| s.url == url) {
            return Err(ServerError::Unknown(url.to_owned()));
        }
        self.current = Some(url.to_owned());
        Ok(())
    }

    /// Forgets a server; when it was the current one, none is current.
    pub fn remove(&mut self, url: &str) -> Result<SavedServer, ServerError> {
        let index = self
            .servers
            .iter()
            .position(|s| s.url == url)
            .ok_or_else(|| ServerError::Unknown(url.to_owned()))?;
        if self.current.as_deref() == Some(url) {
            self.current = None;
        }
        Ok(self.servers.remove(index))
    }

    pub fn current(&self) -> Option<&SavedServer> {
        let url = self.current.as_deref()?;
        self.servers.iter().find(|s| s.url == url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalised() {
        for (input, expected) in [
            ("https://chat.example.com/", "https://chat.example.com"),
            ("chat.example.com", "https://chat.example.com"),
            ("  http://127.0.0.1:8080  ", "http://127.0.0.1:8080"),
            ("HTTP://Example.COM:443", "http://example.com:443"),
        ] {
            assert_eq!(normalize_url(input).unwrap(), expected, "{input}");
        }
        for bad in [
            "",
            "ftp://example.com",
            "https://example.com/chat",
            "https://u:p@example.com",
            "https://example.com/?a=1",
        ] {
            let err = normalize_url(bad).unwrap_err();
            assert_eq!(err.code(), "server_url_invalid", "{bad}: {err}");
        }
    }

    #[test]
    fn list_adds_selects_removes_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/servers.json");
        assert_eq!(ServerList::load(&path), ServerList::default());

        let mut list = ServerList::default();
        let a = SavedServer {
            url: "https://a.example".into(),
            name: "A".into(),
            kind: ServerKind::Remote,
        };
        let b = SavedServer {
            url: HOST_KEY.into(),
            name: "This computer".into(),
            kind: ServerKind::Host,
        };
        list.upsert(a.clone());
        list.upsert(b.clone());
        assert_eq!(list.current().unwrap(), &b, "the newest is current");
        list.select(&a.url).unwrap();
        assert_eq!(
            list.select("https://nope.example").unwrap_err().code(),
            "server_unknown"
        );
        list.upsert(SavedServer {
            name: "A renamed".into(),
            ..a.clone()
        });
        assert_eq!(list.servers.len(), 2, "upsert does not duplicate");

        list.save(&path).unwrap();
        let loaded = ServerList::load(&path);
        assert_eq!(loaded, list);

        let mut loaded = loaded;
        loaded.remove(&a.url).unwrap();
        assert_eq!(loaded.current, None, "removing the current one clears it");
        assert_eq!(loaded.servers, vec![b]);
    }

    #[test]
    fn corrupt_list_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("servers.json");
        std::fs::write(&path, "{oops").unwrap();
        assert_eq!(ServerList::load(&path), ServerList::default());
    }
}
