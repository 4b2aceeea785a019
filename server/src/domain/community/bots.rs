//! Bots in communities: their owners, moderators and up, bring them in; the owner
//! or a moderator takes them out. In the community a bot is a plain member whose
//! rights are also capped by its owner's (`bot_limits.rs`).

use uuid::Uuid;

use super::CommunityRole;
use super::access::community_not_found;
use crate::api::{BotView, ServerEvent};
use crate::domain::bots::bot_not_found;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta};
use crate::store::NewAuditEntry;

impl Core {
    /// The bots that are members of a community (members may list them).
    pub async fn community_bots(&self, actor: &Actor, community_id: Uuid) -> Result<Vec<BotView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.member_access(&mut c, actor, community_id).await?;
        let bots = c.community_bots(community_id).await?;
        Ok(bots.into_iter().map(BotView::from).collect())
    }

    /// Brings one of the caller's bots into a community where they moderate.
    pub async fn add_community_bot(
        &self,
        actor: &Actor,
        community_id: Uuid,
        bot_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<BotView> {
        actor.require_person()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.member_access(&mut c, actor, community_id).await?;
        access.require(CommunityRole::Moderator)?;
        let bot = c
            .bot(bot_id)
            .await?
            .filter(|b| b.owner_id == actor.id())
            .ok_or_else(bot_not_found)?;
        if c.is_banned(community_id, bot_id).await? {
            return Err(Error::forbidden(
                "banned",
                "this bot is banned from this community",
            ));
        }
        if c.community_member(community_id, bot_id).await?.is_some() {
            return Err(Error::conflict(
                "already_member",
                "this bot is already a member of this community",
            ));
        }
        self.add_member(&mut c, community_id, bot_id).await?;
        let entry = NewAuditEntry::by(actor.id(), "community.bot_added")
            .community(community_id)
            .target(Some(bot_id));
        self.audit(&mut c, meta, entry).await?;
        let profile = c.member_profile(community_id, bot_id).await?;
        tx.commit().await?;
        let event = profile.map(|p| ServerEvent::MemberJoined {
            community_id,
            member: p.into(),
        });
        self.member_changed(community_id, bot_id, event).await?;
        Ok(bot.into())
    }

    /// Takes a bot out of a community: its owner, or moderators and up.
    pub async fn remove_community_bot(
        &self,
        actor: &Actor,
        community_id: Uuid,
        bot_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        actor.require_person()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self
            .community_access(&mut c, actor, community_id)
            .await
            .map_err(|_| community_not_found())?;
        let bot = c.bot(bot_id).await?.ok_or_else(bot_not_found)?;
        if c.community_member(community_id, bot_id).await?.is_none() {
            return Err(bot_not_found());
        }
        if bot.owner_id != actor.id() {
            access.require(CommunityRole::Moderator)?;
        }
        c.remove_community_member(community_id, bot_id).await?;
        let entry = NewAuditEntry::by(actor.id(), "community.bot_removed")
            .community(community_id)
            .target(Some(bot_id));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.member_removed(community_id, bot_id, "kicked").await
    }
}
