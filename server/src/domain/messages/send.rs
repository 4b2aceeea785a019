//! Sending, editing, deleting and forwarding.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::content::{self, parse_mentions};
use super::{MessageTicket, message_not_found, one_view};
use crate::api::{MessageView, ServerEvent};
use crate::domain::community::{ChannelAccess, ChannelAct};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core};
use crate::store::{self, Conn, Message, MessageRow, NewMessageRows, ThenMark};

#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub content: String,
    /// Uploads of the sender to attach (at most
    /// [`ATTACHMENTS_MAX`](crate::domain::files::ATTACHMENTS_MAX)).
    pub attachment_ids: Vec<Uuid>,
    pub reply_to_id: Option<Uuid>,
    pub thread_id: Option<Uuid>,
}

/// Who a message notifies: explicit mentions, and `@here` readers who are online.
struct Notified {
    mentioned: Vec<Uuid>,
    everyone: bool,
    here: bool,
    notify: Vec<Uuid>,
}

impl Core {
    pub async fn send_message(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        input: NewMessage,
    ) -> Result<MessageView> {
        self.check_send_rate(actor.id())?;
        self.post_message(actor, channel_id, input).await
    }

    /// Stores and publishes a message after every permission check (scheduled
    /// deliveries come here directly: they were rate limited when scheduled).
    ///
    /// The checks read before the write, outside its transaction: on SQLite the
    /// write then holds the one writer only for its own rows, and the rules read
    /// are the same as on PostgreSQL, whose transactions see each statement's
    /// latest committed state anyway. A message with files attaches them inside
    /// its transaction, where each file is checked as it is claimed.
    pub(crate) async fn post_message(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        input: NewMessage,
    ) -> Result<MessageView> {
        if !input.attachment_ids.is_empty() {
            return self.post_message_with_files(actor, channel_id, input).await;
        }
        let ticket = MessageTicket::take(self, channel_id);
        let rows = {
            let mut conn = self.db.acquire().await?;
            self.check_new_message(&mut conn.conn(), actor, channel_id, ticket.id(), &input)
                .await?
        };
        let thread_id = rows.message.thread_id;
        let view = super::view(self.db.write_message(rows).await?, Vec::new());
        let root = match thread_id {
            Some(root) => {
                let mut conn = self.db.acquire().await?;
                Some(self.load_view(&mut conn.conn(), root).await?)
            }
            None => None,
        };
        ticket.publish(view.clone(), root).await;
        Ok(view)
    }

    async fn post_message_with_files(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        input: NewMessage,
    ) -> Result<MessageView> {
        let ticket = MessageTicket::take(self, channel_id);
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let thread_id = input.thread_id;
        let id = ticket.id();
        self.write_message(&mut c, actor, channel_id, id, input)
            .await?;
        let view = self.load_view(&mut c, id).await?;
        let root = match thread_id {
            Some(root) => Some(self.load_view(&mut c, root).await?),
            None => None,
        };
        tx.commit().await?;
        ticket.publish(view.clone(), root).await;
        Ok(view)
    }

    /// Tells the channel about a new message (and the thread root's new count).
    pub(crate) fn publish_new_message(&self, view: &MessageView, root: Option<MessageView>) {
        let author = view.author.as_ref().map(|a| a.id);
        if let Some(author) = author {
            self.typing.reset(author, view.channel_id);
        }
        let event = ServerEvent::MessageCreated {
            message: view.clone(),
        };
        self.events.to_channel(view.channel_id, &event, author);
        self.wake_push();
        if let Some(root) = root {
            self.events.to_channel(
                view.channel_id,
                &ServerEvent::MessageUpdated { message: root },
                None,
            );
        }
    }

    /// Checks and writes a message with its ticket's ID inside the caller's
    /// transaction.
    pub(crate) async fn write_message(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        channel_id: Uuid,
        id: Uuid,
        input: NewMessage,
    ) -> Result<()> {
        let rows = self
            .check_new_message(c, actor, channel_id, id, &input)
            .await?;
        c.insert_message_rows(&rows).await?;
        self.attach_files(c, actor, channel_id, id, &input.attachment_ids)
            .await?;
        Ok(())
    }

    /// Checks a new message against the channel's rules and makes its rows.
    async fn check_new_message(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        channel_id: Uuid,
        id: Uuid,
        input: &NewMessage,
    ) -> Result<NewMessageRows> {
        let text = content::expand_slash_command(&input.content);
        content::check(&text, !input.attachment_ids.is_empty())?;
        let now = store::now();
        let access = self.channel_access(c, actor, channel_id).await?;
        self.check_can_post(c, actor, &access, now).await?;
        if let Some(reply_to) = input.reply_to_id {
            let target = c
                .message(reply_to)
                .await?
                .filter(|m| m.message.channel_id == channel_id);
            if target.is_none() {
                return Err(Error::invalid(
                    "reply_to_id",
                    "the replied-to message is not in this channel",
                ));
            }
        }
        if let Some(root) = input.thread_id {
            let root = c
                .message(root)
                .await?
                .filter(|m| m.message.channel_id == channel_id);
            match root {
                Some(r) if r.message.thread_id.is_none() && r.message.deleted_at.is_none() => {
                    super::require_not_quarantined(&r)?;
                    // The first reply starts the thread.
                    if r.message.thread_reply_count == 0 {
                        access.require(ChannelAct::StartThread, now)?;
                    }
                }
                _ => {
                    return Err(Error::invalid(
                        "thread_id",
                        "threads start from a message in this channel",
                    ));
                }
            }
        }
        let notified = self.resolve_mentions(c, &access, &text).await?;
        let message = Message {
            id,
            channel_id,
            author_id: Some(actor.id()),
            content: text,
            reply_to_id: input.reply_to_id,
            thread_id: input.thread_id,
            thread_reply_count: 0,
            thread_last_reply_at: None,
            forwarded_from: None,
            mentions: Json(notified.mentioned),
            mentions_everyone: notified.everyone,
            mentions_here: notified.here,
            has_file: !input.attachment_ids.is_empty(),
            edited_at: None,
            deleted_at: None,
            created_at: now,
            quarantined_at: None,
            quarantined_by: None,
        };
        Ok(NewMessageRows {
            message,
            notify: notified.notify,
            notification_job: self.notification_job(id),
            then: match input.thread_id {
                Some(root) => ThenMark::ThreadReply(root),
                None => ThenMark::ReadBy(actor.id()),
            },
        })
    }

    /// Edits one's own message; the previous text goes into its history.
    pub async fn edit_message(
        &self,
        actor: &Actor,
        message_id: Uuid,
        new_content: &str,
    ) -> Result<MessageView> {
        content::check(new_content, false)?;
        // Every edit keeps a version: edits share the sending rate.
        self.check_send_rate(actor.id())?;
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (access, row) = self.readable_message(&mut c, actor, message_id).await?;
        if row.message.author_id != Some(actor.id()) {
            return Err(Error::forbidden(
                "not_author",
                "only the author may edit a message",
            ));
        }
        if row.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        super::require_not_quarantined(&row)?;
        access.require_post(now)?;
        let notified = self.resolve_mentions(&mut c, &access, new_content).await?;
        c.edit_message(
            message_id,
            &row.message.content,
            new_content,
            &notified.mentioned,
            now,
        )
        .await?;
        c.clear_mentions(message_id).await?;
        c.insert_mentions(message_id, access.channel.id, &notified.notify)
            .await?;
        let view = self.load_view(&mut c, message_id).await?;
        tx.commit().await?;
        self.events.to_channel(
            access.channel.id,
            &ServerEvent::MessageUpdated {
                message: view.clone(),
            },
            Some(actor.id()),
        );
        Ok(view)
    }

    /// Deletes a message: its author, or community moderators and up.
    pub async fn delete_message(&self, actor: &Actor, message_id: Uuid) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (access, row) = self.readable_message(&mut c, actor, message_id).await?;
        if row.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        if row.message.author_id != Some(actor.id()) {
            if !access.is_moderator() {
                return Err(Error::forbidden(
                    "not_author",
                    "only the author or a moderator may delete a message",
                ));
            }
            access
                .require_moderates(&mut c, row.message.author_id)
                .await?;
        }
        c.delete_message(message_id, store::now()).await?;
        let files = self.detach_message_files(&mut c, message_id).await?;
        tx.commit().await?;
        self.remove_stored(&files).await;
        let event = ServerEvent::MessageDeleted {
            channel_id: access.channel.id,
            message_id,
        };
        self.events.to_channel(access.channel.id, &event, None);
        Ok(())
    }

    /// Posts a copy of a message into another channel, with attribution.
    pub async fn forward_message(
        &self,
        actor: &Actor,
        message_id: Uuid,
        target: Uuid,
        comment: Option<&str>,
    ) -> Result<MessageView> {
        self.check_send_rate(actor.id())?;
        let comment = comment.unwrap_or_default();
        content::check(comment, true)?;
        let now = store::now();
        let ticket = MessageTicket::take(self, target);
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (_, original) = self.readable_message(&mut c, actor, message_id).await?;
        if original.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        super::require_not_quarantined(&original)?;
        let access = self.channel_access(&mut c, actor, target).await?;
        self.check_can_post(&mut c, actor, &access, now).await?;
        let forwarded_from = serde_json::json!({
            "message_id": original.message.id,
            "channel_id": original.message.channel_id,
            "author_id": original.message.author_id,
            "author_name": original.author_display_name,
            "content": original.message.content,
            "created_at": original.message.created_at,
        });
        let message = Message {
            id: ticket.id(),
            channel_id: target,
            author_id: Some(actor.id()),
            content: comment.to_owned(),
            reply_to_id: None,
            thread_id: None,
            thread_reply_count: 0,
            thread_last_reply_at: None,
            forwarded_from: Some(Json(forwarded_from)),
            mentions: Json(Vec::new()),
            mentions_everyone: false,
            mentions_here: false,
            // The copy carries the text; files stay with the original.
            has_file: false,
            edited_at: None,
            deleted_at: None,
            created_at: now,
            quarantined_at: None,
            quarantined_by: None,
        };
        let rows = NewMessageRows {
            notification_job: self.notification_job(message.id),
            message,
            notify: Vec::new(),
            then: ThenMark::ReadBy(actor.id()),
        };
        let row = c.insert_message_rows(&rows).await?;
        let view = one_view(&mut c, row).await?;
        tx.commit().await?;
        ticket.publish(view.clone(), None).await;
        Ok(view)
    }

    /// A message in a channel the actor may read (404 otherwise).
    pub(crate) async fn readable_message(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        message_id: Uuid,
    ) -> Result<(ChannelAccess, MessageRow)> {
        let row = c.message(message_id).await?.ok_or_else(message_not_found)?;
        let access = self
            .channel_access(c, actor, row.message.channel_id)
            .await
            .map_err(|_| message_not_found())?;
        Ok((access, row))
    }

    pub(crate) async fn load_view(
        &self,
        c: &mut Conn<'_>,
        message_id: Uuid,
    ) -> Result<MessageView> {
        let row = c.message(message_id).await?.ok_or_else(message_not_found)?;
        one_view(c, row).await
    }

    /// Posting rules beyond the channel flags: blocked DM partners and slow mode.
    async fn check_can_post(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        access: &ChannelAccess,
        now: DateTime<Utc>,
    ) -> Result<()> {
        access.require_post(now)?;
        self.check_not_blocked_in_dm(c, actor, access).await?;
        let slow = i64::from(access.channel.slow_mode_secs);
        if slow > 0
            && !access.is_moderator()
            && let Some(last) = c.last_post_at(access.channel.id, actor.id()).await?
        {
            let wait = slow - (now - last).num_seconds();
            if wait > 0 {
                return Err(Error::too_many(
                    "slow_mode",
                    format!("slow mode: wait {wait} s before posting again"),
                    wait as u64,
                ));
            }
        }
        Ok(())
    }

    /// In a DM, nothing passes between people when either blocks the other: no
    /// message, reaction, pin or vote.
    pub(crate) async fn check_not_blocked_in_dm(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        access: &ChannelAccess,
    ) -> Result<()> {
        if access.group.is_none() {
            for member in c.dm_member_ids(access.channel.id).await? {
                if member != actor.id() && c.blocked_between(actor.id(), member).await? {
                    return Err(Error::forbidden("blocked", "you cannot message this user"));
                }
            }
        }
        Ok(())
    }

    /// Resolves `@user` (only people who may read the channel), `@everyone`/`@channel`
    /// (moderators and up in communities, anyone in DMs) and `@here` (online readers).
    async fn resolve_mentions(
        &self,
        c: &mut Conn<'_>,
        access: &ChannelAccess,
        text: &str,
    ) -> Result<Notified> {
        let parsed = parse_mentions(text);
        let mentioned = c
            .readers_by_usernames(access.channel.id, &parsed.usernames)
            .await?;
        let may_mention_all = access.may(ChannelAct::MentionEveryone);
        let mut notify = mentioned.clone();
        if parsed.here && may_mention_all {
            let readers = c.channel_reader_ids(access.channel.id).await?;
            let online = self.events.hub.online_among(&readers);
            // Those who silence @here in this channel or community are left out.
            let silent = c
                .everyone_suppressed_among(access.channel.id, access.community_id(), &online)
                .await?;
            for user in online {
                if !notify.contains(&user) && !silent.contains(&user) {
                    notify.push(user);
                }
            }
        }
        Ok(Notified {
            mentioned,
            everyone: parsed.everyone && may_mention_all,
            here: parsed.here && may_mention_all,
            notify,
        })
    }
}
