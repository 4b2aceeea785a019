//! Direct messages (COM-5) and blocking (MSG-9).

use std::collections::BTreeSet;

use uuid::Uuid;

use super::{Actor, Core, InstanceRole};
use crate::api::{AuthorView, ChannelView, DmView, ServerEvent};
use crate::domain::error::{Error, Result};
use crate::store::{self, Channel};

/// Participants of a group DM besides the creator.
pub const GROUP_DM_MAX_OTHERS: usize = 9;
/// Group DMs one user may start while belonging to this many.
pub const GROUP_DMS_PER_USER: i64 = 100;

impl Core {
    /// Opens a DM with one user (reusing the existing one) or a new group DM with up
    /// to nine. Only people who share a community with the caller (or a DM already)
    /// and the instance's staff can be reached; refused when any participant and the
    /// caller block each other.
    pub async fn open_dm(&self, actor: &Actor, user_ids: &[Uuid]) -> Result<Channel> {
        let others: BTreeSet<Uuid> = user_ids
            .iter()
            .copied()
            .filter(|u| *u != actor.id())
            .collect();
        if others.is_empty() || others.len() > GROUP_DM_MAX_OTHERS {
            return Err(Error::invalid(
                "user_ids",
                format!("name 1 to {GROUP_DM_MAX_OTHERS} other users"),
            ));
        }
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let staff = actor.role() >= InstanceRole::Admin;
        for other in &others {
            let user = c.user_by_id(*other).await?;
            // Strangers (no shared community, no DM yet) look like unknown accounts,
            // so a DM neither reaches nor reveals them. Instance staff reach anyone
            // and anyone reaches them: they run the server.
            let Some(user) = user.filter(|u| u.suspended_at.is_none()) else {
                return Err(Error::not_found("user_not_found", "no such user"));
            };
            let reachable = staff
                || InstanceRole::parse(&user.instance_role) >= InstanceRole::Admin
                || c.acquainted(actor.id(), *other).await?;
            if !reachable {
                return Err(Error::not_found("user_not_found", "no such user"));
            }
            if c.blocked_between(actor.id(), *other).await? {
                return Err(Error::forbidden("blocked", "you cannot message this user"));
            }
        }
        let mut members: Vec<Uuid> = others.iter().copied().collect();
        members.push(actor.id());
        members.sort();
        let dm_key = (others.len() == 1).then(|| {
            members
                .iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(":")
        });
        if let Some(key) = &dm_key
            && let Some(existing) = c.dm_channel_by_key(key).await?
        {
            return Ok(existing);
        }
        if dm_key.is_none() && c.count_group_dms(actor.id()).await? >= GROUP_DMS_PER_USER {
            return Err(Error::conflict(
                "group_dm_limit",
                format!("you are in {GROUP_DMS_PER_USER} group DMs already"),
            ));
        }
        let channel = Channel {
            id: store::new_id(),
            group_id: None,
            community_id: None,
            name: String::new(),
            kind: if dm_key.is_some() { "dm" } else { "group_dm" }.to_owned(),
            dm_key,
            topic: None,
            position: 0,
            slow_mode_secs: 0,
            read_only: false,
            archived: false,
            link_previews: true,
            created_at: now,
            updated_at: now,
            roles: crate::store::ChannelRoles::default(),
        };
        c.insert_channel(&channel).await?;
        for member in &members {
            c.add_dm_member(channel.id, *member, now).await?;
        }
        tx.commit().await?;
        self.refresh_many(&members).await?;
        for member in &members {
            self.events.to_user(
                *member,
                &ServerEvent::ChannelCreated {
                    channel: channel.clone().into(),
                },
            );
        }
        Ok(channel)
    }

    /// The caller's DMs with their members, newest first.
    pub async fn my_dms(&self, actor: &Actor) -> Result<Vec<DmView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let channels = c.dm_channels_of_user(actor.id()).await?;
        let members = c.dm_members_for_user(actor.id()).await?;
        Ok(channels
            .into_iter()
            .map(|ch| DmView {
                channel_id: ch.id,
                kind: ch.kind,
                members: members
                    .iter()
                    .filter(|m| m.channel_id == ch.id)
                    .map(|m| AuthorView {
                        id: m.user_id,
                        username: m.username.clone(),
                        display_name: m.display_name.clone(),
                        avatar_file_id: m.avatar_file_id,
                        bot: m.bot,
                    })
                    .collect(),
                created_at: ch.created_at,
            })
            .collect())
    }

    /// A channel view for a DM the caller belongs to.
    pub async fn dm_channel(&self, actor: &Actor, channel_id: Uuid) -> Result<ChannelView> {
        let access = self
            .channel_access(&mut self.db.acquire().await?.conn(), actor, channel_id)
            .await?;
        Ok(access.channel.into())
    }

    /// Blocks a user: their messages disappear for the caller, and DMs between them stop.
    pub async fn block_user(&self, actor: &Actor, user_id: Uuid) -> Result<()> {
        if user_id == actor.id() {
            return Err(Error::bad_request(
                "cannot_target_self",
                "you cannot block yourself",
            ));
        }
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if c.user_by_id(user_id).await?.is_none() {
            return Err(Error::not_found("user_not_found", "no such user"));
        }
        c.block_user(actor.id(), user_id, store::now()).await?;
        tx.commit().await?;
        // Both sides stop seeing each other's presence, typing and read receipts.
        self.refresh_subscriptions(actor.id()).await?;
        self.refresh_subscriptions(user_id).await
    }

    pub async fn unblock_user(&self, actor: &Actor, user_id: Uuid) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !tx.conn().unblock_user(actor.id(), user_id).await? {
            return Err(Error::not_found(
                "block_not_found",
                "you do not block this user",
            ));
        }
        tx.commit().await?;
        self.refresh_subscriptions(actor.id()).await?;
        self.refresh_subscriptions(user_id).await
    }

    pub async fn blocked_users(&self, actor: &Actor) -> Result<Vec<Uuid>> {
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .blocked_by(actor.id())
            .await?)
    }
}
