//! A signed-in session per server (DESK-3): the web client's `TokenSet` (refresh
//! token, session ID, access token and its expiry) kept in the OS keyring under the
//! server's URL. The UI reaches it only through the `session_*` commands.

use serde::{Deserialize, Serialize};

use crate::secrets::{SecretError, SecretStore};

/// The web client's `TokenSet` (`client-ui/src/lib/auth/token-store.ts`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenSet {
    pub session_id: String,
    pub access_token: String,
    /// Milliseconds since the epoch.
    pub access_token_expires_at: i64,
    pub refresh_token: String,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

/// The keyring name of a server's session.
fn entry_name(server: &str) -> String {
    format!("session:{server}")
}

pub fn load(store: &dyn SecretStore, server: &str) -> Result<Option<TokenSet>, SecretError> {
    let Some(raw) = store.get(&entry_name(server))? else {
        return Ok(None);
    };
    match serde_json::from_str(&raw) {
        Ok(tokens) => Ok(Some(tokens)),
        Err(err) => {
            // A foreign or damaged entry means "signed out", as on the web.
            tracing::warn!(%server, error = %err, "ignoring an unreadable stored session");
            Ok(None)
        }
    }
}

pub fn save(store: &dyn SecretStore, server: &str, tokens: &TokenSet) -> Result<(), SecretError> {
    let raw = serde_json::to_string(tokens).expect("tokens serialize");
    store.set(&entry_name(server), &raw)
}

pub fn clear(store: &dyn SecretStore, server: &str) -> Result<(), SecretError> {
    store.delete(&entry_name(server))
}
