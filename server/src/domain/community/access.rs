//! Who may do what inside a community. Every community, group and channel rule is
//! decided here, from the actor's membership rows and instance role.
//!
//! - Community roles have levels: owner 3, admin 2, moderator 1, member 0. Nobody
//!   acts on a member of equal or higher level.
//! - Instance admins and the owner ("staff") act with the authority of a community
//!   owner everywhere (ADM-1), except that they cannot act on the community's owner
//!   or transfer a community they do not own.
//! - What an actor may not even see answers 404, so IDs never reveal data.

use uuid::Uuid;

use crate::domain::access_cache::ReadAt;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, InstanceRole};
use crate::store::{Channel, ChannelContext, Community, CommunityMember, Conn, Group, GroupMember};

pub use crate::api::{CommunityRole, GroupRole};

pub(crate) fn community_not_found() -> Error {
    Error::not_found("community_not_found", "no such community")
}

pub(crate) fn group_not_found() -> Error {
    Error::not_found("group_not_found", "no such group")
}

pub(crate) fn channel_not_found() -> Error {
    Error::not_found("channel_not_found", "no such channel")
}

fn outranked() -> Error {
    Error::forbidden(
        "target_outranks_you",
        "you cannot act on someone whose role is equal to or higher than yours",
    )
}

/// Where a person stands, for the rank rule: their role in a community (member
/// when they are not in it) and on the instance.
#[derive(Debug, Clone, Copy)]
pub struct Rank {
    pub community: CommunityRole,
    pub instance: InstanceRole,
}

impl Rank {
    /// The rank of `user_id` in a community; `None` when the account is gone.
    pub(crate) async fn of(
        c: &mut Conn<'_>,
        community_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Rank>> {
        let Some(user) = c.user_by_id(user_id).await? else {
            return Ok(None);
        };
        let community = c
            .community_member(community_id, user_id)
            .await?
            .map_or(CommunityRole::Member, |m| CommunityRole::parse(&m.role));
        Ok(Some(Rank {
            community,
            instance: InstanceRole::parse(&user.instance_role),
        }))
    }
}

/// The actor's standing in one community.
#[derive(Debug, Clone)]
pub struct CommunityAccess {
    pub community: Community,
    pub membership: Option<CommunityMember>,
    pub actor_id: Uuid,
    /// The actor's instance role (staff: admin or owner).
    actor_instance_role: InstanceRole,
    staff: bool,
}

impl CommunityAccess {
    pub fn role(&self) -> Option<CommunityRole> {
        self.membership
            .as_ref()
            .map(|m| CommunityRole::parse(&m.role))
    }

    /// The authority the actor acts with: their role, or an owner's for staff.
    pub fn authority(&self) -> Option<CommunityRole> {
        if self.staff {
            Some(CommunityRole::Owner)
        } else {
            self.role()
        }
    }

    pub fn is_member(&self) -> bool {
        self.membership.is_some()
    }

    pub fn is_owner(&self) -> bool {
        self.community.owner_id == self.actor_id
    }

    pub fn is_staff(&self) -> bool {
        self.staff
    }

    /// Members and staff may use the community; others only preview a public one.
    pub fn require_member(&self) -> Result<()> {
        if self.is_member() || self.staff {
            Ok(())
        } else {
            Err(Error::forbidden(
                "not_a_member",
                "join this community first",
            ))
        }
    }

    /// At least `min` (staff always qualify).
    pub fn require(&self, min: CommunityRole) -> Result<()> {
        self.require_member()?;
        if self.authority().is_some_and(|a| a >= min) {
            Ok(())
        } else {
            Err(Error::forbidden(
                "insufficient_role",
                format!(
                    "this needs the {} role or higher in this community",
                    min.as_str()
                ),
            ))
        }
    }

    /// Strictly above `target`: the rule for acting on another member.
    pub fn require_above(&self, target: CommunityRole) -> Result<()> {
        if self.authority().is_some_and(|a| a > target) {
            Ok(())
        } else {
            Err(outranked())
        }
    }

    /// The rank rule for acting on a person (a member, a message's author, the
    /// moderator behind a ban): strictly above their community role, and, when they
    /// are instance staff, a higher instance role too — so nobody in a community
    /// moderates the instance's admins or owner unless they outrank them there.
    pub fn require_above_person(&self, target: &Rank) -> Result<()> {
        self.require_above(target.community)?;
        if target.instance >= InstanceRole::Admin && self.actor_instance_role <= target.instance {
            return Err(outranked());
        }
        Ok(())
    }

    /// Whether the actor sees every group (moderators and up), not only theirs and public ones.
    pub fn sees_all_groups(&self) -> bool {
        self.authority()
            .is_some_and(|a| a >= CommunityRole::Moderator)
    }
}

/// The actor's standing in one group of a community they may use.
#[derive(Debug, Clone)]
pub struct GroupAccess {
    pub community: CommunityAccess,
    pub group: Group,
    pub membership: Option<GroupMember>,
}

impl GroupAccess {
    pub fn role(&self) -> Option<GroupRole> {
        self.membership.as_ref().map(|m| GroupRole::parse(&m.role))
    }

    /// Community admins (and staff) manage every group; group owners and admins theirs.
    pub fn can_manage(&self) -> bool {
        self.community
            .authority()
            .is_some_and(|a| a >= CommunityRole::Admin)
            || self.role().is_some_and(|r| r >= GroupRole::Admin)
    }

    pub fn require_manage(&self) -> Result<()> {
        if self.can_manage() {
            Ok(())
        } else {
            Err(Error::forbidden(
                "insufficient_role",
                "only this group's admins or community admins may do this",
            ))
        }
    }

    /// Reading the group's channels: its members, and community moderators and up.
    pub fn can_read(&self) -> bool {
        self.membership.is_some() || self.community.sees_all_groups()
    }
}

/// What a channel's permissions govern (COM-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelAct {
    Post,
    React,
    StartThread,
    MentionEveryone,
}

/// The actor's standing in one channel: a community channel (through its group) or
/// a direct-message channel they belong to.
#[derive(Debug, Clone)]
pub struct ChannelAccess {
    pub channel: Channel,
    /// `None` for direct-message channels.
    pub group: Option<GroupAccess>,
    /// The reader blocks someone, so what they see of the channel is theirs alone.
    pub viewer_blocks_anyone: bool,
}

impl ChannelAccess {
    pub fn community_id(&self) -> Option<Uuid> {
        self.channel.community_id
    }

    /// The group standing of a community channel; direct messages have none, so
    /// community-only operations on them are not found.
    pub fn in_group(&self) -> Result<&GroupAccess> {
        self.group.as_ref().ok_or_else(channel_not_found)
    }

    /// Whether the actor moderates this channel's community (moderators and up).
    pub fn is_moderator(&self) -> bool {
        self.group
            .as_ref()
            .is_some_and(|g| g.community.sees_all_groups())
    }

    /// Acting as a moderator on what someone wrote (deleting their message,
    /// closing their poll): moderators and up, and only on people below them.
    pub(crate) async fn require_moderates(
        &self,
        c: &mut Conn<'_>,
        author: Option<Uuid>,
    ) -> Result<()> {
        let Some(group) = self.group.as_ref().filter(|_| self.is_moderator()) else {
            return Err(Error::forbidden(
                "insufficient_role",
                "only its author or a moderator may do this",
            ));
        };
        if let Some(author) = author
            && let Some(rank) = Rank::of(c, group.community.community.id, author).await?
        {
            group.community.require_above_person(&rank)?;
        }
        Ok(())
    }

    /// The lowest community role that may `act` here: the channel's setting, and
    /// for posting at least admins in a read-only channel.
    pub fn min_role(&self, act: ChannelAct) -> CommunityRole {
        let roles = &self.channel.roles;
        let setting = match act {
            ChannelAct::Post => &roles.post_role,
            ChannelAct::React => &roles.react_role,
            ChannelAct::StartThread => &roles.thread_role,
            ChannelAct::MentionEveryone => &roles.mention_everyone_role,
        };
        let min = CommunityRole::parse(setting);
        if act == ChannelAct::Post && self.channel.read_only {
            min.max(CommunityRole::Admin)
        } else {
            min
        }
    }

    /// Whether the actor's role allows `act` here; everyone in a DM may.
    pub fn may(&self, act: ChannelAct) -> bool {
        match &self.group {
            None => true,
            Some(group) => group
                .community
                .authority()
                .is_some_and(|a| a >= self.min_role(act)),
        }
    }

    /// `act` as an active participant: not archived, the role allows it, and not
    /// timed out (`now` decides whether a timeout has expired).
    pub fn require(&self, act: ChannelAct, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
        if self.channel.archived {
            return Err(Error::forbidden(
                "channel_archived",
                "this channel is archived",
            ));
        }
        if !self.may(act) {
            let min = self.min_role(act).as_str();
            return Err(match act {
                ChannelAct::Post if self.channel.read_only => {
                    Error::forbidden("channel_read_only", "only admins post in this channel")
                }
                ChannelAct::Post => Error::forbidden(
                    "cannot_post_here",
                    format!("only the {min} role and higher post in this channel"),
                ),
                ChannelAct::React => Error::forbidden(
                    "cannot_react_here",
                    format!("only the {min} role and higher react in this channel"),
                ),
                ChannelAct::StartThread => Error::forbidden(
                    "cannot_start_threads_here",
                    format!("only the {min} role and higher start threads in this channel"),
                ),
                ChannelAct::MentionEveryone => Error::forbidden(
                    "cannot_mention_everyone_here",
                    format!("only the {min} role and higher notify everyone in this channel"),
                ),
            });
        }
        self.require_not_timed_out(now)
    }

    /// Posting (sending, editing, polls, typing).
    pub fn require_post(&self, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
        self.require(ChannelAct::Post, now)
    }

    /// Taking part in a voice channel's call: a voice channel, not archived, and
    /// not timed out (timeouts silence voice as they do text).
    pub fn require_voice(&self, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
        self.require_voice_channel()?;
        if self.channel.archived {
            return Err(Error::forbidden(
                "channel_archived",
                "this channel is archived",
            ));
        }
        self.require_not_timed_out(now)
    }

    /// The channel is a voice channel (it has a call).
    pub fn require_voice_channel(&self) -> Result<()> {
        if self.channel.kind == "voice" {
            Ok(())
        } else {
            Err(Error::bad_request(
                "not_a_voice_channel",
                "this is not a voice channel",
            ))
        }
    }

    fn require_not_timed_out(&self, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
        if let Some(until) = self
            .group
            .as_ref()
            .and_then(|g| g.community.membership.as_ref())
            .and_then(|m| m.timed_out_until)
            && until > now
        {
            // Seconds rather than a UTC timestamp: the client says when in local time.
            let left = ((until - now).num_milliseconds().max(0) as u64).div_ceil(1000);
            return Err(Error::forbidden(
                "timed_out",
                format!("you are timed out here for {}", in_words(left)),
            )
            .retry_after(left));
        }
        Ok(())
    }
}

/// A rough duration for people: "4 minutes", "2 hours", "3 days" (rounded up).
fn in_words(secs: u64) -> String {
    let (count, unit) = match secs {
        0..60 => (secs.max(1), "second"),
        60..7200 => (secs.div_ceil(60), "minute"),
        7200..172_800 => (secs.div_ceil(3600), "hour"),
        _ => (secs.div_ceil(86_400), "day"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

impl Core {
    /// The actor's access to a community they may see: members, staff, and anyone
    /// for a public community. Private ones are 404 for everyone else.
    pub(crate) async fn community_access(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: Uuid,
    ) -> Result<CommunityAccess> {
        let access = self.own_community_access(c, actor, id).await?;
        let Some(owner) = self.bot_owner(c, actor).await? else {
            return Ok(access);
        };
        let owners = Box::pin(self.own_community_access(c, &owner, id))
            .await
            .map_err(|_| community_not_found())?;
        Ok(access.capped_by(&owners))
    }

    /// [`Core::community_access`] from the actor's own rows alone.
    async fn own_community_access(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: Uuid,
    ) -> Result<CommunityAccess> {
        let community = c.community(id).await?.ok_or_else(community_not_found)?;
        let membership = c.community_member(id, actor.id()).await?;
        let staff = actor.role() >= InstanceRole::Admin;
        if membership.is_none() && !staff && community.visibility != "public" {
            return Err(community_not_found());
        }
        Ok(CommunityAccess {
            community,
            membership,
            actor_id: actor.id(),
            actor_instance_role: actor.role(),
            staff,
        })
    }

    /// Access to a community the actor must be able to use (member or staff);
    /// non-members of public communities get 403, of private ones 404.
    pub(crate) async fn member_access(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: Uuid,
    ) -> Result<CommunityAccess> {
        let access = self.community_access(c, actor, id).await?;
        access.require_member()?;
        Ok(access)
    }

    /// Access to a group the actor may see: public groups and their own for members,
    /// every group for moderators and up. Anything else is 404.
    pub(crate) async fn group_access(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        group_id: Uuid,
    ) -> Result<GroupAccess> {
        let access = self.own_group_access(c, actor, group_id).await?;
        let Some(owner) = self.bot_owner(c, actor).await? else {
            return Ok(access);
        };
        let owners = Box::pin(self.own_group_access(c, &owner, group_id))
            .await
            .map_err(|_| group_not_found())?;
        let access = access.capped_by(&owners);
        if access.membership.is_none()
            && access.group.visibility != "public"
            && !access.community.sees_all_groups()
        {
            return Err(group_not_found());
        }
        Ok(access)
    }

    /// [`Core::group_access`] from the actor's own rows alone.
    async fn own_group_access(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        group_id: Uuid,
    ) -> Result<GroupAccess> {
        let group = c.group(group_id).await?.ok_or_else(group_not_found)?;
        let community = self
            .community_access(c, actor, group.community_id)
            .await
            .map_err(|_| group_not_found())?;
        if !community.is_member() && !community.is_staff() {
            return Err(group_not_found());
        }
        let membership = c.group_member(group_id, actor.id()).await?;
        if membership.is_none() && group.visibility != "public" && !community.sees_all_groups() {
            return Err(group_not_found());
        }
        Ok(GroupAccess {
            community,
            group,
            membership,
        })
    }

    /// Access to a channel the actor may read: group members and community
    /// moderators for community channels, members for direct messages. One query
    /// (see `store::ChannelContext`), the same rules as community and group access.
    pub(crate) async fn channel_access(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        channel_id: Uuid,
    ) -> Result<ChannelAccess> {
        let access = self.own_channel_access(c, actor, channel_id).await?;
        let Some(owner) = self.bot_owner(c, actor).await? else {
            return Ok(access);
        };
        if access.group.is_none() {
            // A bot's direct messages are its own, as its owner's are.
            return Ok(access);
        }
        let owners = Box::pin(self.own_channel_access(c, &owner, channel_id))
            .await
            .map_err(|_| channel_not_found())?;
        let access = access.capped_by(&owners);
        if !access.group.as_ref().is_some_and(GroupAccess::can_read) {
            return Err(channel_not_found());
        }
        Ok(access)
    }

    /// [`Core::channel_access`] from kept rows alone, without the store: `None`
    /// when nothing is kept for the actor, or the actor is a bot (whose access is
    /// capped by its owner's, read from the store).
    pub(crate) fn kept_channel_access(
        &self,
        actor: &Actor,
        channel_id: Uuid,
    ) -> Option<Result<ChannelAccess>> {
        if actor.is_bot() {
            return None;
        }
        let ctx = self.access_cache.channel(channel_id, actor.id())?;
        Some(access_from(ctx, actor))
    }

    /// The channel and `user_id`'s standing around it: kept from an earlier request
    /// while nothing it was read from has changed (see `access_cache`), else from
    /// the store.
    async fn channel_context(
        &self,
        c: &mut Conn<'_>,
        channel_id: Uuid,
        user_id: Uuid,
    ) -> Result<ChannelContext> {
        if let Some(kept) = self.access_cache.channel(channel_id, user_id) {
            return Ok(kept);
        }
        let read_at = ReadAt::now();
        let found = c
            .channel_context(channel_id, user_id)
            .await?
            .ok_or_else(channel_not_found)?;
        self.access_cache.keep_channel(read_at, user_id, &found);
        Ok(found)
    }

    /// [`Core::channel_access`] from the actor's own rows alone.
    async fn own_channel_access(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        channel_id: Uuid,
    ) -> Result<ChannelAccess> {
        let ctx = self.channel_context(c, channel_id, actor.id()).await?;
        access_from(ctx, actor)
    }
}

/// The actor's access to a channel from its context (their own rows).
fn access_from(ctx: ChannelContext, actor: &Actor) -> Result<ChannelAccess> {
    let (Some(group), Some(community)) = (ctx.group, ctx.community) else {
        if !ctx.dm_member {
            return Err(channel_not_found());
        }
        return Ok(ChannelAccess {
            channel: ctx.channel,
            group: None,
            viewer_blocks_anyone: ctx.blocks_anyone,
        });
    };
    let staff = actor.role() >= InstanceRole::Admin;
    let community = CommunityAccess {
        community,
        membership: ctx.community_member,
        actor_id: actor.id(),
        actor_instance_role: actor.role(),
        staff,
    };
    if !community.is_member() && !staff {
        return Err(channel_not_found());
    }
    let group = GroupAccess {
        community,
        group,
        membership: ctx.group_member,
    };
    let visible = group.membership.is_some()
        || group.group.visibility == "public"
        || group.community.sees_all_groups();
    if !visible || !group.can_read() {
        return Err(channel_not_found());
    }
    Ok(ChannelAccess {
        channel: ctx.channel,
        group: Some(group),
        viewer_blocks_anyone: ctx.blocks_anyone,
    })
}

#[cfg(test)]
mod tests {
    use super::in_words;

    #[test]
    fn durations_read_as_rounded_up_words() {
        let cases = [
            (0, "1 second"),
            (59, "59 seconds"),
            (60, "1 minute"),
            (61, "2 minutes"),
            (7199, "120 minutes"),
            (7200, "2 hours"),
            (172_799, "48 hours"),
            (172_800, "2 days"),
            (28 * 86_400, "28 days"),
        ];
        for (secs, words) in cases {
            assert_eq!(in_words(secs), words, "{secs} s");
        }
    }
}
