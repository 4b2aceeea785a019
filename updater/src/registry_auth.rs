//! Registry credentials for pulls: `/run/secrets/registry_creds` holds
//! `{"username","password","serveraddress"}`. An absent or whitespace-only file means
//! anonymous pulls; anything else that is not such an object stops start-up, rather
//! than falling back to anonymous pulls that would fail only when an update is applied.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryAuth {
    pub username: String,
    pub password: String,
    pub serveraddress: String,
}

impl std::fmt::Debug for RegistryAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryAuth")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("serveraddress", &self.serveraddress)
            .finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CredsError {
    #[error("{path}: cannot read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error(
        "{path}: not valid registry credentials ({reason}); expected {{\"username\":\"…\",\"password\":\"…\",\"serveraddress\":\"…\"}}, or an empty file for anonymous pulls"
    )]
    Malformed { path: String, reason: String },
}

impl RegistryAuth {
    /// Reads the credentials file: `Ok(None)` for anonymous pulls.
    pub fn load(path: &Path) -> Result<Option<RegistryAuth>, CredsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => RegistryAuth::parse(&text).map_err(|reason| CredsError::Malformed {
                path: path.display().to_string(),
                reason,
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(CredsError::Unreadable {
                path: path.display().to_string(),
                reason: err.to_string(),
            }),
        }
    }

    /// Parses the file's text: `Ok(None)` when it is blank.
    pub fn parse(text: &str) -> Result<Option<RegistryAuth>, String> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if !value.is_object() {
            return Err("not a JSON object".into());
        }
        let auth: RegistryAuth = serde_json::from_value(value).map_err(|e| e.to_string())?;
        for (field, value) in [
            ("username", &auth.username),
            ("password", &auth.password),
            ("serveraddress", &auth.serveraddress),
        ] {
            if value.trim().is_empty() {
                return Err(format!("{field} is empty"));
            }
        }
        Ok(Some(auth))
    }

    /// The `X-Registry-Auth` header value: the JSON object, base64url-encoded, as the
    /// Engine API decodes it.
    pub fn header_value(&self) -> String {
        let json = serde_json::to_vec(self).expect("credentials serialize");
        URL_SAFE.encode(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_or_blank_means_anonymous() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(RegistryAuth::load(&dir.path().join("none")), Ok(None));
        for blank in ["", " ", "\n", " \t\r\n "] {
            let path = dir.path().join("blank");
            std::fs::write(&path, blank).unwrap();
            assert_eq!(RegistryAuth::load(&path), Ok(None), "{blank:?}");
        }
    }

    #[test]
    fn valid_credentials_become_the_header() {
        let text = r#"{"username":"client-7","password":"t0k+n/?==","serveraddress":"registry.example.com"}"#;
        let auth = RegistryAuth::parse(&format!("{text}\n")).unwrap().unwrap();
        assert_eq!(auth.username, "client-7");
        let header = auth.header_value();
        // base64url: no '+' or '/', which the Engine's decoder refuses.
        assert!(!header.contains('+') && !header.contains('/'), "{header}");
        let decoded = URL_SAFE.decode(&header).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"username":"client-7","password":"t0k+n/?==","serveraddress":"registry.example.com"})
        );
        assert!(
            !format!("{auth:?}").contains("t0k"),
            "Debug hides the password"
        );
    }

    #[test]
    fn malformed_credentials_are_fatal_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        for (text, reason) in [
            ("{not json", "key must be a string"),
            (r#"["username"]"#, "not a JSON object"),
            (
                r#"{"username":"u","password":"p"}"#,
                "missing field `serveraddress`",
            ),
            (
                r#"{"username":"u","password":"","serveraddress":"r"}"#,
                "password is empty",
            ),
            (
                r#"{"username":"u","password":"p","serveraddress":"r","extra":1}"#,
                "unknown field",
            ),
        ] {
            let path = dir.path().join("creds");
            std::fs::write(&path, text).unwrap();
            let err = RegistryAuth::load(&path).unwrap_err();
            let message = err.to_string();
            assert!(
                matches!(err, CredsError::Malformed { .. }),
                "{text}: {message}"
            );
            assert!(message.contains(reason), "{text}: {message}");
            assert!(
                message.starts_with(&path.display().to_string()),
                "{message}"
            );
            assert!(!message.contains('\n'), "one line: {message}");
        }
    }
}
