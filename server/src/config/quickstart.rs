//! First run without configuration (CFG-4): a data folder holding the SQLite
//! database, an Ed25519 key pair and a TOTP key, created when missing.
//!
//! Explicitly set variables always win; the folder only supplies defaults for what
//! is unset, so the strict rules of the seed still apply to a configured server.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::auth::keys::{generate_ed25519_pem, generate_hex_key};

pub const DB_FILE: &str = "chatalot.db";
pub const JWT_PRIVATE_FILE: &str = "secrets/jwt_private.pem";
pub const JWT_PUBLIC_FILE: &str = "secrets/jwt_public.pem";
pub const TOTP_KEY_FILE: &str = "secrets/totp_key";

/// Defaults derived from a prepared data folder.
#[derive(Debug)]
pub struct Quickstart {
    pub data_dir: PathBuf,
    /// Files created by this run (first start), for the start-up message.
    pub created: Vec<PathBuf>,
    defaults: HashMap<&'static str, String>,
}

impl Quickstart {
    /// Creates `data_dir` and its secrets when missing and returns the defaults.
    pub fn prepare(data_dir: &Path) -> io::Result<Quickstart> {
        std::fs::create_dir_all(data_dir.join("secrets"))?;
        restrict_dir(&data_dir.join("secrets"))?;
        let data_dir = std::path::absolute(data_dir)?;
        let mut created = Vec::new();

        let private = data_dir.join(JWT_PRIVATE_FILE);
        let public = data_dir.join(JWT_PUBLIC_FILE);
        match (private.exists(), public.exists()) {
            (false, false) => {
                let (private_pem, public_pem) = generate_ed25519_pem();
                write_new(&private, &private_pem, true)?;
                write_new(&public, &public_pem, false)?;
                created.extend([private.clone(), public.clone()]);
            }
            (true, true) => {}
            _ => {
                return Err(io::Error::other(format!(
                    "only one half of the JWT key pair exists in {}; restore the other or remove both",
                    data_dir.join("secrets").display()
                )));
            }
        }

        let totp = data_dir.join(TOTP_KEY_FILE);
        if !totp.exists() {
            write_new(&totp, &generate_hex_key(), true)?;
            created.push(totp.clone());
        }
        let totp_key = std::fs::read_to_string(&totp)?.trim().to_owned();

        let db = data_dir.join(DB_FILE);
        if !db.exists() {
            created.push(db.clone());
        }
        let defaults = HashMap::from([
            ("DATABASE_URL", format!("sqlite://{}", db.display())),
            ("JWT_PRIVATE_KEY_PATH", private.display().to_string()),
            ("JWT_PUBLIC_KEY_PATH", public.display().to_string()),
            ("TOTP_ENCRYPTION_KEY", totp_key),
            (
                "FILE_STORAGE_PATH",
                data_dir.join("files").display().to_string(),
            ),
        ]);
        Ok(Quickstart {
            data_dir,
            created,
            defaults,
        })
    }

    /// The default for a variable the environment leaves unset.
    pub fn default_for(&self, name: &str) -> Option<String> {
        self.defaults.get(name).cloned()
    }
}

fn write_new(path: &Path, contents: &str, private: bool) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

fn restrict_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn prepares_once_and_keeps_secrets_across_runs() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = Quickstart::prepare(&data).unwrap();
        assert_eq!(
            first.created.len(),
            4,
            "keys, TOTP key and database are new: {:?}",
            first.created
        );
        let key = first.default_for("TOTP_ENCRYPTION_KEY").unwrap();
        std::fs::write(data.join(DB_FILE), b"").unwrap(); // as the server would

        let second = Quickstart::prepare(&data).unwrap();
        assert!(
            second.created.is_empty(),
            "nothing is regenerated: {:?}",
            second.created
        );
        assert_eq!(second.default_for("TOTP_ENCRYPTION_KEY").unwrap(), key);

        let config = Config::from_lookup(|name| second.default_for(name))
            .expect("defaults form a valid config");
        assert!(config.database_url.expose().starts_with("sqlite://"));
    }

    #[cfg(unix)]
    #[test]
    fn secrets_are_private_to_the_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        Quickstart::prepare(dir.path()).unwrap();
        for file in [JWT_PRIVATE_FILE, TOTP_KEY_FILE] {
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{file} is readable by others: {mode:o}");
        }
    }

    #[test]
    fn half_a_key_pair_is_refused_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        Quickstart::prepare(dir.path()).unwrap();
        std::fs::remove_file(dir.path().join(JWT_PUBLIC_FILE)).unwrap();
        let err = Quickstart::prepare(dir.path()).unwrap_err();
        assert!(err.to_string().contains("one half"), "{err}");
    }
}
