//! Backup and restore of the whole database, for operators and the Docker updater.
//!
//! SQLite: the backup is a SQLite file made with `VACUUM INTO` (a consistent copy while
//! the server runs); restore copies it into the database with SQLite's online backup
//! API in one write transaction. PostgreSQL: every table's rows as `COPY` text, read
//! in one repeatable-read snapshot ([`archive`]); restore drops the tables, recreates
//! the schema with this binary's migrations up to the backup's, loads the rows with
//! foreign keys set aside and checks them all again, in one transaction. Either way a
//! restore replaces everything or nothing, and refuses a backup made by a newer
//! version (a migration this binary does not know) or a damaged file.

mod archive;
mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

use sqlx::migrate::Migrator;

use super::Backend;

/// What a backup or restore covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub backend: Backend,
    pub tables: usize,
    pub rows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("DATABASE_URL must start with postgres:// or sqlite://")]
    UnknownBackend,
    #[error("not a Chatalot backup (neither a SQLite file nor a PostgreSQL backup)")]
    NotABackup,
    #[error("this is a {backup} backup, but DATABASE_URL is a {target} database")]
    WrongBackend {
        backup: &'static str,
        target: &'static str,
    },
    #[error(
        "the backup was made by a newer Chatalot (schema migration {0} is unknown here); restore it with that version"
    )]
    Newer(i64),
    #[error(
        "schema migration {0} of the backup differs from this version's; it cannot be restored here"
    )]
    Mismatch(i64),
    #[error("the backup is damaged: {0}")]
    Corrupt(String),
    #[error("{0} already exists; choose a new file name")]
    Exists(PathBuf),
}

impl BackupError {
    fn io(path: &Path, source: std::io::Error) -> BackupError {
        BackupError::Io {
            path: path.to_owned(),
            source,
        }
    }
    fn write(source: std::io::Error) -> BackupError {
        BackupError::Io {
            path: PathBuf::from("backup file"),
            source,
        }
    }
    fn read(source: std::io::Error) -> BackupError {
        BackupError::Corrupt(source.to_string())
    }
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "PostgreSQL",
        Backend::Sqlite => "SQLite",
    }
}

/// Writes a consistent backup of the database at `url` to `out`, which must not
/// exist yet; the file appears only once complete.
pub async fn backup(url: &str, out: &Path) -> Result<Summary, BackupError> {
    let backend = Backend::from_url(url).ok_or(BackupError::UnknownBackend)?;
    if out.exists() {
        return Err(BackupError::Exists(out.to_owned()));
    }
    let partial = partial_path(out);
    let _ = tokio::fs::remove_file(&partial).await;
    let result = match backend {
        Backend::Postgres => postgres::backup(url, &partial).await,
        Backend::Sqlite => sqlite::backup(url, &partial).await,
    };
    match result {
        Ok(summary) => {
            tokio::fs::rename(&partial, out)
                .await
                .map_err(|e| BackupError::io(out, e))?;
            Ok(summary)
        }
        Err(err) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(err)
        }
    }
}

/// Replaces every table of the database at `url` with the backup's rows.
pub async fn restore(url: &str, input: &Path) -> Result<Summary, BackupError> {
    let target = Backend::from_url(url).ok_or(BackupError::UnknownBackend)?;
    let kind = detect(input).await?;
    if kind != target {
        return Err(BackupError::WrongBackend {
            backup: backend_name(kind),
            target: backend_name(target),
        });
    }
    match target {
        Backend::Postgres => postgres::restore(url, input).await,
        Backend::Sqlite => sqlite::restore(url, input).await,
    }
}

/// Which backend a backup file belongs to, from its first bytes.
async fn detect(path: &Path) -> Result<Backend, BackupError> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| BackupError::io(path, e))?;
    let mut start = [0u8; 32];
    let mut filled = 0;
    while filled < start.len() {
        let n = file
            .read(&mut start[filled..])
            .await
            .map_err(|e| BackupError::io(path, e))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    let start = &start[..filled];
    if start.starts_with(b"SQLite format 3\0") {
        Ok(Backend::Sqlite)
    } else if start.starts_with(archive::MAGIC) {
        Ok(Backend::Postgres)
    } else {
        Err(BackupError::NotABackup)
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// The newest migration of a backup whose migrations `(version, checksum)` this
/// binary's `migrator` knows exactly, in order and without gaps; `None` when the
/// backup has none.
fn restorable_to(
    migrator: &Migrator,
    backup: &[(i64, Vec<u8>)],
) -> Result<Option<i64>, BackupError> {
    let known: Vec<_> = migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .collect();
    for (i, (version, checksum)) in backup.iter().enumerate() {
        match known.get(i) {
            Some(m) if m.version == *version => {
                if m.checksum.as_ref() != checksum.as_slice() {
                    return Err(BackupError::Mismatch(*version));
                }
            }
            _ if !known.iter().any(|m| m.version == *version) => {
                return Err(BackupError::Newer(*version));
            }
            _ => return Err(BackupError::Mismatch(*version)),
        }
    }
    Ok(backup.last().map(|(version, _)| *version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamps(migrator: &Migrator) -> Vec<(i64, Vec<u8>)> {
        migrator
            .iter()
            .map(|m| (m.version, m.checksum.to_vec()))
            .collect()
    }

    #[test]
    fn a_backup_restores_only_onto_the_migrations_that_made_it() {
        let migrator = &super::super::SQLITE_MIGRATIONS;
        let all = stamps(migrator);
        let newest = all.last().unwrap().0;
        assert_eq!(restorable_to(migrator, &all).unwrap(), Some(newest));
        // an older backup (a prefix) restores up to its own newest migration
        assert_eq!(restorable_to(migrator, &all[..3]).unwrap(), Some(all[2].0));
        assert_eq!(restorable_to(migrator, &[]).unwrap(), None);

        let mut newer = all.clone();
        newer.push((newest + 1, vec![1, 2, 3]));
        assert!(
            matches!(restorable_to(migrator, &newer), Err(BackupError::Newer(v)) if v == newest + 1)
        );

        let mut altered = all.clone();
        altered[1].1[0] ^= 0xff;
        assert!(
            matches!(restorable_to(migrator, &altered), Err(BackupError::Mismatch(v)) if v == all[1].0)
        );

        let gap = vec![all[0].clone(), all[2].clone()];
        assert!(matches!(
            restorable_to(migrator, &gap),
            Err(BackupError::Mismatch(_))
        ));
    }
}
