//! Custom emoji (COM-7): community admins add PNG, GIF or WebP images of at most
//! 256 KB under a `:name:`, at most 50 per community; members use them in messages
//! and reactions.

use bytes::Bytes;
use futures_util::Stream;
use uuid::Uuid;

use super::{Upload, UploadPolicy};
use crate::api::CustomEmojiView;
use crate::domain::community::CommunityRole;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core};
use crate::store::{self, Conn, CustomEmoji};

pub const EMOJI_PER_COMMUNITY: i64 = 50;

pub(super) const EMOJI: UploadPolicy = UploadPolicy {
    purpose: "emoji",
    max_bytes: Some(256 * 1024),
    types: Some(&["image/png", "image/gif", "image/webp"]),
    thumbnail: false,
};

fn view(e: CustomEmoji) -> CustomEmojiView {
    CustomEmojiView {
        id: e.id,
        name: e.name,
        file_id: e.file_id,
        created_by: e.created_by,
        created_at: e.created_at,
    }
}

/// 2–32 lowercase letters, digits and underscores.
fn check_name(name: &str) -> Result<()> {
    let ok = (2..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "name",
            "an emoji name is 2–32 lowercase letters, digits or underscores",
        ))
    }
}

fn emoji_not_found() -> Error {
    Error::not_found("emoji_not_found", "no such custom emoji")
}

impl Core {
    /// A community's custom emoji, for its members (and staff).
    pub async fn list_custom_emoji(
        &self,
        actor: &Actor,
        community_id: Uuid,
    ) -> Result<Vec<CustomEmojiView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.member_access(&mut c, actor, community_id).await?;
        Ok(c.custom_emoji(community_id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// Adds a custom emoji: community admins and up. The name and the count are
    /// checked before the image is read.
    pub async fn add_custom_emoji<S>(
        &self,
        actor: &Actor,
        community_id: Uuid,
        name: &str,
        upload: Upload,
        body: S,
    ) -> Result<CustomEmojiView>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Unpin + Send,
    {
        check_name(name)?;
        {
            let mut conn = self.db.acquire().await?;
            let mut c = conn.conn();
            let access = self.member_access(&mut c, actor, community_id).await?;
            access.require(CommunityRole::Admin)?;
            self.check_emoji_room(&mut c, community_id, name).await?;
        }
        let file = self.store_upload(actor, upload, body, &EMOJI).await?;
        let emoji = CustomEmoji {
            id: store::new_id(),
            community_id,
            name: name.to_owned(),
            file_id: file.id,
            created_by: Some(actor.id()),
            created_at: store::now(),
        };
        let saved = async {
            let mut tx = self.db.begin().await?;
            let mut c = tx.conn();
            // Checked again: another admin may have added one meanwhile.
            self.check_emoji_room(&mut c, community_id, name).await?;
            if !c.insert_custom_emoji(&emoji).await? {
                return Err(name_taken());
            }
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(e) = saved {
            // The image goes again, with its quota.
            let mut tx = self.db.begin().await?;
            tx.conn().delete_file(file.id).await?;
            tx.commit().await?;
            self.remove_stored(&[file.id]).await;
            return Err(e);
        }
        Ok(view(emoji))
    }

    async fn check_emoji_room(
        &self,
        c: &mut Conn<'_>,
        community_id: Uuid,
        name: &str,
    ) -> Result<()> {
        if c.custom_emoji_named(community_id, name).await?.is_some() {
            return Err(name_taken());
        }
        if c.count_custom_emoji(community_id).await? >= EMOJI_PER_COMMUNITY {
            return Err(Error::conflict(
                "emoji_limit",
                format!("a community has at most {EMOJI_PER_COMMUNITY} custom emoji"),
            ));
        }
        Ok(())
    }

    /// Removes a custom emoji and its image: community admins and up.
    pub async fn delete_custom_emoji(
        &self,
        actor: &Actor,
        community_id: Uuid,
        emoji_id: Uuid,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.member_access(&mut c, actor, community_id).await?;
        access.require(CommunityRole::Admin)?;
        let emoji = c
            .custom_emoji_by_id(emoji_id)
            .await?
            .filter(|e| e.community_id == community_id)
            .ok_or_else(emoji_not_found)?;
        c.delete_custom_emoji(emoji.id).await?;
        c.delete_file(emoji.file_id).await?;
        tx.commit().await?;
        self.remove_stored(&[emoji.file_id]).await;
        Ok(())
    }

    /// A `:name:` reaction names a custom emoji of the channel's community.
    pub(crate) async fn check_custom_reaction(
        &self,
        c: &mut Conn<'_>,
        community_id: Option<Uuid>,
        emoji: &str,
    ) -> Result<()> {
        let Some(name) = emoji.strip_prefix(':').and_then(|e| e.strip_suffix(':')) else {
            return Ok(());
        };
        let known = match community_id {
            Some(id) => c.custom_emoji_named(id, name).await?.is_some(),
            None => false,
        };
        if known {
            Ok(())
        } else {
            Err(Error::invalid(
                "emoji",
                "no custom emoji of this name in this community",
            ))
        }
    }
}

fn name_taken() -> Error {
    Error::conflict(
        "emoji_name_taken",
        "this community already has an emoji of this name",
    )
}
