//! Database access for both backends behind one API.
//!
//! [`Db`] is chosen once from the `DATABASE_URL` scheme. Store functions are methods on
//! [`Conn`], written once with `db_run!`: the same SQL body is compiled for PostgreSQL
//! and SQLite, and only where SQL really differs does a function carry two arms.
//! A [`Conn`] comes from a pooled connection ([`Db::acquire`]) or a transaction
//! ([`Db::begin`]), so every store function also works inside a transaction.

mod announcements;
mod audit;
pub mod backup;
mod blocks;
mod bookmarks;
mod bots;
mod channel_context;
mod channels;
mod communities;
mod community_invites;
mod custom_emoji;
mod dms;
mod email_outbox;
mod epoch;
mod feedback;
mod files;
mod groups;
mod images;
mod invites;
mod link_previews;
mod login_attempts;
mod meetings;
mod message_writer;
mod messages;
mod moderation;
mod notifications;
mod page_reader;
mod pg_pages;
mod polls;
mod preferences;
mod purges;
mod push;
mod reactions;
mod read_states;
mod reports;
mod scheduled_messages;
mod search;
mod sessions;
mod settings;
mod sso;
mod two_factor;
mod users;
mod webhooks;

pub use announcements::{Announcement, AnnouncementRow};
pub use audit::{AuditEntry, AuditFilter, NewAuditEntry};
pub use bookmarks::Bookmark;
pub use bots::BotRow;
pub use channel_context::ChannelContext;
pub use channels::{Channel, ChannelRoles};
pub use communities::{Community, CommunityMember, CommunitySummary, MemberProfile, MyCommunity};
pub use community_invites::CommunityInvite;
pub use custom_emoji::CustomEmoji;
pub use dms::DmMember;
pub use email_outbox::OutboxEmail;
pub use epoch::{access_changed, access_epoch};
pub use feedback::{Feedback, FeedbackRow};
pub use files::{BlockedHash, FileFilter, FileRow, StorageTotal};
pub use groups::{Group, GroupForUser, GroupMember, GroupMemberProfile};
pub use images::{ImageColumn, ProfileCard};
pub use invites::RegistrationInvite;
pub use link_previews::LinkPreview;
pub use login_attempts::{AttemptRule, LoginAttempts};
pub use meetings::{Attendee, Meeting, MeetingException};
use message_writer::MessageWriter;
pub use messages::{Message, MessageEdit, MessageRow, NewMessageRows, Page, ThenMark};
pub use moderation::{BanEntry, CommunityBan, Warning};
pub use notifications::{NotificationOverride, NotificationPrefs};
use page_reader::PageReader;
use pg_pages::PgPages;
pub use polls::{Poll, PollVote};
pub use preferences::Preferences;
pub use purges::{PurgeJob, PurgedBatch};
pub use push::{DuePush, NotificationJob, PushSubscription, QueuedPush};
pub use reactions::{Reaction, reaction_queries, reaction_rows_read};
pub use read_states::UnreadState;
pub use reports::{Report, ReportFilter, ReportRow};
pub use scheduled_messages::ScheduledMessage;
pub use search::{MARK_END, MARK_START, SearchFilter, SearchHit, fts5_query};
pub use sessions::{RefreshToken, Session, SessionWithUser};
pub use settings::SettingKey;
pub use sso::OidcLogin;
pub use two_factor::{TicketKind, TotpSecret};
pub use users::{NewUser, ProfileUpdate, User, normalize_key};
pub use webhooks::Webhook;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{
    Connection, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction,
};

/// Runs one query body against whichever backend `$conn` holds.
///
/// Inside the body `$e` is `&mut PgConnection` or `&mut SqliteConnection`; use
/// `&mut *$e` when the body runs more than one query.
macro_rules! db_run {
    ($conn:expr, |$e:ident| $body:expr) => {
        match $conn {
            $crate::store::Conn::Postgres($e) => {
                #[allow(unused_mut)]
                let mut $e: &mut ::sqlx::PgConnection = &mut **$e;
                $body
            }
            $crate::store::Conn::Sqlite($e) => {
                #[allow(unused_mut)]
                let mut $e: &mut ::sqlx::SqliteConnection = &mut **$e;
                $body
            }
        }
    };
}
pub(crate) use db_run;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// The backend a `DATABASE_URL` selects, from its scheme.
    pub fn from_url(url: &str) -> Option<Backend> {
        let scheme = url.split_once(':')?.0;
        match scheme {
            "postgres" | "postgresql" => Some(Backend::Postgres),
            "sqlite" => Some(Backend::Sqlite),
            _ => None,
        }
    }
}

/// Errors of the store, independent of the backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("row not found")]
    NotFound,
    #[error("unique constraint violated")]
    Conflict,
    /// A row refers to one removed meanwhile (a foreign key): the write raced a
    /// delete that its checks did not see yet.
    #[error("a referenced row is gone")]
    Dangling,
    /// No database connection became free in time: the server is overloaded.
    #[error("no database connection free in time")]
    Busy,
    #[error(transparent)]
    Other(sqlx::Error),
    /// From the SQLite reads that bypass sqlx ([`PageReader`]).
    #[error(transparent)]
    Direct(rusqlite::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Dangling,
            sqlx::Error::PoolTimedOut => StoreError::Busy,
            _ => StoreError::Other(err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A connection pool to one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    /// The pool, and pages of history read past it.
    Postgres(PgPool, Arc<PgPages>),
    Sqlite(SqlitePool, Arc<SqliteSide>),
}

/// What a SQLite database has besides its pool.
#[derive(Debug, Default)]
pub struct SqliteSide {
    /// The turn every write transaction waits for: SQLite has one writer at a
    /// time, and waiting here, in order, replaces SQLite's busy handler, which
    /// retries after sleeps of up to 100 ms and so made busy moments slow.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Pages of history without the pool, for a database in a file.
    reader: Option<Arc<PageReader>>,
    /// New messages without the pool, for a database in a file.
    messages: Option<MessageWriter>,
}

pub(crate) static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");
pub(crate) static SQLITE_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("../migrations/sqlite");

impl Db {
    /// Connects to `url` (`postgres://…` or `sqlite://…`); SQLite files are created
    /// when missing and tuned for a server (WAL, foreign keys, busy timeout).
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        match Backend::from_url(url) {
            Some(Backend::Postgres) => {
                let options = PgConnectOptions::from_str(url)?;
                // One direct attempt first: a pool would retry until its timeout and
                // hide the reason (refused, bad password, unknown database).
                let probe = tokio::time::timeout(
                    Duration::from_secs(10),
                    PgConnection::connect_with(&options),
                )
                .await
                .map_err(|_| {
                    sqlx::Error::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "no connection within 10 s; is PostgreSQL running and reachable?",
                    ))
                })??;
                probe.close().await?;
                // Connections are not pinged before each use (a round trip per
                // query); a broken one fails its query and is replaced.
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options.clone())
                    .await?;
                Ok(Db::Postgres(pool, Arc::new(PgPages::new(options))))
            }
            Some(Backend::Sqlite) => {
                without_sqlite_memory_statistics();
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    // Room for a whole page and its result: with sqlx's 50, the
                    // connection's thread waited for the reader at the end of every
                    // 50-row page (4 % of an older page's CPU, measured).
                    .row_buffer_size(128);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| Box::pin(stable_query_plans(conn)))
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options.clone())
                    .await?;
                // An in-memory database exists only inside the pool's connections.
                let file = options.get_filename();
                let writer = Arc::default();
                let in_file = file.is_file();
                let side = SqliteSide {
                    reader: in_file.then(|| Arc::new(PageReader::new(file.to_path_buf()))),
                    messages: in_file
                        .then(|| MessageWriter::new(file.to_path_buf(), Arc::clone(&writer))),
                    writer,
                };
                Ok(Db::Sqlite(pool, Arc::new(side)))
            }
            None => Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with postgres:// or sqlite://".into(),
            )),
        }
    }

    /// Applies pending migrations of this backend.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Postgres(pool, _) => PG_MIGRATIONS.run(pool).await,
            Db::Sqlite(pool, _) => SQLITE_MIGRATIONS.run(pool).await,
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Postgres(..) => Backend::Postgres,
            Db::Sqlite(..) => Backend::Sqlite,
        }
    }

    /// A connection from the pool, for reads and single writes.
    pub async fn acquire(&self) -> StoreResult<PooledConn> {
        Ok(match self {
            Db::Postgres(pool, _) => PooledConn::Postgres(pool.acquire().await?),
            Db::Sqlite(pool, _) => PooledConn::Sqlite(pool.acquire().await?),
        })
    }

    /// A page of a channel's history, as [`Conn::messages_page`] reads it, on no
    /// pooled connection: on PostgreSQL by [`PgPages`], on a SQLite file by the
    /// [`PageReader`]; else (SQLite in memory) on `conn`, which is taken from the
    /// pool when empty and left filled for the caller's further reads.
    pub async fn messages_page(
        &self,
        conn: &mut Option<PooledConn>,
        channel_id: uuid::Uuid,
        hide_blocked_by: Option<uuid::Uuid>,
        page: Page,
        limit: i64,
    ) -> StoreResult<Vec<MessageRow>> {
        if let Db::Postgres(_, pages) = self {
            return pages.page(channel_id, hide_blocked_by, page, limit).await;
        }
        if let Db::Sqlite(_, side) = self
            && let Some(reader) = &side.reader
        {
            let mut rows = reader
                .page(channel_id, hide_blocked_by, page, limit)
                .await?;
            page.into_time_order(&mut rows);
            return Ok(rows);
        }
        self.pooled(conn)
            .await?
            .conn()
            .messages_page(channel_id, hide_blocked_by, page, limit)
            .await
    }

    /// Whether pages of history are read without the pool (PostgreSQL, SQLite in a
    /// file).
    pub fn reads_pages_directly(&self) -> bool {
        matches!(self, Db::Postgres(..))
            || matches!(self, Db::Sqlite(_, side) if side.reader.is_some())
    }

    /// Whether new messages are written by the [`MessageWriter`] (SQLite in a file).
    pub fn writes_messages_directly(&self) -> bool {
        matches!(self, Db::Sqlite(_, side) if side.messages.is_some())
    }

    /// The connection in `slot`, taken from the pool first if the slot is empty.
    pub async fn pooled<'s>(
        &self,
        slot: &'s mut Option<PooledConn>,
    ) -> StoreResult<&'s mut PooledConn> {
        let conn = match slot.take() {
            Some(conn) => conn,
            None => self.acquire().await?,
        };
        Ok(slot.insert(conn))
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so read-then-write transactions never fail with
    /// "database is locked" half way.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let epoch_at_begin = access_epoch();
        let open = match self {
            Db::Postgres(pool, _) => OpenTx::Postgres(pool.begin().await?),
            Db::Sqlite(pool, side) => {
                let turn = side.writer.clone().lock_owned().await;
                OpenTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
        };
        Ok(Tx {
            open: Some(open),
            epoch_at_begin,
        })
    }

    /// Writes a new message with its rows in one transaction and reads it back: on
    /// a SQLite file by its [`MessageWriter`], else in a transaction of the pool.
    /// Never call it while holding a [`Tx`]: on SQLite both wait for the one writer.
    pub async fn write_message(&self, rows: NewMessageRows) -> StoreResult<MessageRow> {
        if let Db::Sqlite(_, side) = self
            && let Some(writer) = &side.messages
        {
            return writer.write(rows).await;
        }
        let mut tx = self.begin().await?;
        let row = tx.conn().insert_message_rows(&rows).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Closes every connection (waits for checked-out ones to return).
    pub async fn close(&self) {
        match self {
            Db::Postgres(pool, pages) => {
                pages.close().await;
                pool.close().await;
            }
            Db::Sqlite(pool, side) => {
                if let Some(writer) = &side.messages {
                    writer.close().await;
                }
                pool.close().await;
            }
        }
    }
}

/// Turns off SQLite's memory statistics for the process, once, before its first
/// connection: with them on, every allocation SQLite makes (each value read out of
/// a row, among others) takes one process-wide mutex, which the pool's threads and
/// the runtime's fought over (a tenth of the CPU of a history benchmark was spent
/// locking it). Nothing here reads the statistics.
fn without_sqlite_memory_statistics() {
    use libsqlite3_sys::{SQLITE_CONFIG_MEMSTATUS, SQLITE_OK, sqlite3_config};
    use std::os::raw::c_int;
    use std::sync::Once;

    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: configuration before SQLite initializes; the `Once` keeps other
        // threads of this module out while it runs, and nothing else here opens a
        // SQLite database before the store does. Afterwards SQLite refuses the call
        // (SQLITE_MISUSE) and changes nothing.
        let rc = unsafe { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0 as c_int) };
        if rc != SQLITE_OK {
            tracing::warn!(
                code = rc,
                "SQLite was in use before the store opened it; its memory statistics stay on"
            );
        }
    });
}

/// Turns on SQLite's query-planner stability guarantee for a new connection.
///
/// Without it SQLite marks a statement for re-preparation whenever a bound value
/// might change its plan (any `LIMIT $n`, for one), so cached statements are parsed
/// and planned again on every execution; the history benchmark served about 1.8x
/// more requests per second with it on. sqlx has no setting for it.
async fn stable_query_plans(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK, sqlite3_db_config};
    use std::os::raw::c_int;

    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    let mut enabled: c_int = 0;
    // SAFETY: `db` is this open connection, held locked by `handle` during the call;
    // this option takes an int (1 = on) and a pointer that receives the new state.
    let rc = unsafe {
        sqlite3_db_config(
            db,
            SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            &mut enabled as *mut c_int,
        )
    };
    if rc != SQLITE_OK || enabled != 1 {
        return Err(sqlx::Error::Configuration(
            format!("SQLite refused the query-planner stability option (code {rc})").into(),
        ));
    }
    Ok(())
}

/// A connection checked out of the pool.
pub enum PooledConn {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

impl PooledConn {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PooledConn::Postgres(c) => Conn::Postgres(c),
            PooledConn::Sqlite(c) => Conn::Sqlite(c),
        }
    }
}

/// An open transaction; dropped without [`Tx::commit`] it rolls back.
pub struct Tx {
    open: Option<OpenTx>,
    /// The access epoch when it began. If a write moved it since (possibly this
    /// transaction's, whose uncommitted rows its own reads saw), the epoch moves
    /// again once the transaction has ended, committed or not.
    epoch_at_begin: u64,
}

enum OpenTx {
    Postgres(Transaction<'static, Postgres>),
    /// Holds the writer's turn until committed or dropped.
    Sqlite(
        Transaction<'static, Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self
            .open
            .as_mut()
            .expect("a transaction is open until it ends")
        {
            OpenTx::Postgres(t) => Conn::Postgres(t),
            OpenTx::Sqlite(t, _) => Conn::Sqlite(t),
        }
    }

    pub async fn commit(mut self) -> StoreResult<()> {
        match self
            .open
            .take()
            .expect("a transaction is open until it ends")
        {
            OpenTx::Postgres(t) => t.commit().await?,
            OpenTx::Sqlite(t, _turn) => t.commit().await?,
        }
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        drop(self.open.take());
        if access_epoch() != self.epoch_at_begin {
            access_changed();
        }
    }
}

/// A borrowed connection of either backend; the store's methods live on this type.
pub enum Conn<'c> {
    Postgres(&'c mut PgConnection),
    Sqlite(&'c mut SqliteConnection),
}

/// The current time at the precision both backends store (microseconds), so a value
/// read back compares equal to the value written on either backend.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A new time-ordered ID (UUIDv7): ordering by ID is ordering by creation.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

impl Conn<'_> {
    /// A trivial query: proves the database answers.
    pub async fn ping(&mut self) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("SELECT 1").execute(e).await?;
        });
        Ok(())
    }
}

/// A case-insensitive "contains" pattern for `LOWER(col) LIKE $n ESCAPE '\'`, with
/// `%`, `_` and `\` in the user's text escaped.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
