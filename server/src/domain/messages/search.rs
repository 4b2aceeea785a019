//! Searching messages the caller may read (MSG-7).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::views;
use crate::api::SearchResult;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core};
use crate::store::{MARK_END, MARK_START, SearchFilter};

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub q: String,
    pub channel_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub has_file: Option<bool>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// Splits a marked snippet into plain text and the character ranges of matches.
pub fn split_marks(marked: &str) -> (String, Vec<[usize; 2]>) {
    let mut text = String::with_capacity(marked.len());
    let mut ranges = Vec::new();
    let (mut chars, mut start) = (0usize, None);
    for c in marked.chars() {
        match c {
            MARK_START => start = Some(chars),
            MARK_END => {
                if let Some(s) = start.take() {
                    ranges.push([s, chars]);
                }
            }
            _ => {
                text.push(c);
                chars += 1;
            }
        }
    }
    (text, ranges)
}

impl Core {
    /// Ranked matches with highlighted snippets, only from readable channels.
    pub async fn search(&self, actor: &Actor, query: SearchQuery) -> Result<Vec<SearchResult>> {
        let q = query.q.trim();
        if q.is_empty() || q.chars().count() > 200 {
            return Err(Error::invalid("q", "search for 1 to 200 characters"));
        }
        crate::domain::validate::text("q", q)?;
        let filter = SearchFilter {
            query: q.to_owned(),
            channel_id: query.channel_id,
            author_id: query.author_id,
            since: query.since,
            until: query.until,
            has_file: query.has_file,
            limit: i64::from(query.limit.unwrap_or(25).clamp(1, 50)),
            offset: i64::from(query.offset.unwrap_or(0).min(1000)),
        };
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let hits = c.search_messages(actor.id(), &filter).await?;

        // Each hit's reactions are read for that message alone: hits are scattered,
        // and a range from the oldest to the newest could span a whole channel.
        let mut results = Vec::with_capacity(hits.len());
        for hit in hits {
            let (snippet, highlights) = split_marks(&hit.snippet);
            let channel_id = hit.row.message.channel_id;
            if let Some(message) = views(&mut c, channel_id, vec![hit.row]).await?.pop() {
                results.push(SearchResult {
                    message,
                    snippet,
                    highlights,
                    rank: hit.rank,
                });
            }
        }
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::split_marks;

    #[test]
    fn marks_become_ranges() {
        let (text, ranges) = split_marks("say \u{E000}héllo\u{E001} to \u{E000}me\u{E001}");
        assert_eq!(text, "say héllo to me");
        assert_eq!(ranges, vec![[4, 9], [13, 15]]);
    }
}
