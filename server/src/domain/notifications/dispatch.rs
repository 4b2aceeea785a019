//! Works out who a new message should reach by push: written as a job in the
//! message's transaction, expanded by the push worker into one queued push per
//! device of each person it notifies who has no live connection (or is idle).

use std::collections::{BTreeSet, HashSet};

use uuid::Uuid;

use super::queue::{PushPayload, Urgency};
use super::rules::{ChannelSettings, MessageFacts, Reason};
use super::{keywords_of, level_from_text};
use crate::api::PresenceStatus;
use crate::domain::Core;
use crate::domain::error::Result;
use crate::store::{self, Channel, Conn, MessageRow, NotificationJob, NotificationOverride};

impl Core {
    /// Records, inside the message's transaction, that its notifications are to be
    /// worked out (nothing when push is off).
    pub(crate) async fn queue_notification_job(
        &self,
        c: &mut Conn<'_>,
        message_id: Uuid,
    ) -> Result<()> {
        if let Some(job) = self.notification_job(message_id) {
            c.insert_notification_job(&job).await?;
        }
        Ok(())
    }

    /// The job that notifies a new message's readers, when push is on.
    pub(crate) fn notification_job(&self, message_id: Uuid) -> Option<NotificationJob> {
        self.push_enabled().then(|| NotificationJob {
            id: store::new_id(),
            message_id,
            created_at: store::now(),
        })
    }

    /// Someone who would see it live now: connected and not idle.
    fn is_live(&self, user_id: Uuid) -> bool {
        self.events.hub.is_online(user_id)
            && self.events.presences.chosen(user_id) != PresenceStatus::Idle
    }

    /// Someone who chose do-not-disturb as their status.
    fn chose_dnd(&self, user_id: Uuid) -> bool {
        self.events.hub.is_online(user_id)
            && self.events.presences.chosen(user_id) == PresenceStatus::Dnd
    }

    /// Turns waiting jobs into queued pushes; true when it did any.
    pub(crate) async fn expand_notification_jobs(&self) -> Result<bool> {
        let jobs = self
            .db
            .acquire()
            .await?
            .conn()
            .notification_jobs(50)
            .await?;
        for job in &jobs {
            let mut tx = self.db.begin().await?;
            let mut c = tx.conn();
            if let Some(row) = c.message(job.message_id).await? {
                self.queue_message_pushes(&mut c, &row).await?;
            }
            c.delete_notification_job(job.id).await?;
            tx.commit().await?;
            self.push_wake.jobs.send_modify(|n| *n += 1);
        }
        Ok(!jobs.is_empty())
    }

    async fn queue_message_pushes(&self, c: &mut Conn<'_>, row: &MessageRow) -> Result<()> {
        let message = &row.message;
        let (Some(author), None) = (message.author_id, message.deleted_at) else {
            return Ok(());
        };
        let Some(channel) = c.channel(message.channel_id).await? else {
            return Ok(());
        };
        let is_dm = channel.community_id.is_none();
        let mentioned = c.mentioned_user_ids(message.id).await?;
        let reply_author = match message.reply_to_id {
            Some(id) => c.message(id).await?.and_then(|r| r.message.author_id),
            None => None,
        };
        let overrides = c
            .notification_overrides_for(channel.id, channel.community_id)
            .await?;
        let keyword_users = c.keyword_user_ids().await?;

        let mut candidates: BTreeSet<Uuid> = mentioned.iter().copied().collect();
        candidates.extend(reply_author);
        candidates.extend(
            overrides
                .iter()
                .filter(|o| o.level.as_deref() == Some("all"))
                .map(|o| o.user_id),
        );
        candidates.extend(keyword_users);
        candidates.remove(&author);
        let everyone = is_dm || message.mentions_everyone;
        // Most messages name nobody and nobody asked for all of them: the channel's
        // readers (every member, in a large community) are only read when someone
        // might be notified.
        if candidates.is_empty() && !everyone {
            return Ok(());
        }
        let readers: HashSet<Uuid> = c
            .channel_reader_ids(channel.id)
            .await?
            .into_iter()
            .collect();
        if everyone {
            candidates.extend(&readers);
        }
        candidates.retain(|user| *user != author && readers.contains(user));
        if candidates.is_empty() {
            return Ok(());
        }

        let now = store::now();
        let community_name = match channel.community_id {
            Some(id) => c.community(id).await?.map(|community| community.name),
            None => None,
        };
        let candidates: Vec<Uuid> = candidates.into_iter().collect();
        for prefs_user in candidates {
            if self.is_live(prefs_user) || self.chose_dnd(prefs_user) {
                continue;
            }
            let prefs = c.notification_prefs(prefs_user).await?;
            let settings = ChannelSettings {
                is_dm,
                keywords: prefs.as_ref().map(keywords_of).unwrap_or_default(),
                dnd_until: prefs.as_ref().and_then(|p| p.dnd_until),
                ..scope_settings(&overrides, prefs_user, &channel)
            };
            if settings.in_dnd(now) {
                continue;
            }
            let facts = MessageFacts {
                text: &message.content,
                mentions_reader: mentioned.contains(&prefs_user),
                via_here: mentioned.contains(&prefs_user)
                    && !message.mentions.0.contains(&prefs_user),
                mentions_everyone: message.mentions_everyone,
                replies_to_reader: reply_author == Some(prefs_user),
            };
            let Some(reason) = settings.reason(&facts, now) else {
                continue;
            };
            if c.blocked_between(prefs_user, author).await? {
                continue;
            }
            let payload = message_payload(row, &channel, community_name.as_deref(), reason);
            self.queue_push(c, prefs_user, &payload, Urgency::High)
                .await?;
        }
        Ok(())
    }
}

/// Levels, mutes and `@everyone` choices of one person for a channel and its
/// community.
fn scope_settings(
    overrides: &[NotificationOverride],
    user_id: Uuid,
    channel: &Channel,
) -> ChannelSettings {
    let mut settings = ChannelSettings::default();
    for o in overrides.iter().filter(|o| o.user_id == user_id) {
        if o.channel_id == Some(channel.id) {
            settings.channel_level = level_from_text(o.level.as_deref());
        } else if o.community_id.is_some() && o.community_id == channel.community_id {
            settings.community_level = level_from_text(o.level.as_deref());
        } else {
            continue;
        }
        settings.muted_until.extend(o.muted_until);
        settings.suppress_everyone |= o.suppress_everyone;
    }
    settings
}

/// Who and where, never what: the message's text stays on the server.
fn message_payload(
    row: &MessageRow,
    channel: &Channel,
    community_name: Option<&str>,
    reason: Reason,
) -> PushPayload {
    let author = row
        .author_display_name
        .clone()
        .or_else(|| row.author_username.clone())
        .unwrap_or_else(|| "Someone".to_owned());
    let place = match community_name {
        Some(community) => format!("#{} · {community}", channel.name),
        None => "a group conversation".to_owned(),
    };
    let body = match reason {
        Reason::Dm if channel.kind == "dm" => "sent you a direct message".to_owned(),
        Reason::Dm => format!("wrote in {place}"),
        Reason::Mention => format!("mentioned you in {place}"),
        Reason::Reply => format!("replied to you in {place}"),
        Reason::Keyword => format!("used one of your keywords in {place}"),
        Reason::Message => format!("wrote in {place}"),
    };
    let url = match channel.community_id {
        Some(community) => format!("/c/{community}/{}", channel.id),
        None => format!("/dm/{}", channel.id),
    };
    PushPayload {
        kind: reason.kind(),
        title: author,
        body,
        url,
        tag: channel.id.to_string(),
        message_id: Some(row.message.id),
    }
}

impl Core {
    /// A meeting reminder for someone who would not see it live (and is not in
    /// do-not-disturb), inside the reminder's transaction.
    pub(crate) async fn queue_reminder_push(
        &self,
        c: &mut Conn<'_>,
        meeting: &store::Meeting,
        user_id: Uuid,
        starts_at: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        if !self.push_enabled() || self.is_live(user_id) || self.chose_dnd(user_id) {
            return Ok(());
        }
        let dnd_until = c
            .notification_prefs(user_id)
            .await?
            .and_then(|p| p.dnd_until);
        if dnd_until.is_some_and(|until| until > store::now()) {
            return Ok(());
        }
        let minutes = (starts_at - now).num_minutes().max(0);
        let payload = PushPayload {
            kind: "meeting_reminder",
            title: meeting.title.clone(),
            body: match minutes {
                0 => "starts now".to_owned(),
                1 => "starts in 1 minute".to_owned(),
                n => format!("starts in {n} minutes"),
            },
            url: format!("/meetings/{}", meeting.id),
            tag: format!("meeting-{}", meeting.id),
            message_id: None,
        };
        self.queue_push(c, user_id, &payload, Urgency::High).await?;
        Ok(())
    }
}
