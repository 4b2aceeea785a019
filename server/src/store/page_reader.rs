//! Pages of a channel's history on SQLite, read on connections of the reader's own
//! in a blocking thread.
//!
//! Through sqlx a page cost four hand-offs between threads (the query to the
//! connection's thread, its rows back, and the pool's ping when the connection
//! returns) and a copy of every value of every row (`sqlite3_value_dup`, one
//! allocation each, freed on another thread): a profile of `history --older` had
//! more of the server's CPU in that than in SQLite itself. Here one blocking thread
//! steps the statement and builds each [`MessageRow`] straight from the columns.
//!
//! The statements are the pool's ([`page_statement`]), so both paths read the same
//! rows. The connections are `query_only`: writes stay with the pool and the
//! message writer, under the writers' turn, and in WAL mode every read here sees
//! the last committed state.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{FromSql, FromSqlError, ValueRef};
use rusqlite::{Connection, OpenFlags, Row, Statement};
use sqlx::types::Json;
use uuid::Uuid;

use super::messages::{
    Message, MessageRow, PAGE_COLUMNS, Page, USUAL_PAGE, message_row_flags, page_statement,
};
use super::{StoreError, StoreResult};

/// Reads at once, at most: enough to keep two cores busy while one read waits for
/// the disk; more would only add threads contending for the same pages.
const READERS: usize = 4;
/// As the pool's connections: how long a read waits behind a checkpoint.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads pages of history from the SQLite file at `path`.
#[derive(Debug)]
pub struct PageReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    turns: Arc<tokio::sync::Semaphore>,
}

impl PageReader {
    pub(super) fn new(path: PathBuf) -> PageReader {
        PageReader {
            path,
            idle: Mutex::new(Vec::new()),
            turns: Arc::new(tokio::sync::Semaphore::new(READERS)),
        }
    }

    /// The page of the channel's main timeline before or after the cursor (or the
    /// newest), in the order the statement reads it.
    pub(super) async fn page(
        self: &Arc<Self>,
        channel_id: Uuid,
        hide_blocked_by: Option<Uuid>,
        page: Page,
        limit: i64,
    ) -> StoreResult<Vec<MessageRow>> {
        let turn = self.turns.clone().acquire_owned().await;
        let turn = turn.map_err(|_| StoreError::Busy)?;
        let reader = self.clone();
        // The turn goes with the read into its thread: a request given up while its
        // read runs leaves the turn taken until the read ends.
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            reader.read(channel_id, hide_blocked_by, page, limit)
        })
        .await
        // The read panicked: as when sqlx's connection thread dies.
        .map_err(|_| StoreError::Other(sqlx::Error::WorkerCrashed))?
    }

    fn read(
        &self,
        channel_id: Uuid,
        hide_blocked_by: Option<Uuid>,
        page: Page,
        limit: i64,
    ) -> StoreResult<Vec<MessageRow>> {
        let kept = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match kept {
            Some(conn) => conn,
            None => self.open()?,
        };
        let rows = read_page(&conn, channel_id, hide_blocked_by, page, limit);
        // A connection whose read failed is closed rather than kept: whatever went
        // wrong (a damaged file, a full disk) is not carried into the next read.
        if rows.is_ok() {
            self.idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(conn);
        }
        rows.map_err(|err| match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            _ => StoreError::Direct(err),
        })
    }

    fn open(&self) -> StoreResult<Connection> {
        open_connection(&self.path)
            .and_then(|conn| conn.pragma_update(None, "query_only", true).map(|()| conn))
            .map_err(StoreError::Direct)
    }
}

/// A connection of ours to the SQLite file at `path`, set as the pool's are where it
/// matters to both readers and writers.
pub(super) fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // As the pool's connections (see `stable_query_plans`): one plan a statement,
    // never re-prepared for a bound value.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(conn)
}

fn read_page(
    conn: &Connection,
    channel_id: Uuid,
    hide_blocked_by: Option<Uuid>,
    page: Page,
    limit: i64,
) -> rusqlite::Result<Vec<MessageRow>> {
    let sql = page_statement(page, limit, hide_blocked_by.is_some());
    let mut statement = conn.prepare_cached(sql)?;
    check_columns(&statement)?;
    let cursor = page.cursor();
    // In the statement's order: channel, cursor, the limit when it is not written
    // in, the viewer when blocked authors are left out.
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&channel_id, &cursor];
    if limit != USUAL_PAGE {
        values.push(&limit);
    }
    if let Some(viewer) = &hide_blocked_by {
        values.push(viewer);
    }
    let names = ["$1", "$2", "$3", "$4"];
    let params: Vec<(&str, &dyn rusqlite::ToSql)> = names.into_iter().zip(values).collect();
    let mut rows = statement.query(params.as_slice())?;
    let mut out = Vec::with_capacity(usize::try_from(limit).unwrap_or(0));
    while let Some(row) = rows.next()? {
        out.push(message_row(row)?);
    }
    Ok(out)
}

/// Reading columns by position is what makes this path cheap; this keeps the
/// positions honest if `message_columns!` ever changes.
pub(super) fn check_columns(statement: &Statement<'_>) -> rusqlite::Result<()> {
    let names = statement.column_names();
    if names.len() != PAGE_COLUMNS.len() || names.iter().zip(PAGE_COLUMNS).any(|(a, b)| *a != b) {
        return Err(rusqlite::Error::InvalidColumnName(format!(
            "the page statement reads {names:?}, not the page reader's columns"
        )));
    }
    Ok(())
}

pub(super) fn message_row(row: &Row<'_>) -> rusqlite::Result<MessageRow> {
    let flags: i32 = row.get(20)?;
    let facts = message_row_flags(flags);
    Ok(MessageRow {
        message: Message {
            id: row.get(0)?,
            channel_id: row.get(1)?,
            author_id: row.get(2)?,
            content: row.get(3)?,
            reply_to_id: row.get(4)?,
            thread_id: row.get(5)?,
            thread_reply_count: row.get(6)?,
            thread_last_reply_at: row.get(7)?,
            forwarded_from: row.get::<_, Option<JsonText<_>>>(8)?.map(|j| Json(j.0)),
            mentions: Json(row.get::<_, JsonText<_>>(9)?.0),
            mentions_everyone: facts.mentions_everyone,
            mentions_here: facts.mentions_here,
            has_file: facts.has_file,
            edited_at: row.get(10)?,
            deleted_at: row.get(11)?,
            created_at: row.get(12)?,
            quarantined_at: row.get(13)?,
            quarantined_by: row.get(14)?,
        },
        author_username: row.get(15)?,
        author_display_name: row.get(16)?,
        author_avatar_file_id: row.get(17)?,
        author_bot: facts.author_bot,
        reply_to_author_id: row.get(18)?,
        poll_id: row.get(19)?,
        pinned: facts.pinned,
        ever_reacted: facts.ever_reacted,
    })
}

/// A JSON column, stored as text.
struct JsonText<T>(T);

impl<T: serde::de::DeserializeOwned> FromSql for JsonText<T> {
    fn column_result(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        let bytes = match value {
            ValueRef::Text(b) | ValueRef::Blob(b) => b,
            _ => return Err(FromSqlError::InvalidType),
        };
        serde_json::from_slice(bytes)
            .map(JsonText)
            .map_err(|err| FromSqlError::Other(Box::new(err)))
    }
}
