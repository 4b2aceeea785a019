//! Image slots of users, communities and groups (avatar, icon, banner), and the
//! public profile card others see.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

/// A column that points at an image file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageColumn {
    UserAvatar,
    UserBanner,
    CommunityIcon,
    CommunityBanner,
    GroupIcon,
    GroupBanner,
}

impl ImageColumn {
    fn select_sql(self) -> &'static str {
        match self {
            Self::UserAvatar => "SELECT avatar_file_id FROM users WHERE id = $1",
            Self::UserBanner => "SELECT banner_file_id FROM users WHERE id = $1",
            Self::CommunityIcon => "SELECT icon_file_id FROM communities WHERE id = $1",
            Self::CommunityBanner => "SELECT banner_file_id FROM communities WHERE id = $1",
            Self::GroupIcon => "SELECT icon_file_id FROM community_groups WHERE id = $1",
            Self::GroupBanner => "SELECT banner_file_id FROM community_groups WHERE id = $1",
        }
    }

    fn update_sql(self) -> &'static str {
        match self {
            Self::UserAvatar => "UPDATE users SET avatar_file_id = $2 WHERE id = $1",
            Self::UserBanner => "UPDATE users SET banner_file_id = $2 WHERE id = $1",
            Self::CommunityIcon => "UPDATE communities SET icon_file_id = $2 WHERE id = $1",
            Self::CommunityBanner => "UPDATE communities SET banner_file_id = $2 WHERE id = $1",
            Self::GroupIcon => "UPDATE community_groups SET icon_file_id = $2 WHERE id = $1",
            Self::GroupBanner => "UPDATE community_groups SET banner_file_id = $2 WHERE id = $1",
        }
    }
}

/// What anyone who shares a community or a DM with a user sees of them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProfileCard {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub avatar_file_id: Option<Uuid>,
    pub banner_file_id: Option<Uuid>,
    pub bio: Option<String>,
    pub pronouns: Option<String>,
    pub custom_status: Option<String>,
    /// When their last connection closed, unless they hide it.
    pub last_seen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Conn<'_> {
    /// The image a slot points at (`None` also when the owner does not exist).
    pub async fn image(&mut self, column: ImageColumn, owner: Uuid) -> StoreResult<Option<Uuid>> {
        let found: Option<Option<Uuid>> = db_run!(self, |e| {
            sqlx::query_scalar(column.select_sql())
                .bind(owner)
                .fetch_optional(e)
                .await?
        });
        Ok(found.flatten())
    }

    /// Points a slot at a file (or at nothing); false when the owner is gone.
    pub async fn set_image(
        &mut self,
        column: ImageColumn,
        owner: Uuid,
        file: Option<Uuid>,
    ) -> StoreResult<bool> {
        let updated = db_run!(self, |e| {
            sqlx::query(column.update_sql())
                .bind(owner)
                .bind(file)
                .execute(e)
                .await?
                .rows_affected()
        });
        super::access_changed();
        Ok(updated == 1)
    }

    /// A user's card, if `viewer` is them, shares a community or a DM with them,
    /// or `any_viewer` is set (instance staff).
    pub async fn profile_card(
        &mut self,
        user_id: Uuid,
        viewer: Uuid,
        any_viewer: bool,
    ) -> StoreResult<Option<ProfileCard>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT u.id, u.username, u.display_name, u.avatar_file_id, u.banner_file_id, \
                 u.bio, u.pronouns, u.custom_status, \
                 CASE WHEN u.show_last_seen THEN u.last_seen_at END AS last_seen_at, u.created_at FROM users u \
                 WHERE u.id = $1 AND ($3 OR u.id = $2 \
                 OR EXISTS (SELECT 1 FROM community_members a JOIN community_members b \
                    ON b.community_id = a.community_id WHERE a.user_id = $1 AND b.user_id = $2) \
                 OR EXISTS (SELECT 1 FROM dm_members a JOIN dm_members b \
                    ON b.channel_id = a.channel_id WHERE a.user_id = $1 AND b.user_id = $2))",
            )
            .bind(user_id)
            .bind(viewer)
            .bind(any_viewer)
            .fetch_optional(e)
            .await?
        }))
    }
}
