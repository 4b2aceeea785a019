//! Reading: pages of history (before/after/around), threads, edit history, pins.

use uuid::Uuid;

use super::{message_not_found, views};
use crate::api::{MessageEditView, MessageView};
use crate::domain::{Actor, Core};
use crate::error::{Error, Result};
use crate::store::{MessageEdit, Page};

/// Which part of a channel's history to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryQuery {
    pub before: Option<Uuid>,
    pub after: Option<Uuid>,
    pub around: Option<Uuid>,
    pub limit: Option<u32>,
}

impl Core {
    /// A page of the channel's main timeline, oldest first (1..=100, default 50).
    pub async fn history(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        query: HistoryQuery,
    ) -> Result<Vec<MessageView>> {
        let limit = i64::from(query.limit.unwrap_or(50).clamp(1, 100));
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
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.channel_access(&mut c, actor, channel_id).await?;
        let viewer = actor.id();
        let rows = if let Some(center) = query.around {
            let target = c
                .message(center)
                .await?
                .filter(|m| m.message.channel_id == channel_id);
            let target = target.ok_or_else(message_not_found)?;
            let mut rows = c
                .messages_page(channel_id, viewer, Page::Before(center), limit / 2)
                .await?;
            rows.push(target);
            rows.extend(
                c.messages_page(
                    channel_id,
                    viewer,
                    Page::After(center),
                    limit - limit / 2 - 1,
                )
                .await?,
            );
            rows
        } else if let Some(after) = query.after {
            c.messages_page(channel_id, viewer, Page::After(after), limit)
                .await?
        } else if let Some(before) = query.before {
            c.messages_page(channel_id, viewer, Page::Before(before), limit)
                .await?
        } else {
            c.messages_page(channel_id, viewer, Page::Latest, limit)
                .await?
        };
        views(&mut c, channel_id, rows).await
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
        let rows = c.thread_replies(root_id, actor.id(), after, limit).await?;
        views(&mut c, access.channel.id, rows).await
    }

    /// Earlier versions of an edited message, oldest first.
    pub async fn message_edits(
        &self,
        actor: &Actor,
        message_id: Uuid,
    ) -> Result<Vec<MessageEditView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.readable_message(&mut c, actor, message_id).await?;
        let edits: Vec<MessageEdit> = c.message_edits(message_id).await?;
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
        self.channel_access(&mut c, actor, channel_id).await?;
        let mut out = Vec::new();
        for id in c.pinned_ids(channel_id).await? {
            out.push(self.load_view(&mut c, id).await?);
        }
        Ok(out)
    }
}
