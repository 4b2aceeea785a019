//! Communities, groups, channels, invites and moderation (COM-1..4, COM-6), and the
//! one permission model they share: [`CommunityAccess`] says what the actor may do
//! in a community; [`GroupAccess`] and [`ChannelAccess`] refine it. Messaging and
//! voice reuse these, on REST and WebSocket paths alike.

mod access;
mod bot_limits;
mod bots;
mod channels;
mod communities;
mod groups;
mod invites;
mod members;
mod moderation;

pub use access::{
    ChannelAccess, ChannelAct, CommunityAccess, CommunityRole, GroupAccess, GroupRole, Rank,
};
pub(crate) use access::{channel_not_found, community_not_found};
pub use channels::{ChannelChanges, NewChannel};
pub use communities::{CommunityChanges, NewCommunity};
pub use groups::{GroupChanges, NewGroup};
pub use invites::InviteLanding;
pub(crate) use invites::{InviteJoin, invite_by_code};
pub use members::MemberChanges;
pub(crate) use members::member_not_found;
pub use moderation::TIMEOUT_RANGE_SECS;
