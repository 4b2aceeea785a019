//! Read cursors, unread and mention counts, read receipts (MSG-6).

use uuid::Uuid;

use crate::api::{ServerEvent, UnreadView};
use crate::domain::error::Result;
use crate::domain::{Actor, Core};
use crate::store;

impl Core {
    /// Moves the caller's read cursor in a channel. Other devices of the caller hear
    /// of it; in DMs the other members get a read receipt unless the caller opted out.
    ///
    /// The cursor is a point in the channel's timeline. A client may mark read a
    /// message that was purged a moment before (it was on screen), so a message no
    /// longer there counts as the newest one still before it; with none before it,
    /// there is nothing to mark.
    pub async fn mark_read(&self, actor: &Actor, channel_id: Uuid, message_id: Uuid) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        let here = c
            .message(message_id)
            .await?
            .is_some_and(|m| m.message.channel_id == channel_id);
        let message_id = if here {
            message_id
        } else {
            match c.latest_message_through(channel_id, message_id).await? {
                Some(earlier) => earlier,
                None => return Ok(()),
            }
        };
        c.mark_read(actor.id(), channel_id, message_id, store::now())
            .await?;
        tx.commit().await?;
        self.events.to_user(
            actor.id(),
            &ServerEvent::ReadStateUpdated {
                channel_id,
                message_id,
            },
        );
        if access.group.is_none() && actor.user.read_receipts {
            let event = ServerEvent::ReadReceipt {
                channel_id,
                user_id: actor.id(),
                message_id,
            };
            self.events.to_channel(channel_id, &event, Some(actor.id()));
        }
        Ok(())
    }

    /// Marks every readable channel read up to its latest message.
    pub async fn mark_all_read(&self, actor: &Actor) -> Result<usize> {
        let mut tx = self.db.begin().await?;
        let moved = tx.conn().mark_all_read(actor.id(), store::now()).await?;
        tx.commit().await?;
        for (channel_id, message_id) in &moved {
            self.events.to_user(
                actor.id(),
                &ServerEvent::ReadStateUpdated {
                    channel_id: *channel_id,
                    message_id: *message_id,
                },
            );
        }
        Ok(moved.len())
    }

    /// Unread and mention counts of every channel the caller may read.
    pub async fn unread(&self, actor: &Actor) -> Result<Vec<UnreadView>> {
        let states = self
            .db
            .acquire()
            .await?
            .conn()
            .unread_states(actor.id())
            .await?;
        Ok(states.into_iter().map(Into::into).collect())
    }
}
