//! Full-text search over messages (MSG-7): PostgreSQL's `tsvector` with
//! `websearch_to_tsquery`, SQLite's FTS5 with every user token quoted. One function,
//! two arms — the only place where the backends' SQL differs this much.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::messages::message_columns;
use super::{Conn, MessageRow, StoreResult};

/// Marks a match start/end in snippets (private-use code points, split out later).
pub const MARK_START: char = '\u{E000}';
pub const MARK_END: char = '\u{E001}';

#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub query: String,
    pub channel_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub has_file: Option<bool>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SearchHit {
    #[sqlx(flatten)]
    pub row: MessageRow,
    /// Content excerpt with matches between [`MARK_START`] and [`MARK_END`].
    pub snippet: String,
    pub rank: f64,
}

/// Turns user input into an FTS5 query: every token quoted (so `-`, `*`, `:`,
/// `AND`, unbalanced quotes are plain text), tokens ANDed.
pub fn fts5_query(input: &str) -> Option<String> {
    let tokens: Vec<String> = input
        .split_whitespace()
        .map(|t| t.replace('"', ""))
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| format!("\"{t}\""))
        .collect();
    (!tokens.is_empty()).then(|| tokens.join(" "))
}

/// The channels `$1` may read (community channels of their groups, every channel of
/// communities they moderate, their DMs).
macro_rules! readable_channels {
    () => {
        "SELECT ch.id FROM channels ch \
         JOIN community_members cm ON cm.community_id = ch.community_id AND cm.user_id = $1 \
         LEFT JOIN group_members gm ON gm.group_id = ch.group_id AND gm.user_id = $1 \
         WHERE gm.user_id IS NOT NULL OR cm.role IN ('owner', 'admin', 'moderator') \
         UNION SELECT channel_id FROM dm_members WHERE user_id = $1"
    };
}

/// Optional filters `$3`..`$7`, and authors `$1` blocks hidden.
macro_rules! search_filters {
    () => {
        "AND ($3 IS NULL OR m.channel_id = $3) AND ($4 IS NULL OR m.author_id = $4) \
         AND ($5 IS NULL OR m.created_at >= $5) AND ($6 IS NULL OR m.created_at < $6) \
         AND ($7 IS NULL OR m.has_file = $7) \
         AND (m.author_id IS NULL OR NOT EXISTS (SELECT 1 FROM user_blocks b \
              WHERE b.blocker_id = $1 AND b.blocked_id = m.author_id))"
    };
}

impl Conn<'_> {
    /// Messages matching the filter in channels `viewer` may read, best first.
    pub async fn search_messages(
        &mut self,
        viewer: Uuid,
        f: &SearchFilter,
    ) -> StoreResult<Vec<SearchHit>> {
        Ok(match self {
            Conn::Postgres(e) => {
                sqlx::query_as(concat!(
                    "WITH readable AS (", readable_channels!(), "), q AS (SELECT websearch_to_tsquery('simple', $2) AS query) ",
                    "SELECT ",
                    message_columns!(),
                    ", \
                     ts_headline('simple', m.content, q.query, 'StartSel=\u{E000}, StopSel=\u{E001}, MaxFragments=2, \
                     MaxWords=24, MinWords=8, FragmentDelimiter=\" … \"') AS snippet, \
                     ts_rank(m.search_vector, q.query)::float8 AS rank \
                     FROM messages m CROSS JOIN q LEFT JOIN users u ON u.id = m.author_id \
                     WHERE m.search_vector @@ q.query AND m.deleted_at IS NULL AND m.quarantined_at IS NULL \
                     AND m.channel_id IN (SELECT id FROM readable) ",
                    search_filters!(),
                    " ORDER BY rank DESC, m.id DESC LIMIT $8 OFFSET $9"
                ))
                .bind(viewer)
                .bind(&f.query)
                .bind(f.channel_id)
                .bind(f.author_id)
                .bind(f.since)
                .bind(f.until)
                .bind(f.has_file)
                .bind(f.limit)
                .bind(f.offset)
                .fetch_all(&mut **e)
                .await?
            }
            Conn::Sqlite(e) => {
                let Some(query) = fts5_query(&f.query) else { return Ok(Vec::new()) };
                sqlx::query_as(concat!(
                    "WITH readable AS (", readable_channels!(), ") ",
                    "SELECT ",
                    message_columns!(),
                    ", \
                     snippet(messages_fts, 0, char(57344), char(57345), ' … ', 24) AS snippet, \
                     -bm25(messages_fts) AS rank \
                     FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid \
                     LEFT JOIN users u ON u.id = m.author_id \
                     WHERE messages_fts MATCH $2 AND m.deleted_at IS NULL AND m.quarantined_at IS NULL \
                     AND m.channel_id IN (SELECT id FROM readable) ",
                    search_filters!(),
                    " ORDER BY rank DESC, m.id DESC LIMIT $8 OFFSET $9"
                ))
                .bind(viewer)
                .bind(query)
                .bind(f.channel_id)
                .bind(f.author_id)
                .bind(f.since)
                .bind(f.until)
                .bind(f.has_file)
                .bind(f.limit)
                .bind(f.offset)
                .fetch_all(&mut **e)
                .await?
            }
        })
    }
}
