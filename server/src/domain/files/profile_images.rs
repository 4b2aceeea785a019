//! Profile and community images (PROF-1, COM-1, COM-3, FILE-4): a user's avatar
//! and banner, a community's or a group's icon and banner. Clients crop before
//! uploading; the server checks the type and size, strips metadata like any
//! image, and keeps one file per slot: a new image replaces the old one, whose
//! bytes and quota go at once. Everyone signed in may load them.

use bytes::Bytes;
use futures_util::Stream;
use uuid::Uuid;

use super::{Upload, UploadPolicy};
use crate::api::{AuthorView, CommunityView, ServerEvent};
use crate::domain::community::CommunityRole;
use crate::domain::error::{Error, Result};
use crate::domain::realtime::user_audience;
use crate::domain::{Actor, Core, RequestMeta};
use crate::events::Topic;
use crate::store::{Conn, ImageColumn, NewAuditEntry, ProfileCard};

const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
const ICON_BYTES: u64 = 5 * 1024 * 1024;
const BANNER_BYTES: u64 = 10 * 1024 * 1024;

/// One image slot and whose it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSlot {
    /// The signed-in user's avatar.
    Avatar,
    /// The signed-in user's profile banner.
    ProfileBanner,
    CommunityIcon(Uuid),
    CommunityBanner(Uuid),
    GroupIcon(Uuid),
    GroupBanner(Uuid),
    /// The avatar of a bot (its owner's, or any administrator's to change).
    BotAvatar(Uuid),
    /// The avatar a webhook's messages show (the channel's managers').
    WebhookAvatar(Uuid),
}

impl ImageSlot {
    fn policy(self) -> UploadPolicy {
        let (purpose, max) = match self {
            Self::Avatar | Self::BotAvatar(_) | Self::WebhookAvatar(_) => ("avatar", ICON_BYTES),
            Self::ProfileBanner => ("profile_banner", BANNER_BYTES),
            Self::CommunityIcon(_) => ("community_icon", ICON_BYTES),
            Self::CommunityBanner(_) => ("community_banner", BANNER_BYTES),
            Self::GroupIcon(_) => ("group_icon", ICON_BYTES),
            Self::GroupBanner(_) => ("group_banner", BANNER_BYTES),
        };
        UploadPolicy {
            purpose,
            max_bytes: Some(max),
            types: Some(IMAGE_TYPES),
            thumbnail: true,
        }
    }

    fn column(self) -> ImageColumn {
        match self {
            Self::Avatar | Self::BotAvatar(_) | Self::WebhookAvatar(_) => ImageColumn::UserAvatar,
            Self::ProfileBanner => ImageColumn::UserBanner,
            Self::CommunityIcon(_) => ImageColumn::CommunityIcon,
            Self::CommunityBanner(_) => ImageColumn::CommunityBanner,
            Self::GroupIcon(_) => ImageColumn::GroupIcon,
            Self::GroupBanner(_) => ImageColumn::GroupBanner,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Avatar
            | Self::CommunityIcon(_)
            | Self::GroupIcon(_)
            | Self::BotAvatar(_)
            | Self::WebhookAvatar(_) => "icon",
            Self::ProfileBanner | Self::CommunityBanner(_) | Self::GroupBanner(_) => "banner",
        }
    }
}

/// Whose slot it is, once the actor may change it.
enum Owner {
    User(Uuid),
    Community(Uuid),
    Group { id: Uuid, community_id: Uuid },
}

impl Owner {
    fn id(&self) -> Uuid {
        match self {
            Owner::User(id) | Owner::Community(id) | Owner::Group { id, .. } => *id,
        }
    }
}

impl Core {
    /// Sets an image slot from an upload. Who may change the slot is checked
    /// before a byte is read: the user themself, community admins (community
    /// images), the group's admins or community admins (group images).
    pub async fn set_image<S>(
        &self,
        actor: &Actor,
        slot: ImageSlot,
        upload: Upload,
        body: S,
        meta: &RequestMeta,
    ) -> Result<()>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Unpin + Send,
    {
        self.image_owner(&mut self.db.acquire().await?.conn(), actor, slot)
            .await?;
        let file = self
            .store_upload(actor, upload, body, &slot.policy())
            .await?;
        let owner = match self.point_slot(actor, slot, Some(file.id), meta).await {
            Ok(owner) => owner,
            Err(e) => {
                // The new image goes again, with its quota.
                let mut tx = self.db.begin().await?;
                tx.conn().delete_file(file.id).await?;
                tx.commit().await?;
                self.remove_stored(&[file.id]).await;
                return Err(e);
            }
        };
        self.publish_image_change(owner).await
    }

    /// Empties an image slot; its file goes.
    pub async fn clear_image(
        &self,
        actor: &Actor,
        slot: ImageSlot,
        meta: &RequestMeta,
    ) -> Result<()> {
        let owner = self.point_slot(actor, slot, None, meta).await?;
        self.publish_image_change(owner).await
    }

    /// Points a slot at a file (or none) in one transaction and removes the image
    /// it held; returns whose slot it is, to tell those who show it.
    async fn point_slot(
        &self,
        actor: &Actor,
        slot: ImageSlot,
        file: Option<Uuid>,
        meta: &RequestMeta,
    ) -> Result<Owner> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        // Checked again: a role may have changed while the image arrived.
        let owner = self.image_owner(&mut c, actor, slot).await?;
        let column = slot.column();
        let old = c.image(column, owner.id()).await?;
        if !c.set_image(column, owner.id(), file).await? {
            return Err(Error::not_found("not_found", "it no longer exists"));
        }
        let mut removed = Vec::new();
        if let Some(old) = old.filter(|old| Some(*old) != file)
            && c.delete_file(old).await?.is_some()
        {
            removed.push(old);
        }
        let details = serde_json::json!({ "image": slot.name(), "file_id": file });
        match owner {
            Owner::User(_) => {}
            Owner::Community(id) => {
                let entry = NewAuditEntry::by(actor.id(), "community.updated")
                    .community(id)
                    .details(details);
                self.audit(&mut c, meta, entry).await?;
            }
            Owner::Group { id, community_id } => {
                let entry = NewAuditEntry::by(actor.id(), "group.updated")
                    .community(community_id)
                    .details(serde_json::json!({ "group_id": id, "image": slot.name() }));
                self.audit(&mut c, meta, entry).await?;
            }
        }
        tx.commit().await?;
        self.remove_stored(&removed).await;
        Ok(owner)
    }

    async fn image_owner(&self, c: &mut Conn<'_>, actor: &Actor, slot: ImageSlot) -> Result<Owner> {
        match slot {
            ImageSlot::Avatar | ImageSlot::ProfileBanner => Ok(Owner::User(actor.id())),
            ImageSlot::BotAvatar(id) => {
                actor.require_person()?;
                crate::domain::bots::owned_bot(c, actor, id, true).await?;
                Ok(Owner::User(id))
            }
            ImageSlot::WebhookAvatar(id) => {
                let webhook = self.managed_webhook(c, actor, id).await?;
                Ok(Owner::User(webhook.user_id))
            }
            ImageSlot::CommunityIcon(id) | ImageSlot::CommunityBanner(id) => {
                let access = self.community_access(c, actor, id).await?;
                access.require(CommunityRole::Admin)?;
                Ok(Owner::Community(id))
            }
            ImageSlot::GroupIcon(id) | ImageSlot::GroupBanner(id) => {
                let access = self.group_access(c, actor, id).await?;
                access.require_manage()?;
                Ok(Owner::Group {
                    id,
                    community_id: access.group.community_id,
                })
            }
        }
    }

    async fn publish_image_change(&self, owner: Owner) -> Result<()> {
        match owner {
            Owner::User(id) => self.publish_user_updated(id).await,
            Owner::Community(id) => self.publish_community_updated(id).await,
            Owner::Group { community_id, .. } => {
                // Private groups are not everyone's to see: members refetch theirs.
                self.events.publish(
                    vec![Topic::Community(community_id)],
                    &ServerEvent::AccessChanged,
                    None,
                );
                Ok(())
            }
        }
    }

    /// Tells everyone who shows a user (their communities, DMs and own devices)
    /// their new name or avatar; cached history pages carry it too.
    pub(crate) async fn publish_user_updated(&self, user_id: Uuid) -> Result<()> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let Some(user) = c.user_by_id(user_id).await? else {
            return Ok(());
        };
        let topics = user_audience(&mut c, user_id).await?;
        self.events.revisions.bump_all();
        let event = ServerEvent::UserUpdated {
            user: AuthorView {
                id: user.id,
                username: user.username,
                display_name: user.display_name,
                avatar_file_id: user.avatar_file_id,
                bot: user.bot_kind.is_some(),
            },
        };
        self.events.publish(topics, &event, None);
        Ok(())
    }

    /// Tells a community's members its new settings or images.
    pub(crate) async fn publish_community_updated(&self, community_id: Uuid) -> Result<()> {
        let summary = self
            .db
            .acquire()
            .await?
            .conn()
            .community_summary(community_id)
            .await?;
        if let Some(summary) = summary {
            let event = ServerEvent::CommunityUpdated {
                community: CommunityView::new(summary, None),
            };
            self.events
                .publish(vec![Topic::Community(community_id)], &event, None);
        }
        Ok(())
    }

    /// A user's profile card: for themself, anyone who shares a community or a
    /// DM with them, and instance staff. Everyone else gets "no such user".
    /// Last seen only shows while they look offline (invisible counts as offline).
    pub async fn profile_card(&self, actor: &Actor, user_id: Uuid) -> Result<ProfileCard> {
        let mut card = self
            .db
            .acquire()
            .await?
            .conn()
            .profile_card(user_id, actor.id(), actor.require_admin().is_ok())
            .await?
            .ok_or_else(|| Error::not_found("user_not_found", "no such user"))?;
        if self.presence_of(user_id) != crate::api::PresenceStatus::Offline {
            card.last_seen_at = None;
        }
        Ok(card)
    }
}
