//! New messages on a SQLite file, written by a thread of the writer's own.
//!
//! SQLite has one writer at a time, so while one message is written every other
//! waits. Through sqlx a message's transaction was five hand-offs between threads
//! (begin, insert, read state, the row read back, commit), each waiting for a core
//! while the writer's turn was held; with the cores busy fanning messages out, a
//! turn lasted milliseconds and a queue built at 150 msg/s on one channel. Here one
//! thread takes the turn once for all the messages waiting, writes each inside a
//! savepoint (one that fails leaves the others), commits once and answers each
//! sender.
//!
//! Values are bound as sqlx binds them (UUIDs as 16-byte blobs, times as RFC 3339
//! text, JSON as text), so rows read the same whichever path wrote them.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, named_params};
use tokio::sync::oneshot;

use super::messages::{
    BUMP_THREAD_SQL, INSERT_MENTION_SQL, INSERT_MESSAGE_SQLITE_SQL, MessageRow, NewMessageRows,
    ONE_MESSAGE_SQL, ThenMark,
};
use super::page_reader::{check_columns, message_row, open_connection};
use super::push::INSERT_NOTIFICATION_JOB_SQL;
use super::read_states::MARK_READ_SQL;
use super::{StoreError, StoreResult};

/// Messages written in one transaction, at most: a bound on how long the writer's
/// turn is held at once, and on what one failed commit takes down with it.
const BATCH_MAX: usize = 64;

struct Job {
    rows: NewMessageRows,
    answer: oneshot::Sender<StoreResult<MessageRow>>,
}

/// The writer thread of one SQLite file, started with its first message.
#[derive(Debug)]
pub(super) struct MessageWriter {
    path: PathBuf,
    /// The turn sqlx's write transactions take too ([`super::Db::begin`]).
    turn: Arc<tokio::sync::Mutex<()>>,
    running: Mutex<Option<Running>>,
}

#[derive(Debug)]
struct Running {
    jobs: Sender<Job>,
    thread: JoinHandle<()>,
}

impl MessageWriter {
    pub(super) fn new(path: PathBuf, turn: Arc<tokio::sync::Mutex<()>>) -> MessageWriter {
        MessageWriter {
            path,
            turn,
            running: Mutex::new(None),
        }
    }

    /// Writes a new message with its rows in one transaction and reads it back.
    pub(super) async fn write(&self, rows: NewMessageRows) -> StoreResult<MessageRow> {
        let (answer, answered) = oneshot::channel();
        self.send(Job { rows, answer })?;
        answered
            .await
            // The thread panicked: as when sqlx's connection thread dies.
            .map_err(|_| StoreError::Other(sqlx::Error::WorkerCrashed))?
    }

    fn send(&self, job: Job) -> StoreResult<()> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.is_none() {
            let (jobs, queue) = std::sync::mpsc::channel();
            let (path, turn) = (self.path.clone(), self.turn.clone());
            let thread = std::thread::Builder::new()
                .name("sqlite-writer".into())
                .spawn(move || serve(&path, &turn, &queue))
                .map_err(|err| StoreError::Other(sqlx::Error::Io(err)))?;
            *running = Some(Running { jobs, thread });
        }
        let jobs = &running.as_ref().expect("started above").jobs;
        jobs.send(job)
            .map_err(|_| StoreError::Other(sqlx::Error::PoolClosed))
    }

    /// Lets the thread finish what it was given, then waits for it to end.
    pub(super) async fn close(&self) {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(Running { jobs, thread }) = running {
            drop(jobs);
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

fn serve(path: &Path, turn: &tokio::sync::Mutex<()>, queue: &Receiver<Job>) {
    let mut conn = None;
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        let results = {
            let _turn = turn.blocking_lock();
            write_batch(&mut conn, path, &batch)
        };
        for (job, result) in batch.into_iter().zip(results) {
            // The sender may have gone: the message is written all the same.
            let _ = job.answer.send(result);
        }
    }
}

/// Writes every job of `batch` in one transaction; one result per job.
fn write_batch(
    conn: &mut Option<Connection>,
    path: &Path,
    batch: &[Job],
) -> Vec<StoreResult<MessageRow>> {
    let all_failed = |err: &rusqlite::Error| batch.iter().map(|_| Err(same_error(err))).collect();
    if conn.is_none() {
        match open(path) {
            Ok(opened) => *conn = Some(opened),
            Err(err) => return all_failed(&err),
        }
    }
    let c = conn.as_ref().expect("opened above");
    if let Err(err) = c.execute_batch("BEGIN IMMEDIATE") {
        return all_failed(&err);
    }
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let written = c
            .execute_batch("SAVEPOINT message")
            .and_then(|()| write_one(c, &job.rows));
        let settled = match &written {
            Ok(_) => c.execute_batch("RELEASE message"),
            Err(_) => c.execute_batch("ROLLBACK TO message; RELEASE message"),
        };
        if let Err(err) = settled {
            // The transaction is in an unknown state: none of the batch is kept.
            let _ = c.execute_batch("ROLLBACK");
            *conn = None;
            return all_failed(&err);
        }
        results.push(written.map_err(store_error));
    }
    if let Err(err) = c.execute_batch("COMMIT") {
        let _ = c.execute_batch("ROLLBACK");
        *conn = None;
        return all_failed(&err);
    }
    results
}

fn write_one(c: &Connection, rows: &NewMessageRows) -> rusqlite::Result<MessageRow> {
    let m = &rows.message;
    let forwarded_from = m.forwarded_from.as_ref().map(|j| json(&j.0)).transpose()?;
    c.prepare_cached(INSERT_MESSAGE_SQLITE_SQL)?
        .execute(named_params! {
            "$1": m.id,
            "$2": m.channel_id,
            "$3": m.author_id,
            "$4": m.content,
            "$5": m.reply_to_id,
            "$6": m.thread_id,
            "$7": forwarded_from,
            "$8": json(&m.mentions.0)?,
            "$9": m.mentions_everyone,
            "$10": m.mentions_here,
            "$11": m.has_file,
            "$12": time(m.created_at),
        })?;
    for user in &rows.notify {
        c.prepare_cached(INSERT_MENTION_SQL)?
            .execute(named_params! { "$1": m.id, "$2": user, "$3": m.channel_id })?;
    }
    if let Some(job) = &rows.notification_job {
        c.prepare_cached(INSERT_NOTIFICATION_JOB_SQL)?
            .execute(named_params! {
                "$1": job.id,
                "$2": job.message_id,
                "$3": time(job.created_at),
            })?;
    }
    match rows.then {
        ThenMark::ReadBy(user_id) => {
            c.prepare_cached(MARK_READ_SQL)?.execute(named_params! {
                "$1": user_id,
                "$2": m.channel_id,
                "$3": m.id,
                "$4": time(m.created_at),
            })?;
        }
        ThenMark::ThreadReply(root_id) => {
            c.prepare_cached(BUMP_THREAD_SQL)?
                .execute(named_params! { "$1": root_id, "$2": time(m.created_at) })?;
        }
    }
    let mut read_back = c.prepare_cached(ONE_MESSAGE_SQL)?;
    check_columns(&read_back)?;
    read_back.query_row(named_params! { "$1": m.id }, message_row)
}

/// A JSON value as sqlx stores it on SQLite: text.
fn json<T: serde::Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|err| rusqlite::Error::ToSqlConversionFailure(err.into()))
}

/// A time as sqlx's SQLite driver writes it, so that text comparisons and ordering
/// in SQL see no difference between the two paths.
fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = open_connection(path)?;
    // As the pool's connections (`Db::connect`): constraints checked, commits
    // durable as in WAL with `synchronous = NORMAL`.
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

fn store_error(err: rusqlite::Error) -> StoreError {
    use rusqlite::ffi;
    let extended = match &err {
        rusqlite::Error::SqliteFailure(e, _) => e.extended_code,
        _ => ffi::SQLITE_OK,
    };
    if let Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) =
        err.sqlite_error_code()
    {
        return StoreError::Busy;
    }
    match extended {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => StoreError::Conflict,
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => StoreError::Dangling,
        _ => StoreError::Direct(err),
    }
}

/// One failure reported to every job of a batch (rusqlite's error is not `Clone`).
fn same_error(err: &rusqlite::Error) -> StoreError {
    store_error(match err {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    })
}
