//! Secrets in the OS keyring: refresh tokens per server and the host-mode keys.
//!
//! Everything secret goes through [`SecretStore`], so the host-mode controller and the
//! commands never know which keyring they talk to. [`KeyringStore`] is the one
//! implementation: a `keyring-core` credential store — the platform's (Secret Service
//! on Linux, Keychain on macOS, Credential Manager on Windows) in the app, the
//! `keyring-core` mock store in tests.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

/// Where the desktop app keeps its secrets, by name.
pub trait SecretStore: Send + Sync {
    /// The secret, or `None` when nothing is stored under `name`.
    fn get(&self, name: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, name: &str, value: &str) -> Result<(), SecretError>;
    /// Removes the secret; removing a missing one is not an error.
    fn delete(&self, name: &str) -> Result<(), SecretError>;
}

/// Why the keyring could not be used. Each kind has a stable code the UI reacts to.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No keyring service on this machine (e.g. no Secret Service on the session bus).
    #[error(
        "no OS keyring is available ({0}); on Linux, run a Secret Service such as GNOME Keyring or KWallet in your session"
    )]
    Unavailable(String),
    /// The keyring exists but is locked or refused access.
    #[error("the OS keyring refused access ({0}); unlock it and try again")]
    Locked(String),
    #[error("the OS keyring failed: {0}")]
    Failed(String),
}

impl SecretError {
    pub fn code(&self) -> &'static str {
        match self {
            SecretError::Unavailable(_) => "keyring_unavailable",
            SecretError::Locked(_) => "keyring_locked",
            SecretError::Failed(_) => "keyring_failed",
        }
    }
}

impl From<keyring_core::Error> for SecretError {
    fn from(err: keyring_core::Error) -> Self {
        match err {
            keyring_core::Error::NoDefaultStore => SecretError::Unavailable(err.to_string()),
            keyring_core::Error::NoStorageAccess(_) => SecretError::Locked(err.to_string()),
            other => SecretError::Failed(other.to_string()),
        }
    }
}

/// A `keyring-core` credential store; entries are named `service` / `name`.
pub struct KeyringStore {
    /// `Err` when the platform store could not be set up: every call reports it.
    store: Result<Arc<CredentialStore>, String>,
    service: String,
}

impl KeyringStore {
    /// Entries in `store` under the keyring service name `service`.
    pub fn new(store: Arc<CredentialStore>, service: &str) -> KeyringStore {
        KeyringStore {
            store: Ok(store),
            service: service.to_owned(),
        }
    }

    /// The platform's keyring (Secret Service, Keychain, Credential Manager). When
    /// there is none, the store still exists and each call fails with
    /// [`SecretError::Unavailable`], so the app can start and explain the problem.
    pub fn platform(service: &str) -> KeyringStore {
        let store = match keyring::Entry::store_status() {
            Ok(()) => keyring_core::get_default_store()
                .ok_or_else(|| keyring_core::Error::NoDefaultStore.to_string()),
            Err(err) => Err(err.to_string()),
        };
        if let Err(err) = &store {
            tracing::warn!(error = %err, "no OS keyring available");
        }
        KeyringStore {
            store,
            service: service.to_owned(),
        }
    }

    /// A store whose every call fails with [`SecretError::Unavailable`] (`reason`).
    pub fn unavailable(service: &str, reason: &str) -> KeyringStore {
        KeyringStore {
            store: Err(reason.to_owned()),
            service: service.to_owned(),
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, SecretError> {
        let store = self
            .store
            .as_ref()
            .map_err(|err| SecretError::Unavailable(err.clone()))?;
        Ok(Entry::new_in_store(store, &self.service, name)?)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<String>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), SecretError> {
        Ok(self.entry(name)?.set_password(value)?)
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }
}

#[cfg(test)]
pub(crate) fn mock_store() -> KeyringStore {
    KeyringStore::new(
        keyring_core::mock::Store::new().expect("mock store"),
        "chatalot-desktop-test",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_reads_replaces_and_deletes() {
        let store = mock_store();
        assert_eq!(store.get("a").unwrap(), None, "nothing stored yet");
        store.set("a", "one").unwrap();
        store.set("b", "two").unwrap();
        assert_eq!(store.get("a").unwrap().as_deref(), Some("one"));
        store.set("a", "three").unwrap();
        assert_eq!(
            store.get("a").unwrap().as_deref(),
            Some("three"),
            "set replaces"
        );
        store.delete("a").unwrap();
        assert_eq!(store.get("a").unwrap(), None);
        assert_eq!(
            store.get("b").unwrap().as_deref(),
            Some("two"),
            "other names untouched"
        );
        store
            .delete("a")
            .expect("deleting a missing secret is fine");
    }

    #[test]
    fn missing_keyring_is_reported_with_a_code() {
        let store = KeyringStore {
            store: Err("no session bus".into()),
            service: "x".into(),
        };
        let err = store.get("a").unwrap_err();
        assert_eq!(err.code(), "keyring_unavailable");
        assert!(err.to_string().contains("no session bus"), "{err}");
        assert_eq!(
            store.set("a", "b").unwrap_err().code(),
            "keyring_unavailable"
        );
    }

    #[test]
    fn keyring_errors_map_to_codes() {
        let locked: SecretError = keyring_core::Error::NoStorageAccess("locked".into()).into();
        assert_eq!(locked.code(), "keyring_locked");
        let none: SecretError = keyring_core::Error::NoDefaultStore.into();
        assert_eq!(none.code(), "keyring_unavailable");
    }
}
