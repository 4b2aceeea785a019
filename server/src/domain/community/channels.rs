//! Channels inside groups (COM-4): text and voice, topic, slow mode, read-only and
//! archived flags, and the lowest role that may post, react, start threads and use
//! @everyone in each. Reading follows group access.

use uuid::Uuid;

use super::access::ChannelAccess;
use crate::api::{ChannelPermissionsUpdate, ServerEvent};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta, validate};
use crate::store::{self, Channel, ChannelRoles, NewAuditEntry};

pub const MAX_CHANNELS_PER_GROUP: i64 = 100;
pub const NAME_MAX: usize = 64;
pub const TOPIC_MAX: usize = 1024;
pub const KINDS: &[&str] = &["text", "voice"];

#[derive(Debug, Clone, Default)]
pub struct NewChannel {
    pub name: String,
    /// Default `text`.
    pub kind: Option<String>,
    pub topic: Option<String>,
    pub slow_mode_secs: Option<u32>,
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct ChannelChanges {
    pub name: Option<String>,
    pub topic: Option<Option<String>>,
    pub slow_mode_secs: Option<u32>,
    pub read_only: Option<bool>,
    pub archived: Option<bool>,
    pub link_previews: Option<bool>,
    /// The lowest role for each thing in the channel; absent ones stay.
    pub permissions: Option<ChannelPermissionsUpdate>,
    pub position: Option<i32>,
}

/// Text channel names follow the usual chat convention (`#release-notes`): the
/// server lower-cases the name and joins its words with single dashes, and accepts
/// letters and digits of any script, `-` and `_`. Voice channels are spoken of, not
/// typed after a `#`, so they keep a free one-line name ("Stand-up Room").
pub fn channel_name(kind: &str, raw: &str) -> Result<String> {
    if kind != "text" {
        return validate::name("name", raw, NAME_MAX);
    }
    let mut name = String::with_capacity(raw.len());
    for c in raw.trim().chars() {
        if c.is_whitespace() || c == '-' {
            if !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
        } else if c.is_alphanumeric() || c == '_' {
            name.extend(c.to_lowercase());
        } else {
            return Err(Error::invalid(
                "name",
                "a text channel's name may use letters, digits, dashes and underscores \
                 (spaces become dashes)",
            ));
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(Error::invalid(
            "name",
            format!("name must be 1 to {NAME_MAX} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// 0 (off) or 5 seconds to 10 minutes.
fn slow_mode(secs: u32) -> Result<i32> {
    if secs == 0 || (5..=600).contains(&secs) {
        Ok(secs as i32)
    } else {
        Err(Error::invalid(
            "slow_mode_secs",
            "slow mode is 0 (off) or 5 to 600 seconds",
        ))
    }
}

impl Core {
    /// Creates a channel in a group: its admins, or community admins.
    pub async fn create_channel(
        &self,
        actor: &Actor,
        group_id: Uuid,
        input: NewChannel,
        meta: &RequestMeta,
    ) -> Result<Channel> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.group_access(&mut c, actor, group_id).await?;
        access.require_manage()?;
        let count = c.count_channels(group_id).await?;
        if count >= MAX_CHANNELS_PER_GROUP {
            return Err(Error::conflict(
                "channel_limit",
                format!("a group has at most {MAX_CHANNELS_PER_GROUP} channels"),
            ));
        }
        let kind = validate::one_of("kind", input.kind.as_deref().unwrap_or("text"), KINDS)?;
        let kind = kind.to_owned();
        let now = store::now();
        let channel = Channel {
            id: store::new_id(),
            group_id: Some(group_id),
            community_id: Some(access.group.community_id),
            dm_key: None,
            name: channel_name(&kind, &input.name)?,
            kind,
            topic: validate::optional_text("topic", input.topic.as_deref(), TOPIC_MAX)?,
            position: count as i32,
            slow_mode_secs: slow_mode(input.slow_mode_secs.unwrap_or(0))?,
            read_only: input.read_only.unwrap_or(false),
            archived: false,
            link_previews: true,
            created_at: now,
            updated_at: now,
            roles: ChannelRoles::default(),
        };
        c.insert_channel(&channel).await?;
        let entry = NewAuditEntry::by(actor.id(), "channel.created")
            .community(access.group.community_id)
            .details(serde_json::json!({
                "channel_id": channel.id,
                "channel_name": channel.name,
                "group_id": group_id,
                "group_name": access.group.name,
            }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.community_changed(access.group.community_id).await?;
        self.events.to_channel(
            channel.id,
            &ServerEvent::ChannelCreated {
                channel: channel.clone().into(),
            },
            None,
        );
        Ok(channel)
    }

    /// The channels of a group the actor may read.
    pub async fn group_channels(&self, actor: &Actor, group_id: Uuid) -> Result<Vec<Channel>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let access = self.group_access(&mut c, actor, group_id).await?;
        if !access.can_read() {
            return Err(Error::forbidden(
                "not_a_member",
                "join this group to see its channels",
            ));
        }
        Ok(c.channels_of_group(group_id).await?)
    }

    pub async fn channel(&self, actor: &Actor, channel_id: Uuid) -> Result<ChannelAccess> {
        self.channel_access(&mut self.db.acquire().await?.conn(), actor, channel_id)
            .await
    }

    pub async fn update_channel(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        changes: ChannelChanges,
        meta: &RequestMeta,
    ) -> Result<Channel> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        let group = access.in_group()?;
        group.require_manage()?;
        let community_id = group.group.community_id;
        let mut channel = access.channel;
        if let Some(name) = changes.name {
            channel.name = channel_name(&channel.kind, &name)?;
        }
        if let Some(topic) = changes.topic {
            channel.topic = validate::optional_text("topic", topic.as_deref(), TOPIC_MAX)?;
        }
        if let Some(secs) = changes.slow_mode_secs {
            channel.slow_mode_secs = slow_mode(secs)?;
        }
        if let Some(read_only) = changes.read_only {
            channel.read_only = read_only;
        }
        if let Some(archived) = changes.archived {
            channel.archived = archived;
        }
        if let Some(previews) = changes.link_previews {
            channel.link_previews = previews;
        }
        if let Some(p) = changes.permissions {
            let roles = &mut channel.roles;
            for (change, role) in [
                (p.post, &mut roles.post_role),
                (p.react, &mut roles.react_role),
                (p.create_threads, &mut roles.thread_role),
                (p.mention_everyone, &mut roles.mention_everyone_role),
            ] {
                if let Some(min) = change {
                    *role = min.as_str().to_owned();
                }
            }
        }
        if let Some(position) = changes.position {
            if !(0..=1000).contains(&position) {
                return Err(Error::invalid("position", "position must be 0 to 1000"));
            }
            channel.position = position;
        }
        channel.updated_at = store::now();
        c.update_channel(&channel).await?;
        let entry = NewAuditEntry::by(actor.id(), "channel.updated")
            .community(community_id)
            .details(serde_json::json!({ "channel_id": channel_id, "channel_name": channel.name }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.events.to_channel(
            channel.id,
            &ServerEvent::ChannelUpdated {
                channel: channel.clone().into(),
            },
            None,
        );
        Ok(channel)
    }

    pub async fn delete_channel(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        let group = access.in_group()?;
        group.require_manage()?;
        let community_id = group.group.community_id;
        c.delete_channel(channel_id).await?;
        let entry = NewAuditEntry::by(actor.id(), "channel.deleted")
            .community(community_id)
            .details(serde_json::json!({ "channel_id": channel_id, "channel_name": access.channel.name }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.events.to_channel(
            channel_id,
            &ServerEvent::ChannelDeleted { channel_id },
            None,
        );
        self.community_changed(community_id).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::channel_name;

    #[test]
    fn text_channel_names_are_lower_case_words_joined_by_dashes() {
        let ok = |raw: &str| channel_name("text", raw).unwrap();
        assert_eq!(ok("general"), "general");
        assert_eq!(ok("  Release Notes "), "release-notes");
        assert_eq!(ok("Q3 -- planning\tbig_room"), "q3-planning-big_room");
        assert_eq!(ok("Équipe Café"), "équipe-café");
        assert_eq!(ok("-edge-"), "edge");
        assert_eq!(ok(&"a".repeat(64)), "a".repeat(64));
    }

    #[test]
    fn text_channel_names_refuse_punctuation_and_emptiness() {
        for raw in [
            "",
            "  ",
            "---",
            "what?",
            "#general",
            "a/b",
            "\u{202e}evil",
            "🎉",
            &"a".repeat(65),
        ] {
            let error = channel_name("text", raw).unwrap_err();
            assert!(error.to_string().contains("name"), "{raw:?}: {error}");
        }
    }

    #[test]
    fn voice_channel_names_stay_free_text() {
        assert_eq!(
            channel_name("voice", " Stand-up Room ").unwrap(),
            "Stand-up Room"
        );
        assert!(channel_name("voice", "a\u{202e}b").is_err());
    }
}
