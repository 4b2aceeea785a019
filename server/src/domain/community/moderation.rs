//! Moderation inside a community (COM-6): warnings with history, timeouts that
//! expire by themselves, kicks, bans and unbans. Moderators and up act only on
//! people below them (see [`Rank`]); instance staff act anywhere below the
//! community owner and below their own instance role. Lifting a ban also needs
//! to outrank whoever set it.
//! Every action is written to the audit log with the community.

use std::ops::RangeInclusive;

use chrono::Duration;
use uuid::Uuid;

use super::access::{CommunityAccess, CommunityRole, Rank};
use super::members::member_not_found;
use crate::api::ServerEvent;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta, validate};
use crate::store::{self, BanEntry, CommunityBan, CommunityMember, Conn, NewAuditEntry, Warning};

/// One minute to 28 days.
pub const TIMEOUT_RANGE_SECS: RangeInclusive<u32> = 60..=28 * 24 * 3600;
pub const REASON_MAX: usize = 500;

/// The target as a member the actor may moderate.
async fn moderatable(
    c: &mut Conn<'_>,
    access: &CommunityAccess,
    user_id: Uuid,
) -> Result<CommunityMember> {
    access.require(CommunityRole::Moderator)?;
    if user_id == access.actor_id {
        return Err(Error::bad_request(
            "cannot_target_self",
            "you cannot moderate yourself",
        ));
    }
    let member = c
        .community_member(access.community.id, user_id)
        .await?
        .ok_or_else(member_not_found)?;
    let rank = Rank::of(c, access.community.id, user_id)
        .await?
        .ok_or_else(member_not_found)?;
    access.require_above_person(&rank)?;
    Ok(member)
}

fn audit_entry(
    actor: &Actor,
    action: &'static str,
    target: Uuid,
    details: serde_json::Value,
) -> NewAuditEntry {
    NewAuditEntry::by(actor.id(), action)
        .target(Some(target))
        .details(details)
}

fn reason(raw: Option<&str>) -> Result<Option<String>> {
    validate::optional_text("reason", raw, REASON_MAX)
}

impl Core {
    /// Runs one moderation action in a transaction and audits it (`entry` gets the
    /// community added).
    async fn moderate<T>(
        &self,
        actor: &Actor,
        id: Uuid,
        entry: NewAuditEntry,
        meta: &RequestMeta,
        apply: impl AsyncFnOnce(&mut Conn<'_>, &CommunityAccess) -> Result<T>,
    ) -> Result<T> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.member_access(&mut c, actor, id).await?;
        let result = apply(&mut c, &access).await?;
        self.audit(&mut c, meta, entry.community(id)).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub async fn warn_member(
        &self,
        actor: &Actor,
        id: Uuid,
        user_id: Uuid,
        why: &str,
        meta: &RequestMeta,
    ) -> Result<Warning> {
        let why = reason(Some(why))?
            .ok_or_else(|| Error::invalid("reason", "a warning needs a reason"))?;
        let details = serde_json::json!({ "reason": why });
        self.moderate(
            actor,
            id,
            audit_entry(actor, "moderation.warned", user_id, details),
            meta,
            async |c, access| {
                moderatable(c, access, user_id).await?;
                let warning = Warning {
                    id: store::new_id(),
                    community_id: id,
                    user_id,
                    issued_by: Some(actor.id()),
                    reason: why,
                    created_at: store::now(),
                };
                c.insert_warning(&warning).await?;
                Ok(warning)
            },
        )
        .await
    }

    /// A member's warnings: for moderators and up, and for the member themself.
    pub async fn member_warnings(
        &self,
        actor: &Actor,
        id: Uuid,
        user_id: Uuid,
    ) -> Result<Vec<Warning>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let access = self.member_access(&mut c, actor, id).await?;
        if user_id != actor.id() {
            access.require(CommunityRole::Moderator)?;
        }
        let warnings = c.warnings(id, user_id).await?;
        // Former members keep their history; strangers to this community are not found.
        if warnings.is_empty() && c.community_member(id, user_id).await?.is_none() {
            return Err(member_not_found());
        }
        Ok(warnings)
    }

    /// Mutes a member for `duration_secs`; the timeout ends by itself.
    pub async fn timeout_member(
        &self,
        actor: &Actor,
        id: Uuid,
        user_id: Uuid,
        duration_secs: u32,
        why: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<CommunityMember> {
        if !TIMEOUT_RANGE_SECS.contains(&duration_secs) {
            return Err(Error::invalid(
                "duration_secs",
                "a timeout lasts 60 seconds to 28 days",
            ));
        }
        let why = reason(why)?;
        let until = store::now() + Duration::seconds(i64::from(duration_secs));
        let details = serde_json::json!({ "until": until, "reason": why });
        let member = self
            .moderate(
                actor,
                id,
                audit_entry(actor, "moderation.timed_out", user_id, details),
                meta,
                async |c, access| {
                    let mut member = moderatable(c, access, user_id).await?;
                    member.timed_out_until = Some(until);
                    c.update_community_member(&member).await?;
                    Ok(member)
                },
            )
            .await?;
        self.remove_from_voice(user_id, |_, community| community == Some(id));
        self.announce_member(id, user_id).await?;
        Ok(member)
    }

    pub async fn end_timeout(
        &self,
        actor: &Actor,
        id: Uuid,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let member = self
            .moderate(
                actor,
                id,
                audit_entry(
                    actor,
                    "moderation.timeout_ended",
                    user_id,
                    serde_json::json!({}),
                ),
                meta,
                async |c, access| {
                    let mut member = moderatable(c, access, user_id).await?;
                    member.timed_out_until = None;
                    c.update_community_member(&member).await?;
                    Ok(member)
                },
            )
            .await?;
        self.announce_member(id, member.user_id).await
    }

    /// Removes a member (they may rejoin with an invite).
    pub async fn kick_member(
        &self,
        actor: &Actor,
        id: Uuid,
        user_id: Uuid,
        why: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<()> {
        let details = serde_json::json!({ "reason": reason(why)? });
        self.moderate(
            actor,
            id,
            audit_entry(actor, "moderation.kicked", user_id, details),
            meta,
            async |c, access| {
                moderatable(c, access, user_id).await?;
                c.remove_community_member(id, user_id).await?;
                Ok(())
            },
        )
        .await?;
        self.member_removed(id, user_id, "kicked").await
    }

    /// Bans a user: removes them if they are a member and keeps them out. A user
    /// who is not a member can be banned too (pre-emptively).
    pub async fn ban_user(
        &self,
        actor: &Actor,
        id: Uuid,
        user_id: Uuid,
        why: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<()> {
        let why = reason(why)?;
        let details = serde_json::json!({ "reason": why });
        let was_member = self
            .moderate(
                actor,
                id,
                audit_entry(actor, "moderation.banned", user_id, details),
                meta,
                async |c, access| {
                    access.require(CommunityRole::Moderator)?;
                    let was_member = c.community_member(id, user_id).await?.is_some();
                    if was_member {
                        moderatable(c, access, user_id).await?;
                        c.remove_community_member(id, user_id).await?;
                    } else {
                        let rank = Rank::of(c, id, user_id)
                            .await?
                            .ok_or_else(|| Error::not_found("user_not_found", "no such user"))?;
                        access.require_above_person(&rank)?;
                    }
                    // Re-banning replaces the record of who banned: that needs to
                    // outrank them, as lifting their ban would.
                    let earlier = c.ban_of(id, user_id).await?;
                    if let Some(by) = earlier
                        .and_then(|b| b.banned_by)
                        .filter(|by| *by != actor.id())
                        && let Some(rank) = Rank::of(c, id, by).await?
                    {
                        access.require_above_person(&rank)?;
                    }
                    let ban = CommunityBan {
                        community_id: id,
                        user_id,
                        banned_by: Some(actor.id()),
                        reason: why,
                        created_at: store::now(),
                    };
                    c.insert_ban(&ban).await?;
                    Ok(was_member)
                },
            )
            .await?;
        if was_member {
            self.member_removed(id, user_id, "banned").await?;
        }
        Ok(())
    }

    /// Tells the community (and the member) about a member's new state.
    async fn announce_member(&self, id: Uuid, user_id: Uuid) -> Result<()> {
        let profile = self
            .db
            .acquire()
            .await?
            .conn()
            .member_profile(id, user_id)
            .await?;
        if let Some(profile) = profile {
            let event = ServerEvent::MemberUpdated {
                community_id: id,
                member: profile.into(),
            };
            self.member_changed(id, user_id, Some(event)).await?;
        }
        Ok(())
    }

    pub async fn unban_user(
        &self,
        actor: &Actor,
        id: Uuid,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        self.moderate(
            actor,
            id,
            audit_entry(actor, "moderation.unbanned", user_id, serde_json::json!({})),
            meta,
            async |c, access| {
                access.require(CommunityRole::Moderator)?;
                let ban = c
                    .ban_of(id, user_id)
                    .await?
                    .ok_or_else(|| Error::not_found("ban_not_found", "this user is not banned"))?;
                // Lifting a ban acts on the banned person and overrides whoever
                // banned them: the actor must outrank both.
                if let Some(rank) = Rank::of(c, id, user_id).await? {
                    access.require_above_person(&rank)?;
                }
                if let Some(by) = ban.banned_by.filter(|by| *by != actor.id())
                    && let Some(rank) = Rank::of(c, id, by).await?
                {
                    access.require_above_person(&rank)?;
                }
                c.delete_ban(id, user_id).await?;
                Ok(())
            },
        )
        .await
    }

    pub async fn community_bans(&self, actor: &Actor, id: Uuid) -> Result<Vec<BanEntry>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.member_access(&mut c, actor, id)
            .await?
            .require(CommunityRole::Moderator)?;
        Ok(c.bans(id).await?)
    }
}
