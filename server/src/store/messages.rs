//! Messages: insert, pages of history, edits with history, tombstone deletes,
//! threads, mentions.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub author_id: Option<Uuid>,
    pub content: String,
    pub reply_to_id: Option<Uuid>,
    pub thread_id: Option<Uuid>,
    pub thread_reply_count: i32,
    pub thread_last_reply_at: Option<DateTime<Utc>>,
    pub forwarded_from: Option<Json<serde_json::Value>>,
    pub mentions: Json<Vec<Uuid>>,
    pub mentions_everyone: bool,
    /// `@here` by someone allowed to use it.
    pub mentions_here: bool,
    pub has_file: bool,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Hidden from all but moderators and staff (ADM-8), and by whom.
    pub quarantined_at: Option<DateTime<Utc>>,
    pub quarantined_by: Option<Uuid>,
}

/// A message with its author's names, as lists show it. Read from the columns of
/// [`message_columns!`].
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub message: Message,
    pub author_username: Option<String>,
    pub author_display_name: Option<String>,
    pub author_avatar_file_id: Option<Uuid>,
    /// The author is a bot or a webhook.
    pub author_bot: bool,
    /// Who wrote the message this one replies to.
    pub reply_to_author_id: Option<Uuid>,
    /// The poll this message shows, if any.
    pub poll_id: Option<Uuid>,
    pub pinned: bool,
    /// A reaction was added at some time (it may since have been removed).
    pub ever_reacted: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageEdit {
    pub id: Uuid,
    pub message_id: Uuid,
    pub content: String,
    pub edited_at: DateTime<Utc>,
}

/// The page size clients ask for; its statements carry it as a constant.
pub(super) const USUAL_PAGE: i64 = 50;

/// Which page of a channel's history.
#[derive(Debug, Clone, Copy)]
pub enum Page {
    Latest,
    Before(Uuid),
    After(Uuid),
}

impl Page {
    /// The statement's cursor (`$3`): the newest page reads before the largest UUID.
    pub(super) fn cursor(self) -> Uuid {
        match self {
            Page::Latest => Uuid::max(),
            Page::Before(id) | Page::After(id) => id,
        }
    }

    /// Pages before a cursor are read newest first; lists show them oldest first.
    pub(super) fn into_time_order(self, rows: &mut [MessageRow]) {
        if !matches!(self, Page::After(_)) {
            rows.reverse();
        }
    }
}

/// The columns a [`MessageRow`] is read from (`m` the message, `u` its author). The six yes/no facts travel as bits of one `flags` column:
/// SQLite's driver keeps a row's values in one block of 40 bytes a value, and at 26
/// values (as it was) that block passes 1 KiB, where glibc's allocator first merges
/// its free lists: once per row, about 5 % of an older page's CPU (measured).
macro_rules! message_columns {
    () => {
        concat!(
            "m.id, m.channel_id, m.author_id, m.content, m.reply_to_id, m.thread_id, m.thread_reply_count, \
             m.thread_last_reply_at, m.forwarded_from, m.mentions, m.edited_at, m.deleted_at, m.created_at, \
             m.quarantined_at, m.quarantined_by, u.username AS author_username, \
             u.display_name AS author_display_name, u.avatar_file_id AS author_avatar_file_id, \
             CASE WHEN m.reply_to_id IS NULL THEN NULL \
             ELSE (SELECT r.author_id FROM messages r WHERE r.id = m.reply_to_id) END AS reply_to_author_id, \
             m.poll_id, \
             CASE WHEN m.mentions_everyone THEN 1 ELSE 0 END + CASE WHEN m.mentions_here THEN 2 ELSE 0 END \
             + CASE WHEN m.has_file THEN 4 ELSE 0 END + CASE WHEN u.bot_kind IS NOT NULL THEN 8 ELSE 0 END \
             + CASE WHEN m.pinned THEN 16 ELSE 0 END + CASE WHEN m.ever_reacted THEN 32 ELSE 0 END AS flags"
        )
    };
}
pub(crate) use message_columns;

/// Bits of the `flags` column of [`message_columns!`].
mod flag {
    pub const MENTIONS_EVERYONE: i32 = 1;
    pub const MENTIONS_HERE: i32 = 2;
    pub const HAS_FILE: i32 = 4;
    pub const AUTHOR_BOT: i32 = 8;
    pub const PINNED: i32 = 16;
    pub const EVER_REACTED: i32 = 32;
}

/// The yes/no facts of a message, unpacked from its `flags` column.
pub(super) struct Facts {
    pub mentions_everyone: bool,
    pub mentions_here: bool,
    pub has_file: bool,
    pub author_bot: bool,
    pub pinned: bool,
    pub ever_reacted: bool,
}

pub(super) fn message_row_flags(flags: i32) -> Facts {
    let has = |bit: i32| flags & bit != 0;
    Facts {
        mentions_everyone: has(flag::MENTIONS_EVERYONE),
        mentions_here: has(flag::MENTIONS_HERE),
        has_file: has(flag::HAS_FILE),
        author_bot: has(flag::AUTHOR_BOT),
        pinned: has(flag::PINNED),
        ever_reacted: has(flag::EVER_REACTED),
    }
}

/// `FromRow` for one backend's rows, written out because the flags are unpacked.
macro_rules! message_row_from {
    ($row:ty) => {
        impl<'r> sqlx::FromRow<'r, $row> for MessageRow {
            fn from_row(row: &'r $row) -> sqlx::Result<Self> {
                use sqlx::Row;
                let facts = message_row_flags(row.try_get("flags")?);
                Ok(MessageRow {
                    message: Message {
                        id: row.try_get("id")?,
                        channel_id: row.try_get("channel_id")?,
                        author_id: row.try_get("author_id")?,
                        content: row.try_get("content")?,
                        reply_to_id: row.try_get("reply_to_id")?,
                        thread_id: row.try_get("thread_id")?,
                        thread_reply_count: row.try_get("thread_reply_count")?,
                        thread_last_reply_at: row.try_get("thread_last_reply_at")?,
                        forwarded_from: row.try_get("forwarded_from")?,
                        mentions: row.try_get("mentions")?,
                        mentions_everyone: facts.mentions_everyone,
                        mentions_here: facts.mentions_here,
                        has_file: facts.has_file,
                        edited_at: row.try_get("edited_at")?,
                        deleted_at: row.try_get("deleted_at")?,
                        created_at: row.try_get("created_at")?,
                        quarantined_at: row.try_get("quarantined_at")?,
                        quarantined_by: row.try_get("quarantined_by")?,
                    },
                    author_username: row.try_get("author_username")?,
                    author_display_name: row.try_get("author_display_name")?,
                    author_avatar_file_id: row.try_get("author_avatar_file_id")?,
                    author_bot: facts.author_bot,
                    reply_to_author_id: row.try_get("reply_to_author_id")?,
                    poll_id: row.try_get("poll_id")?,
                    pinned: facts.pinned,
                    ever_reacted: facts.ever_reacted,
                })
            }
        }
    };
}
message_row_from!(sqlx::postgres::PgRow);
message_row_from!(sqlx::sqlite::SqliteRow);

/// The columns of [`message_columns!`], in its order: readers that take them by
/// position check a statement's columns against this list.
pub(super) const PAGE_COLUMNS: [&str; 21] = [
    "id",
    "channel_id",
    "author_id",
    "content",
    "reply_to_id",
    "thread_id",
    "thread_reply_count",
    "thread_last_reply_at",
    "forwarded_from",
    "mentions",
    "edited_at",
    "deleted_at",
    "created_at",
    "quarantined_at",
    "quarantined_by",
    "author_username",
    "author_display_name",
    "author_avatar_file_id",
    "reply_to_author_id",
    "poll_id",
    "flags",
];

/// Reading by position is what makes a page cheap; this keeps the positions honest,
/// once a page (every row of a statement has the same columns).
fn check_pg_page_columns(row: &sqlx::postgres::PgRow) -> sqlx::Result<()> {
    use sqlx::{Column, Row};
    let columns = row.columns();
    if columns.len() != PAGE_COLUMNS.len()
        || columns
            .iter()
            .zip(PAGE_COLUMNS)
            .any(|(c, name)| c.name() != name)
    {
        return Err(sqlx::Error::ColumnNotFound(
            "the page statement's columns are not the page reader's".into(),
        ));
    }
    Ok(())
}

/// A row of a page statement on PostgreSQL, read by position (see [`PAGE_COLUMNS`]).
/// With `checked`, each column's type is checked against its field's; the rows of
/// one result share their columns, so a page checks its first row only (sqlx's
/// check of every value was a tenth of decoding a page, profiled).
fn pg_page_row(row: &sqlx::postgres::PgRow, checked: bool) -> sqlx::Result<MessageRow> {
    macro_rules! get {
        ($index:literal) => {
            pg_column(row, $index, checked)
        };
    }
    let facts = message_row_flags(get!(20)?);
    Ok(MessageRow {
        message: Message {
            id: get!(0)?,
            channel_id: get!(1)?,
            author_id: get!(2)?,
            content: get!(3)?,
            reply_to_id: get!(4)?,
            thread_id: get!(5)?,
            thread_reply_count: get!(6)?,
            thread_last_reply_at: get!(7)?,
            forwarded_from: get!(8)?,
            mentions: get!(9)?,
            mentions_everyone: facts.mentions_everyone,
            mentions_here: facts.mentions_here,
            has_file: facts.has_file,
            edited_at: get!(10)?,
            deleted_at: get!(11)?,
            created_at: get!(12)?,
            quarantined_at: get!(13)?,
            quarantined_by: get!(14)?,
        },
        author_username: get!(15)?,
        author_display_name: get!(16)?,
        author_avatar_file_id: get!(17)?,
        author_bot: facts.author_bot,
        reply_to_author_id: get!(18)?,
        poll_id: get!(19)?,
        pinned: facts.pinned,
        ever_reacted: facts.ever_reacted,
    })
}

/// Column `index` of a page row, its type checked first when `checked`.
fn pg_column<'r, T>(row: &'r sqlx::postgres::PgRow, index: usize, checked: bool) -> sqlx::Result<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    use sqlx::{Column, Row, TypeInfo};
    if checked {
        let column = row.try_column(index)?;
        if !T::compatible(column.type_info()) {
            return Err(sqlx::Error::ColumnDecode {
                index: column.name().to_owned(),
                source: format!(
                    "the page reader expects {}, the statement gives {}",
                    T::type_info().name(),
                    column.type_info().name()
                )
                .into(),
            });
        }
    }
    row.try_get_unchecked(index)
}

macro_rules! select_messages {
    ($($rest:expr),+) => {
        concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages m LEFT JOIN users u ON u.id = m.author_id ",
            $($rest),+
        )
    };
}

/// The statement reading a page of a channel's main timeline (thread replies
/// excluded), from the channel (`$1`) and cursor (`$2`); then the limit when it is
/// not the usual page, and the viewer when `hide_blocked` leaves out the authors
/// the viewer blocks. A viewer who blocks no one reads without that test: it was a
/// sub-query a row, about a sixth of PostgreSQL's work for a page.
///
/// Cursors are always bound (see [`Page::cursor`]), so the statement's plan never
/// depends on whether a cursor was given: PostgreSQL can keep one generic plan and
/// SQLite never re-prepares. A LIMIT that is a parameter would undo that on
/// PostgreSQL (its generic plan assumes a tenth of the table, so it plans every
/// execution afresh), hence the usual page size is written into the statement.
pub(super) fn page_statement(page: Page, limit: i64, hide_blocked: bool) -> &'static str {
    macro_rules! select {
        ($compare:literal, $order:literal, $limit:literal, $blocked:expr) => {
            select_messages!(
                "WHERE m.channel_id = $1 AND m.thread_id IS NULL AND m.id ",
                $compare,
                " $2",
                $blocked,
                " ORDER BY m.id ",
                $order,
                " ",
                $limit
            )
        };
    }
    macro_rules! not_blocked_by {
        ($viewer:literal) => {
            concat!(
                " AND (m.author_id IS NULL OR NOT EXISTS (SELECT 1 FROM user_blocks b \
                 WHERE b.blocker_id = ",
                $viewer,
                " AND b.blocked_id = m.author_id))"
            )
        };
    }
    let after = matches!(page, Page::After(_));
    match (after, limit == USUAL_PAGE, hide_blocked) {
        (true, true, false) => select!(">", "ASC", "LIMIT 50", ""),
        (true, false, false) => select!(">", "ASC", "LIMIT $3", ""),
        (false, true, false) => select!("<", "DESC", "LIMIT 50", ""),
        (false, false, false) => select!("<", "DESC", "LIMIT $3", ""),
        (true, true, true) => select!(">", "ASC", "LIMIT 50", not_blocked_by!("$3")),
        (true, false, true) => select!(">", "ASC", "LIMIT $3", not_blocked_by!("$4")),
        (false, true, true) => select!("<", "DESC", "LIMIT 50", not_blocked_by!("$3")),
        (false, false, true) => select!("<", "DESC", "LIMIT $3", not_blocked_by!("$4")),
    }
}

/// A new message on SQLite, which numbers `seq` in the insert (its full-text index
/// is keyed by it); PostgreSQL's identity column does it by itself.
pub(super) const INSERT_MESSAGE_SQLITE_SQL: &str = "INSERT INTO messages (id, seq, channel_id, author_id, content, reply_to_id, thread_id, forwarded_from, \
     mentions, mentions_everyone, mentions_here, has_file, created_at) \
     VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
pub(super) const ONE_MESSAGE_SQL: &str = select_messages!("WHERE m.id = $1");
pub(super) const BUMP_THREAD_SQL: &str = "UPDATE messages SET thread_reply_count = thread_reply_count + 1, \
     thread_last_reply_at = $2 WHERE id = $1";
pub(super) const INSERT_MENTION_SQL: &str = "INSERT INTO message_mentions (message_id, user_id, channel_id) \
     VALUES ($1, $2, $3) ON CONFLICT (message_id, user_id) DO NOTHING";

/// A new message and the rows written with it, in one transaction
/// ([`super::Db::write_message`]).
#[derive(Debug, Clone)]
pub struct NewMessageRows {
    pub message: Message,
    /// Who is told of a mention (`message_mentions`).
    pub notify: Vec<Uuid>,
    pub notification_job: Option<super::NotificationJob>,
    pub then: ThenMark,
}

/// What a new message marks besides itself.
#[derive(Debug, Clone, Copy)]
pub enum ThenMark {
    /// The channel as read up to it by this user (its author).
    ReadBy(Uuid),
    /// It as the newest reply of this thread.
    ThreadReply(Uuid),
}

impl Conn<'_> {
    /// Writes `rows` (inside the caller's transaction) and reads the message back.
    pub async fn insert_message_rows(&mut self, rows: &NewMessageRows) -> StoreResult<MessageRow> {
        let m = &rows.message;
        self.insert_message(m).await?;
        self.insert_mentions(m.id, m.channel_id, &rows.notify)
            .await?;
        if let Some(job) = &rows.notification_job {
            self.insert_notification_job(job).await?;
        }
        match rows.then {
            ThenMark::ReadBy(user) => {
                self.mark_read(user, m.channel_id, m.id, m.created_at)
                    .await?
            }
            ThenMark::ThreadReply(root) => self.bump_thread(root, m.created_at).await?,
        }
        self.message(m.id).await?.ok_or(super::StoreError::NotFound)
    }

    pub async fn insert_message(&mut self, m: &Message) -> StoreResult<()> {
        macro_rules! insert {
            ($e:expr, $sql:expr) => {
                sqlx::query($sql)
                    .bind(m.id)
                    .bind(m.channel_id)
                    .bind(m.author_id)
                    .bind(&m.content)
                    .bind(m.reply_to_id)
                    .bind(m.thread_id)
                    .bind(&m.forwarded_from)
                    .bind(&m.mentions)
                    .bind(m.mentions_everyone)
                    .bind(m.mentions_here)
                    .bind(m.has_file)
                    .bind(m.created_at)
                    .execute($e)
                    .await?
                    .rows_affected()
            };
        }
        let _inserted = match self {
            Conn::Postgres(e) => insert!(
                &mut **e,
                "INSERT INTO messages (id, channel_id, author_id, content, reply_to_id, thread_id, forwarded_from, \
                 mentions, mentions_everyone, mentions_here, has_file, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            ),
            Conn::Sqlite(e) => insert!(&mut **e, INSERT_MESSAGE_SQLITE_SQL),
        };
        Ok(())
    }

    pub async fn message(&mut self, id: Uuid) -> StoreResult<Option<MessageRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(ONE_MESSAGE_SQL)
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    /// A page of a channel's main timeline (thread replies excluded), oldest first;
    /// with `hide_blocked_by`, without the authors that user blocks.
    pub async fn messages_page(
        &mut self,
        channel_id: Uuid,
        hide_blocked_by: Option<Uuid>,
        page: Page,
        limit: i64,
    ) -> StoreResult<Vec<MessageRow>> {
        let sql = page_statement(page, limit, hide_blocked_by.is_some());
        macro_rules! bound {
            ($query:expr) => {{
                let mut query = $query.bind(channel_id).bind(page.cursor());
                if limit != USUAL_PAGE {
                    query = query.bind(limit);
                }
                if let Some(viewer) = hide_blocked_by {
                    query = query.bind(viewer);
                }
                query
            }};
        }
        let mut rows: Vec<MessageRow> = match self {
            // By position: sqlx's lookup of each column by name was a fifth of the
            // server's CPU for a page from PostgreSQL (profiled).
            Conn::Postgres(e) => {
                let rows = bound!(sqlx::query(sql)).fetch_all(&mut **e).await?;
                if let Some(first) = rows.first() {
                    check_pg_page_columns(first)?;
                }
                rows.iter()
                    .enumerate()
                    .map(|(n, row)| pg_page_row(row, n == 0))
                    .collect::<sqlx::Result<_>>()?
            }
            Conn::Sqlite(e) => bound!(sqlx::query_as(sql)).fetch_all(&mut **e).await?,
        };
        page.into_time_order(&mut rows);
        Ok(rows)
    }

    /// The replies of a thread, oldest first, after the `after` cursor.
    pub async fn thread_replies(
        &mut self,
        root_id: Uuid,
        viewer: Uuid,
        after: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<MessageRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_messages!(
                "WHERE m.thread_id = $1 AND m.id > $3 \
                 AND (m.author_id IS NULL OR NOT EXISTS (SELECT 1 FROM user_blocks b \
                 WHERE b.blocker_id = $2 AND b.blocked_id = m.author_id)) \
                 ORDER BY m.id ASC LIMIT $4"
            ))
            .bind(root_id)
            .bind(viewer)
            .bind(after.unwrap_or(Uuid::nil()))
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn bump_thread(&mut self, root_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(BUMP_THREAD_SQL)
                .bind(root_id)
                .bind(now)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    /// Replaces the content, keeping the previous version in the edit history.
    pub async fn edit_message(
        &mut self,
        id: Uuid,
        previous: &str,
        content: &str,
        mentions: &[Uuid],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("INSERT INTO message_edits (id, message_id, content, edited_at) VALUES ($1, $2, $3, $4)")
                .bind(super::new_id())
                .bind(id)
                .bind(previous)
                .bind(now)
                .execute(&mut *e)
                .await?;
            sqlx::query(
                "UPDATE messages SET content = $2, mentions = $3, edited_at = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(content)
            .bind(Json(mentions))
            .bind(now)
            .execute(&mut *e)
            .await?;
        });
        Ok(())
    }

    /// A page of a message's earlier versions, oldest first, after `after` (an
    /// edit ID; the nil UUID for the first page).
    pub async fn message_edits(
        &mut self,
        id: Uuid,
        after: Uuid,
        limit: i64,
    ) -> StoreResult<Vec<MessageEdit>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, message_id, content, edited_at FROM message_edits \
                 WHERE message_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            )
            .bind(id)
            .bind(after)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// Turns a message into a tombstone: content, edits, reactions, mentions and pin go.
    /// Quarantines a message (`by` and `at`) or, with `None`, releases it.
    /// False when it was already in that state.
    pub async fn set_quarantine(
        &mut self,
        id: Uuid,
        quarantine: Option<(Uuid, DateTime<Utc>)>,
    ) -> StoreResult<bool> {
        let (by, at) = quarantine.unzip();
        let changed = db_run!(self, |e| {
            sqlx::query(
                "UPDATE messages SET quarantined_by = $2, quarantined_at = $3 \
                 WHERE id = $1 AND (quarantined_at IS NULL) = ($3 IS NOT NULL)",
            )
            .bind(id)
            .bind(by)
            .bind(at)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(changed > 0)
    }

    pub async fn delete_message(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE messages SET content = '', forwarded_from = NULL, mentions = '[]', \
                 mentions_everyone = FALSE, mentions_here = FALSE, has_file = FALSE, deleted_at = $2 WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *e)
            .await?;
            for sql in [
                "DELETE FROM message_edits WHERE message_id = $1",
                "DELETE FROM reactions WHERE message_id = $1",
                "DELETE FROM message_mentions WHERE message_id = $1",
                "DELETE FROM pins WHERE message_id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *e).await?;
            }
        });
        Ok(())
    }

    /// Records who a message notifies.
    pub async fn insert_mentions(
        &mut self,
        message_id: Uuid,
        channel_id: Uuid,
        users: &[Uuid],
    ) -> StoreResult<()> {
        for user in users {
            db_run!(self, |e| {
                sqlx::query(INSERT_MENTION_SQL)
                    .bind(message_id)
                    .bind(user)
                    .bind(channel_id)
                    .execute(e)
                    .await?;
            });
        }
        Ok(())
    }

    pub async fn clear_mentions(&mut self, message_id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM message_mentions WHERE message_id = $1")
                .bind(message_id)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    /// When the author last posted in the channel (slow mode).
    pub async fn last_post_at(
        &mut self,
        channel_id: Uuid,
        author_id: Uuid,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let row: Option<(DateTime<Utc>,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT created_at FROM messages WHERE author_id = $1 AND channel_id = $2 ORDER BY id DESC LIMIT 1",
            )
            .bind(author_id)
            .bind(channel_id)
            .fetch_optional(e)
            .await?
        });
        Ok(row.map(|(at,)| at))
    }

    /// The accounts among `names` (username keys) who may read the channel: only
    /// they can be mentioned there, so a mention never reveals anyone else.
    pub async fn readers_by_usernames(
        &mut self,
        channel_id: Uuid,
        names: &[String],
    ) -> StoreResult<Vec<Uuid>> {
        let mut found = Vec::new();
        for name in names {
            let row: Option<(Uuid,)> = db_run!(self, |e| {
                sqlx::query_as(
                    "SELECT u.id FROM users u WHERE u.username_key = $2 AND ( \
                       EXISTS (SELECT 1 FROM channels ch \
                         JOIN community_members cm ON cm.community_id = ch.community_id AND cm.user_id = u.id \
                         LEFT JOIN group_members gm ON gm.group_id = ch.group_id AND gm.user_id = u.id \
                         WHERE ch.id = $1 AND (gm.user_id IS NOT NULL OR cm.role IN ('owner', 'admin', 'moderator'))) \
                       OR EXISTS (SELECT 1 FROM dm_members d WHERE d.channel_id = $1 AND d.user_id = u.id))",
                )
                .bind(channel_id)
                .bind(name)
                .fetch_optional(e)
                .await?
            });
            found.extend(row.map(|(id,)| id));
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Connection as _;
    use uuid::Uuid;

    use super::pg_column;

    /// A page's first row checks each column's declared type, so a wrong column is
    /// refused even when its value there is NULL (which sqlx's check of each value
    /// lets through), and the rows after it are read without checks.
    #[tokio::test]
    async fn page_columns_are_checked_by_their_type_not_their_value() {
        let Some(url) = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty())
        else {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI"
            );
            eprintln!("SKIPPED: PostgreSQL test (set TEST_DATABASE_URL)");
            return;
        };
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let id = Uuid::now_v7();
        let row = sqlx::query("SELECT $1::uuid AS id, NULL::text AS name, 'x'::text AS note")
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap();

        assert_eq!(pg_column::<Uuid>(&row, 0, true).unwrap(), id);
        assert_eq!(pg_column::<Option<String>>(&row, 1, true).unwrap(), None);
        let wrong = pg_column::<Option<Uuid>>(&row, 1, true).unwrap_err();
        assert!(
            wrong
                .to_string()
                .contains("expects UUID, the statement gives TEXT"),
            "{wrong}"
        );
        assert!(pg_column::<Option<Uuid>>(&row, 2, true).is_err());
        assert!(pg_column::<Uuid>(&row, 3, true).is_err(), "no such column");
        // Unchecked, a matching column decodes as checked does.
        assert_eq!(pg_column::<Uuid>(&row, 0, false).unwrap(), id);
        assert_eq!(pg_column::<String>(&row, 2, false).unwrap(), "x");
        conn.close().await.unwrap();
    }
}
