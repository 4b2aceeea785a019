//! A bot acts with at most its owner's rights: its standing in a community, group
//! or channel is its own, lowered to its owner's wherever the owner's is lower. A
//! place the owner cannot reach is not found for the bot either.

use super::access::{CommunityAccess, GroupAccess};
use super::{ChannelAccess, CommunityRole, GroupRole};
use crate::store::{CommunityMember, GroupMember};

impl CommunityAccess {
    pub(super) fn capped_by(mut self, owner: &CommunityAccess) -> CommunityAccess {
        self.membership = match (self.membership.take(), owner.membership.as_ref()) {
            (Some(mut bot), Some(owner)) => {
                cap_community_member(&mut bot, owner);
                Some(bot)
            }
            _ => None,
        };
        self
    }
}

fn cap_community_member(bot: &mut CommunityMember, owner: &CommunityMember) {
    if CommunityRole::parse(&owner.role) < CommunityRole::parse(&bot.role) {
        bot.role = owner.role.clone();
    }
    // A timed-out owner's bot is quiet for as long.
    bot.timed_out_until = bot.timed_out_until.max(owner.timed_out_until);
}

impl GroupAccess {
    pub(super) fn capped_by(mut self, owner: &GroupAccess) -> GroupAccess {
        self.community = self.community.capped_by(&owner.community);
        self.membership = match (self.membership.take(), owner.membership.as_ref()) {
            (Some(mut bot), Some(owner)) => {
                cap_group_member(&mut bot, owner);
                Some(bot)
            }
            _ => None,
        };
        self
    }
}

fn cap_group_member(bot: &mut GroupMember, owner: &GroupMember) {
    if GroupRole::parse(&owner.role) < GroupRole::parse(&bot.role) {
        bot.role = owner.role.clone();
    }
}

impl ChannelAccess {
    pub(super) fn capped_by(mut self, owner: &ChannelAccess) -> ChannelAccess {
        if let (Some(bot), Some(owner)) = (self.group.as_ref(), owner.group.as_ref()) {
            self.group = Some(bot.clone().capped_by(owner));
        }
        self
    }
}
