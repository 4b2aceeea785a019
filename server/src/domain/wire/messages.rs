//! Conversions between the stored and domain types and the wire types of
//! `api::messages`.

use crate::api::*;
use crate::store::{MessageEdit, UnreadState};

impl From<MessageEdit> for MessageEditView {
    fn from(e: MessageEdit) -> Self {
        MessageEditView {
            id: e.id,
            content: e.content,
            edited_at: e.edited_at,
        }
    }
}

impl From<UnreadState> for UnreadView {
    fn from(u: UnreadState) -> Self {
        UnreadView {
            channel_id: u.channel_id,
            community_id: u.community_id,
            group_id: u.group_id,
            last_read_id: u.last_read_id,
            last_message_id: u.last_message_id,
            unread_count: u.unread_count,
            mention_count: u.mention_count,
        }
    }
}
