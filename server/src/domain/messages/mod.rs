//! Messages (MSG-1..6, MSG-9, MSG-10): send, edit with history, delete, replies,
//! threads, forwarding, reactions, mentions, pins, history pages, read state.
//! Every path — REST or WebSocket — goes through these functions: the message is
//! stored first, then published.

mod bookmarks;
pub(crate) mod content;
mod history;
pub(crate) mod newest_pages;
pub mod polls;
mod quarantine;
mod reactions;
mod read;
pub mod scheduled;
mod search;
mod send;
mod turns;

pub use content::{CONTENT_MAX, expand_slash_command, parse_mentions};
pub use history::HistoryQuery;
pub use polls::NewPoll;
pub(crate) use quarantine::{MessageUpdate, for_viewer, require_not_quarantined};
pub use search::SearchQuery;
pub use send::NewMessage;
pub(crate) use turns::{ChannelTurns, MessageTicket};

use std::collections::HashMap;

use uuid::Uuid;

use crate::api::{AuthorView, FileView, MessageView, ReactionSummary};
use crate::domain::error::{Error, Result};
use crate::store::{Conn, MessageRow};

pub(crate) fn message_not_found() -> Error {
    Error::not_found("message_not_found", "no such message")
}

/// Whether [`views`] reads reactions or attachments from the store for these rows.
pub(crate) fn views_need_store(rows: &[MessageRow]) -> bool {
    rows.iter().any(|r| r.ever_reacted || r.message.has_file)
}

/// [`views`] of rows with neither reactions nor attachments to read.
pub(crate) fn plain_views(rows: Vec<MessageRow>) -> Vec<MessageView> {
    rows.into_iter().map(|row| view(row, Vec::new())).collect()
}

/// Turns stored rows (one channel, oldest first) into views with reactions and pins.
pub(crate) async fn views(
    c: &mut Conn<'_>,
    channel_id: Uuid,
    rows: Vec<MessageRow>,
) -> Result<Vec<MessageView>> {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(Vec::new());
    };
    let (from, to) = (
        first.message.id.min(last.message.id),
        first.message.id.max(last.message.id),
    );
    let mut reactions: HashMap<Uuid, Vec<ReactionSummary>> = HashMap::new();
    let stored = if rows.iter().any(|r| r.ever_reacted) {
        c.reactions_in_range(channel_id, from, to).await?
    } else {
        Vec::new()
    };
    for r in stored {
        let list = reactions.entry(r.message_id).or_default();
        match list.iter_mut().find(|s| s.emoji == r.emoji) {
            Some(summary) => {
                summary.count += 1;
                if summary.user_ids.len() < 100 {
                    summary.user_ids.push(r.user_id);
                }
            }
            None => list.push(ReactionSummary {
                emoji: r.emoji,
                count: 1,
                user_ids: vec![r.user_id],
            }),
        }
    }
    let mut attachments: HashMap<Uuid, Vec<FileView>> = HashMap::new();
    if rows.iter().any(|r| r.message.has_file) {
        for file in c.files_in_range(channel_id, from, to).await? {
            if let Some(message_id) = file.message_id
                && file.quarantined_at.is_none()
            {
                attachments
                    .entry(message_id)
                    .or_default()
                    .push(crate::domain::files::file_view(&file));
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.message.id;
            let mut view = view(row, reactions.remove(&id).unwrap_or_default());
            if !view.deleted {
                view.attachments = attachments.remove(&id).unwrap_or_default();
            }
            view
        })
        .collect())
}

pub(crate) async fn one_view(c: &mut Conn<'_>, row: MessageRow) -> Result<MessageView> {
    let channel_id = row.message.channel_id;
    Ok(views(c, channel_id, vec![row])
        .await?
        .pop()
        .expect("one row, one view"))
}

fn view(row: MessageRow, reactions: Vec<ReactionSummary>) -> MessageView {
    let m = row.message;
    let author = match (m.author_id, row.author_username, row.author_display_name) {
        (Some(id), Some(username), Some(display_name)) => Some(AuthorView {
            id,
            username,
            display_name,
            avatar_file_id: row.author_avatar_file_id,
            bot: row.author_bot,
        }),
        _ => None,
    };
    MessageView {
        id: m.id,
        channel_id: m.channel_id,
        author,
        content: m.content,
        reply_to_id: m.reply_to_id,
        thread_id: m.thread_id,
        thread_reply_count: m.thread_reply_count,
        thread_last_reply_at: m.thread_last_reply_at,
        // A deleted message carries nothing of what it said or quoted.
        forwarded_from: m
            .forwarded_from
            .filter(|_| m.deleted_at.is_none())
            .map(|j| j.0),
        mentions: m.mentions.0,
        mentions_everyone: m.mentions_everyone,
        mentions_here: m.mentions_here,
        reply_to_author_id: row.reply_to_author_id,
        reactions,
        attachments: Vec::new(),
        poll_id: row.poll_id,
        pinned: row.pinned,
        edited_at: m.edited_at,
        deleted: m.deleted_at.is_some(),
        created_at: m.created_at,
        quarantined: m.quarantined_at.is_some() && m.deleted_at.is_none(),
    }
}
