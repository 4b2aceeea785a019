//! Registration invites managed by instance administrators (ADM-3), and the
//! run-time setting on who else may admit new people.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{Actor, Core, RequestMeta, validate};
use crate::api::{InstanceSettings, InstanceSettingsChanges};
use crate::auth::secrets;
use crate::domain::error::{Error, Result};
use crate::store::{self, NewAuditEntry, RegistrationInvite, SettingKey};

pub const INVITE_MAX_USES: u32 = 10_000;
pub const INVITE_EXPIRY_HOURS: std::ops::RangeInclusive<u32> = 1..=8760;

#[derive(Debug, Clone, Default)]
pub struct NewInvite {
    /// `None`: unlimited.
    pub max_uses: Option<u32>,
    /// `None`: never expires; otherwise 1–8760 hours.
    pub expires_in_hours: Option<u32>,
}

/// Whether an invite (registration or community) can be used at `now`: the one
/// rule for every path that reads, previews or accepts an invite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InviteState {
    Usable,
    Revoked,
    Expired,
    UsedUp,
}

impl InviteState {
    pub(crate) fn of(
        revoked_at: Option<DateTime<Utc>>,
        expires_at: Option<DateTime<Utc>>,
        max_uses: Option<i32>,
        uses: i32,
        now: DateTime<Utc>,
    ) -> InviteState {
        if revoked_at.is_some() {
            InviteState::Revoked
        } else if expires_at.is_some_and(|at| at <= now) {
            InviteState::Expired
        } else if max_uses.is_some_and(|max| uses >= max) {
            InviteState::UsedUp
        } else {
            InviteState::Usable
        }
    }
}

impl NewInvite {
    /// The validated limits: (max uses, expiry time from `now`).
    pub(crate) fn limits(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(Option<i32>, Option<DateTime<Utc>>)> {
        if let Some(max) = self.max_uses
            && !(1..=INVITE_MAX_USES).contains(&max)
        {
            return Err(Error::invalid(
                "max_uses",
                format!("max_uses must be 1 to {INVITE_MAX_USES}"),
            ));
        }
        if let Some(hours) = self.expires_in_hours
            && !INVITE_EXPIRY_HOURS.contains(&hours)
        {
            return Err(Error::invalid(
                "expires_in_hours",
                "expires_in_hours must be 1 to 8760",
            ));
        }
        let max_uses = self.max_uses.map(|m| m as i32);
        Ok((
            max_uses,
            self.expires_in_hours
                .map(|h| now + Duration::hours(i64::from(h))),
        ))
    }
}

impl Core {
    pub async fn create_registration_invite(
        &self,
        actor: &Actor,
        input: NewInvite,
        meta: &RequestMeta,
    ) -> Result<RegistrationInvite> {
        actor.require_admin()?;
        let now = store::now();
        let (max_uses, expires_at) = input.limits(now)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let creator = c.user_by_id(actor.id()).await?;
        let invite = RegistrationInvite {
            id: store::new_id(),
            code: secrets::random_code(10),
            created_by: Some(actor.id()),
            created_by_username: creator.map(|u| u.username),
            max_uses,
            uses: 0,
            expires_at,
            revoked_at: None,
            created_at: now,
        };
        c.insert_registration_invite(&invite).await?;
        let entry = NewAuditEntry::by(actor.id(), "registration_invite.created")
            .details(serde_json::json!({ "invite_id": invite.id }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        Ok(invite)
    }

    pub async fn registration_invites(&self, actor: &Actor) -> Result<Vec<RegistrationInvite>> {
        actor.require_admin()?;
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .registration_invites()
            .await?)
    }

    pub async fn revoke_registration_invite(
        &self,
        actor: &Actor,
        id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if !c.revoke_registration_invite(id, store::now()).await? {
            return Err(Error::not_found("invite_not_found", "no such invite"));
        }
        let entry = NewAuditEntry::by(actor.id(), "registration_invite.revoked")
            .details(serde_json::json!({ "invite_id": id }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn instance_settings(&self, actor: &Actor) -> Result<InstanceSettings> {
        actor.require_admin()?;
        let mut conn = self.db.acquire().await?;
        Ok(InstanceSettings {
            community_invites_admit_new_accounts: self
                .community_invites_admit(&mut conn.conn())
                .await?,
            gif_rating: self.gif_rating().await?,
        })
    }

    pub async fn change_instance_settings(
        &self,
        actor: &Actor,
        changes: InstanceSettingsChanges,
        meta: &RequestMeta,
    ) -> Result<InstanceSettings> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if let Some(admit) = changes.community_invites_admit_new_accounts {
            c.put_setting(SettingKey::CommunityInvitesAdmit, &admit, store::now())
                .await?;
            let entry = NewAuditEntry::by(actor.id(), "admin.settings_changed")
                .details(serde_json::json!({ "community_invites_admit_new_accounts": admit }));
            self.audit(&mut c, meta, entry).await?;
        }
        if let Some(rating) = changes.gif_rating {
            let rating = validate::one_of("gif_rating", &rating, super::gifs::RATINGS)?;
            c.put_setting(SettingKey::GifRating, &rating, store::now())
                .await?;
            let entry = NewAuditEntry::by(actor.id(), "admin.settings_changed")
                .details(serde_json::json!({ "gif_rating": rating }));
            self.audit(&mut c, meta, entry).await?;
        }
        let admit = self.community_invites_admit(&mut c).await?;
        tx.commit().await?;
        Ok(InstanceSettings {
            community_invites_admit_new_accounts: admit,
            gif_rating: self.gif_rating().await?,
        })
    }
}
