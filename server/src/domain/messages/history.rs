//! Reading: pages of history (before/after/around), threads, edit history, pins.

use bytes::Bytes;
use uuid::Uuid;

use super::{for_viewer, message_not_found, plain_views, views, views_need_store};
use crate::api::{MessageEditView, MessageView};
use crate::domain::community::ChannelAccess;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core};
use crate::store::{MessageEdit, Page, PooledConn};

/// About the JSON of one message of a page (a short text and its author).
const VIEW_BYTES: usize = 640;

/// Which part of a channel's history to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryQuery {
    pub before: Option<Uuid>,
    pub after: Option<Uuid>,
    pub around: Option<Uuid>,
    pub limit: Option<u32>,
}

impl HistoryQuery {
    /// No cursor: the channel's newest messages.
    fn is_newest(&self) -> bool {
        self.before.is_none() && self.after.is_none() && self.around.is_none()
    }
}

/// Whether the reader gets the newest page everyone shares: readers who block
/// someone get pages filtered for them alone, and moderators pages with quarantined
/// messages whole.
fn reads_shared_page(access: &ChannelAccess) -> bool {
    !access.viewer_blocks_anyone && !access.is_moderator()
}

impl Core {
    /// A page of the channel's main timeline, oldest first (1..=100, default 50),
    /// as the JSON array of `MessageView`s the API answers with. The newest page
    /// comes from [`NewestPages`](super::newest_pages::NewestPages) while the
    /// channel has not changed since it was stored.
    pub async fn history(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        query: HistoryQuery,
    ) -> Result<Bytes> {
        let limit = query.limit.unwrap_or(50).clamp(1, 100);
        let cursors = [query.before, query.after, query.around]
            .iter()
            .filter(|c| c.is_some())
            .count();
        if cursors > 1 {
            return Err(Error::invalid(
                "before",
                "use at most one of before, after and around",
            ));
        }
        // Read before the store is: a change committed after this moves it.
        let revision = self.events.revisions.of(channel_id);
        // Access kept from an earlier request needs no database connection; one is
        // taken from the pool only when something must be read through it.
        let mut conn: Option<PooledConn> = None;
        let access = match self.kept_channel_access(actor, channel_id) {
            Some(access) => access?,
            None => {
                let pooled = self.db.pooled(&mut conn).await?;
                self.channel_access(&mut pooled.conn(), actor, channel_id)
                    .await?
            }
        };
        let staff = access.is_moderator();
        // The common read, answered from memory.
        let shared = query.is_newest() && reads_shared_page(&access);
        if shared && let Some(json) = self.newest_pages.get(channel_id, limit, revision) {
            return Ok(json);
        }
        // Blocked authors are left out in the query only for a viewer who blocks
        // someone (as the access, kept with the blocks' epoch, says).
        let hide_blocked_by = access.viewer_blocks_anyone.then(|| actor.id());
        let views = self
            .read_page(
                &mut conn,
                hide_blocked_by,
                channel_id,
                query,
                i64::from(limit),
            )
            .await?;
        let views = for_viewer(views, staff);
        // Room for a usual page at once: growing the buffer by doubling copied it
        // about as often as it was written (profiled).
        let mut json = Vec::with_capacity(VIEW_BYTES * views.len() + 2);
        serde_json::to_writer(&mut json, &views).map_err(anyhow::Error::from)?;
        let json = Bytes::from(json);
        if shared {
            self.newest_pages
                .put(channel_id, limit, revision, json.clone());
        }
        Ok(json)
    }

    async fn read_page(
        &self,
        conn: &mut Option<PooledConn>,
        hide_blocked_by: Option<Uuid>,
        channel_id: Uuid,
        query: HistoryQuery,
        limit: i64,
    ) -> Result<Vec<MessageView>> {
        let db = &self.db;
        // Pages end before the first message that may still have an earlier one
        // committed behind it (see `turns`).
        let horizon = self.message_turns.horizon(channel_id);
        let mut rows = if let Some(center) = query.around {
            let target = db
                .pooled(conn)
                .await?
                .conn()
                .message(center)
                .await?
                .filter(|m| m.message.channel_id == channel_id);
            let target = target.ok_or_else(message_not_found)?;
            let before = Page::Before(center);
            let mut rows = db
                .messages_page(conn, channel_id, hide_blocked_by, before, limit / 2)
                .await?;
            rows.push(target);
            let after = Page::After(center);
            let rest = limit - limit / 2 - 1;
            rows.extend(
                db.messages_page(conn, channel_id, hide_blocked_by, after, rest)
                    .await?,
            );
            rows
        } else {
            let page = match (query.after, query.before) {
                (Some(after), _) => Page::After(after),
                (None, Some(before)) => Page::Before(before.min(horizon)),
                (None, None) => Page::Before(horizon),
            };
            db.messages_page(conn, channel_id, hide_blocked_by, page, limit)
                .await?
        };
        rows.retain(|row| row.message.id < horizon);
        if !views_need_store(&rows) {
            return Ok(plain_views(rows));
        }
        views(&mut db.pooled(conn).await?.conn(), channel_id, rows).await
    }

    /// A thread: its replies, oldest first, after `after`.
    pub async fn thread(
        &self,
        actor: &Actor,
        root_id: Uuid,
        after: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<MessageView>> {
        let limit = i64::from(limit.unwrap_or(50).clamp(1, 100));
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let (access, root) = self.readable_message(&mut c, actor, root_id).await?;
        if root.message.thread_id.is_some() {
            return Err(Error::invalid(
                "message_id",
                "this message is a reply inside a thread",
            ));
        }
        let horizon = self.message_turns.horizon(access.channel.id);
        let mut rows = c.thread_replies(root_id, actor.id(), after, limit).await?;
        rows.retain(|row| row.message.id < horizon);
        let replies = views(&mut c, access.channel.id, rows).await?;
        Ok(for_viewer(replies, access.is_moderator()))
    }

    /// Earlier versions of an edited message, oldest first, a page at a time
    /// (`limit` 1–100, default 50) after the edit `after`.
    pub async fn message_edits(
        &self,
        actor: &Actor,
        message_id: Uuid,
        after: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<MessageEditView>> {
        let limit = i64::from(limit.unwrap_or(50).clamp(1, 100));
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let (access, row) = self.readable_message(&mut c, actor, message_id).await?;
        if row.message.quarantined_at.is_some() && !access.is_moderator() {
            return Err(message_not_found());
        }
        let edits: Vec<MessageEdit> = c
            .message_edits(message_id, after.unwrap_or(Uuid::nil()), limit)
            .await?;
        Ok(edits.into_iter().map(Into::into).collect())
    }

    /// The channel's pinned messages, most recently pinned first.
    pub async fn pinned_messages(
        &self,
        actor: &Actor,
        channel_id: Uuid,
    ) -> Result<Vec<MessageView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        let mut out = Vec::new();
        for id in c.pinned_ids(channel_id).await? {
            out.push(self.load_view(&mut c, id).await?);
        }
        Ok(for_viewer(out, access.is_moderator()))
    }
}
