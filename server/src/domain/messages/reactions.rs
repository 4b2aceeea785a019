//! Reactions and pins.

use uuid::Uuid;

use super::message_not_found;
use crate::api::ServerEvent;
use crate::domain::community::ChannelAct;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core};
use crate::store;

/// Distinct emoji on one message.
pub const MAX_EMOJI_PER_MESSAGE: i64 = 20;
/// Pins in one channel (MSG-4).
pub const MAX_PINS_PER_CHANNEL: i64 = 50;

/// An emoji: a short Unicode sequence, or a custom `:name:`.
fn check_emoji(emoji: &str) -> Result<()> {
    let len = emoji.chars().count();
    let custom = emoji.len() > 2
        && emoji.starts_with(':')
        && emoji.ends_with(':')
        && emoji[1..emoji.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    let unicode = len <= 16
        && !emoji
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c.is_ascii());
    if (1..=64).contains(&len) && (custom || unicode || is_keycap(emoji)) {
        Ok(())
    } else {
        Err(Error::invalid(
            "emoji",
            "an emoji, or a custom emoji as :name:",
        ))
    }
}

/// A keycap (`#️⃣`, `*️⃣`, `0️⃣`…`9️⃣`): the only emoji that begin with an ASCII
/// character, followed by the keycap mark (and usually the emoji variation selector).
fn is_keycap(emoji: &str) -> bool {
    let mut chars = emoji.chars();
    let base = chars.next();
    let rest = chars.as_str();
    matches!(base, Some('0'..='9' | '#' | '*')) && matches!(rest, "\u{FE0F}\u{20E3}" | "\u{20E3}")
}

impl Core {
    pub async fn add_reaction(&self, actor: &Actor, message_id: Uuid, emoji: &str) -> Result<()> {
        check_emoji(emoji)?;
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (access, row) = self.readable_message(&mut c, actor, message_id).await?;
        if row.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        super::require_not_quarantined(&row)?;
        access.require(ChannelAct::React, now)?;
        self.check_not_blocked_in_dm(&mut c, actor, &access).await?;
        self.check_custom_reaction(&mut c, access.channel.community_id, emoji)
            .await?;
        let channel_id = access.channel.id;
        if !c
            .add_reaction(message_id, channel_id, actor.id(), emoji, now)
            .await?
        {
            return Ok(());
        }
        if c.count_distinct_emoji(message_id).await? > MAX_EMOJI_PER_MESSAGE {
            return Err(Error::conflict(
                "reaction_limit",
                format!("a message has at most {MAX_EMOJI_PER_MESSAGE} different reactions"),
            ));
        }
        tx.commit().await?;
        let event = ServerEvent::ReactionAdded {
            channel_id,
            message_id,
            user_id: actor.id(),
            emoji: emoji.to_owned(),
        };
        self.events.to_channel(channel_id, &event, Some(actor.id()));
        Ok(())
    }

    pub async fn remove_reaction(
        &self,
        actor: &Actor,
        message_id: Uuid,
        emoji: &str,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (access, _) = self.readable_message(&mut c, actor, message_id).await?;
        let channel_id = access.channel.id;
        if !c.remove_reaction(message_id, actor.id(), emoji).await? {
            return Ok(());
        }
        tx.commit().await?;
        let event = ServerEvent::ReactionRemoved {
            channel_id,
            message_id,
            user_id: actor.id(),
            emoji: emoji.to_owned(),
        };
        self.events.to_channel(channel_id, &event, Some(actor.id()));
        Ok(())
    }

    /// Pins or unpins: community moderators and up; anyone in a DM.
    pub async fn set_pinned(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        message_id: Uuid,
        pinned: bool,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (access, row) = self.readable_message(&mut c, actor, message_id).await?;
        if access.channel.id != channel_id || row.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        if access.group.is_some() && !access.is_moderator() {
            return Err(Error::forbidden(
                "insufficient_role",
                "moderators pin messages",
            ));
        }
        self.check_not_blocked_in_dm(&mut c, actor, &access).await?;
        let changed = if pinned {
            if c.count_pins(channel_id).await? >= MAX_PINS_PER_CHANNEL {
                return Err(Error::conflict(
                    "pin_limit",
                    format!("a channel has at most {MAX_PINS_PER_CHANNEL} pins"),
                ));
            }
            c.pin(message_id, channel_id, actor.id(), store::now())
                .await?
        } else {
            c.unpin(message_id).await?
        };
        tx.commit().await?;
        if changed {
            self.events.to_channel(
                channel_id,
                &ServerEvent::PinsUpdated {
                    channel_id,
                    message_id,
                    pinned,
                },
                None,
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check_emoji;

    #[test]
    fn emoji() {
        for ok in [
            "👍",
            "🎉",
            "👨‍👩‍👧",
            ":party_parrot:",
            "#\u{FE0F}\u{20E3}",
            "*\u{FE0F}\u{20E3}",
            "7\u{FE0F}\u{20E3}",
            "0\u{20E3}",
        ] {
            assert!(check_emoji(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "hello",
            "👍 👍",
            "::",
            ":no spaces:",
            "<script>",
            "7",
            "a\u{FE0F}\u{20E3}",
            "77\u{FE0F}\u{20E3}",
            "7\u{FE0F}\u{20E3}x",
        ] {
            assert!(check_emoji(bad).is_err(), "{bad}");
        }
    }
}
