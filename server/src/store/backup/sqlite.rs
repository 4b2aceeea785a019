//! SQLite backup (`VACUUM INTO`) and restore (SQLite's online backup API).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row, SqliteConnection};

use super::{BackupError, Summary, restorable_to};
use crate::store::{Backend, SQLITE_MIGRATIONS};

pub async fn backup(url: &str, out: &Path) -> Result<Summary, BackupError> {
    let options = SqliteConnectOptions::from_str(url)?.busy_timeout(Duration::from_secs(30));
    let mut conn = options.connect().await?;
    let target = out
        .to_str()
        .ok_or_else(|| BackupError::Corrupt("the backup path is not valid UTF-8".into()))?;
    sqlx::query("VACUUM INTO ?1")
        .bind(target)
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let mut copy = open_read_only(out).await?;
    let summary = summarize(&mut copy).await?;
    copy.close().await?;
    Ok(summary)
}

pub async fn restore(url: &str, input: &Path) -> Result<Summary, BackupError> {
    let mut source = open_read_only(input).await?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut source)
        .await
        .map_err(|e| BackupError::Corrupt(e.to_string()))?;
    if check != "ok" {
        return Err(BackupError::Corrupt(check));
    }
    restorable_to(&SQLITE_MIGRATIONS, &applied_migrations(&mut source).await?)?;
    let broken: Vec<sqlx::sqlite::SqliteRow> = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut source)
        .await?;
    if !broken.is_empty() {
        return Err(BackupError::Corrupt(format!(
            "{} rows break foreign keys",
            broken.len()
        )));
    }
    let summary = summarize(&mut source).await?;

    let mut target = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await?;
    copy_database(&mut source, &mut target).await?;
    target.close().await?;
    source.close().await?;
    Ok(summary)
}

async fn open_read_only(path: &Path) -> Result<SqliteConnection, BackupError> {
    if !path.exists() {
        return Err(BackupError::io(
            path,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| BackupError::Corrupt(e.to_string()))
}

async fn applied_migrations(
    conn: &mut SqliteConnection,
) -> Result<Vec<(i64, Vec<u8>)>, BackupError> {
    let present: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !present {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|row| (row.get::<i64, _>(0), row.get::<Vec<u8>, _>(1)))
        .collect())
}

/// The number of ordinary tables and their rows (the full-text index's shadow
/// tables are part of the file but not counted).
async fn summarize(conn: &mut SqliteConnection) -> Result<Summary, BackupError> {
    let names: Vec<String> = sqlx::query_scalar(concat!(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ",
        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%' ORDER BY name"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = 0u64;
    for name in &names {
        let count: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT count(*) FROM \"{}\"",
            name.replace('"', "\"\"")
        )))
        .fetch_one(&mut *conn)
        .await?;
        rows += count as u64;
    }
    Ok(Summary {
        backend: Backend::Sqlite,
        tables: names.len(),
        rows,
    })
}

/// Copies every page of `source` into `target` with SQLite's backup API: one write
/// transaction on the target, so it ends with all of the backup or none of it.
async fn copy_database(
    source: &mut SqliteConnection,
    target: &mut SqliteConnection,
) -> Result<(), BackupError> {
    use libsqlite3_sys::{
        SQLITE_DONE, sqlite3_backup_finish, sqlite3_backup_init, sqlite3_backup_step,
        sqlite3_errcode, sqlite3_errmsg,
    };

    let mut source_handle = source.lock_handle().await?;
    let mut target_handle = target.lock_handle().await?;
    let src = source_handle.as_raw_handle().as_ptr();
    let dst = target_handle.as_raw_handle().as_ptr();
    let main = c"main";
    // SAFETY: both handles are open connections held locked for the whole call, so
    // nothing else uses them; the backup object is finished before they are released.
    let (step, finish, message) = unsafe {
        let backup = sqlite3_backup_init(dst, main.as_ptr(), src, main.as_ptr());
        if backup.is_null() {
            let message = std::ffi::CStr::from_ptr(sqlite3_errmsg(dst))
                .to_string_lossy()
                .into_owned();
            return Err(BackupError::Corrupt(format!(
                "cannot start the copy (code {}): {message}",
                sqlite3_errcode(dst)
            )));
        }
        let step = sqlite3_backup_step(backup, -1);
        let finish = sqlite3_backup_finish(backup);
        let message = std::ffi::CStr::from_ptr(sqlite3_errmsg(dst))
            .to_string_lossy()
            .into_owned();
        (step, finish, message)
    };
    if step != SQLITE_DONE || finish != libsqlite3_sys::SQLITE_OK {
        return Err(BackupError::Corrupt(format!(
            "copying into the database failed (code {step}/{finish}): {message}; is the server still running?"
        )));
    }
    Ok(())
}
