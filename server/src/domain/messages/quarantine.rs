//! Message quarantine (ADM-8): a moderator hides a message from everyone but the
//! community's moderators and the instance's staff, and may release it again.
//!
//! Nothing is removed: members get a placeholder in the message's place (its
//! author and time, without content, files, poll or reactions), staff the whole
//! message with `quarantined` set. While quarantined, nobody edits it, reacts to
//! it, replies in its thread or forwards it, so no later event carries its content
//! to members; search leaves it out.

use uuid::Uuid;

use super::message_not_found;
use crate::api::{MessageView, ServerEvent};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta};
use crate::events::Topic;
use crate::store::{self, Conn, MessageRow, NewAuditEntry};

/// What members see of a quarantined message.
fn placeholder(view: &MessageView) -> MessageView {
    MessageView {
        content: String::new(),
        forwarded_from: None,
        mentions: Vec::new(),
        mentions_everyone: false,
        mentions_here: false,
        reactions: Vec::new(),
        attachments: Vec::new(),
        poll_id: None,
        edited_at: None,
        ..view.clone()
    }
}

/// The views as one reader may see them: whole for `staff`, quarantined ones as
/// placeholders for everyone else.
pub(crate) fn for_viewer(views: Vec<MessageView>, staff: bool) -> Vec<MessageView> {
    if staff {
        return views;
    }
    views
        .into_iter()
        .map(|v| if v.quarantined { placeholder(&v) } else { v })
        .collect()
}

/// Refuses to act on (edit, react to, reply in the thread of, forward) a
/// quarantined message.
pub(crate) fn require_not_quarantined(row: &MessageRow) -> Result<()> {
    if row.message.quarantined_at.is_some() {
        return Err(Error::conflict(
            "message_quarantined",
            "a moderator has hidden this message",
        ));
    }
    Ok(())
}

/// A changed message ready to publish, with who may see it whole.
pub(crate) struct MessageUpdate {
    view: MessageView,
    /// The community's moderators and the instance's staff, for a quarantined
    /// message; empty otherwise.
    staff: Vec<Uuid>,
}

impl Core {
    /// Loads a message as its readers now see it, for publishing after commit.
    pub(crate) async fn message_update(
        &self,
        c: &mut Conn<'_>,
        message_id: Uuid,
    ) -> Result<MessageUpdate> {
        let view = self.load_view(c, message_id).await?;
        let staff = if view.quarantined {
            let community = c
                .channel(view.channel_id)
                .await?
                .and_then(|ch| ch.community_id);
            c.report_reviewers(community).await?
        } else {
            Vec::new()
        };
        Ok(MessageUpdate { view, staff })
    }

    /// Sends `message_updated` to the channel (a placeholder when quarantined) and,
    /// when quarantined, the whole message to its staff right after, so their
    /// timelines end with what they may see.
    pub(crate) fn publish_update(&self, update: MessageUpdate, author: Option<Uuid>) {
        let MessageUpdate { view, staff } = update;
        let channel_id = view.channel_id;
        if !view.quarantined {
            let event = ServerEvent::MessageUpdated { message: view };
            self.events.to_channel(channel_id, &event, author);
            return;
        }
        let event = ServerEvent::MessageUpdated {
            message: placeholder(&view),
        };
        self.events.to_channel(channel_id, &event, author);
        if !staff.is_empty() {
            let topics = staff.into_iter().map(Topic::User).collect();
            self.events
                .publish(topics, &ServerEvent::MessageUpdated { message: view }, None);
        }
    }

    /// Quarantines a message (`hide`) or releases it: community moderators and up
    /// who outrank its author, and instance staff. Audited; idempotent.
    pub async fn set_message_quarantine(
        &self,
        actor: &Actor,
        message_id: Uuid,
        hide: bool,
        meta: &RequestMeta,
    ) -> Result<MessageView> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (access, row) = self.readable_message(&mut c, actor, message_id).await?;
        if row.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        access
            .require_moderates(&mut c, row.message.author_id)
            .await?;
        let change = hide.then(|| (actor.id(), store::now()));
        if !c.set_quarantine(message_id, change).await? {
            return self.load_view(&mut c, message_id).await;
        }
        let action = if hide {
            "message.quarantined"
        } else {
            "message.unquarantined"
        };
        let mut entry = NewAuditEntry::by(actor.id(), action)
            .target(row.message.author_id)
            .details(serde_json::json!({ "message_id": message_id, "channel_id": row.message.channel_id }));
        if let Some(community_id) = access.community_id() {
            entry = entry.community(community_id);
        }
        self.audit(&mut c, meta, entry).await?;
        let update = self.message_update(&mut c, message_id).await?;
        tx.commit().await?;
        let view = update.view.clone();
        self.publish_update(update, None);
        Ok(view)
    }
}
