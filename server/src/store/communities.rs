//! Communities and their membership.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Community {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub welcome_message: Option<String>,
    pub visibility: String,
    pub discoverable: bool,
    pub who_can_create_invites: String,
    pub owner_id: Uuid,
    pub icon_file_id: Option<Uuid>,
    pub banner_file_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Theme overrides shown while members are in the community (COM-1): a palette
    /// name and a `#rrggbb` accent; none keeps each member's own.
    pub theme_palette: Option<String>,
    pub theme_accent: Option<String>,
}

/// A community with its member count, for lists and previews.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommunitySummary {
    #[sqlx(flatten)]
    pub community: Community,
    pub member_count: i64,
}

/// A community the user belongs to, with their role in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyCommunity {
    #[sqlx(flatten)]
    pub summary: CommunitySummary,
    pub my_role: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommunityMember {
    pub community_id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub nickname: Option<String>,
    pub timed_out_until: Option<DateTime<Utc>>,
    pub joined_at: DateTime<Utc>,
}

/// A member with the account fields a member list shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberProfile {
    #[sqlx(flatten)]
    pub member: CommunityMember,
    pub username: String,
    pub display_name: String,
    pub avatar_file_id: Option<Uuid>,
    pub bot: bool,
}

macro_rules! select_communities {
    ($rest:literal) => {
        concat!(
            "SELECT c.id, c.name, c.description, c.welcome_message, c.visibility, c.discoverable, \
             c.who_can_create_invites, c.owner_id, c.icon_file_id, c.banner_file_id, c.created_at, c.updated_at, \
             c.theme_palette, c.theme_accent, \
             (SELECT COUNT(*) FROM community_members m WHERE m.community_id = c.id) AS member_count \
             FROM communities c ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_community(&mut self, c: &Community) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO communities (id, name, description, welcome_message, visibility, discoverable, \
                 who_can_create_invites, owner_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(c.id)
            .bind(&c.name)
            .bind(&c.description)
            .bind(&c.welcome_message)
            .bind(&c.visibility)
            .bind(c.discoverable)
            .bind(&c.who_can_create_invites)
            .bind(c.owner_id)
            .bind(c.created_at)
            .bind(c.updated_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn community(&mut self, id: Uuid) -> StoreResult<Option<Community>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT id, name, description, welcome_message, visibility, discoverable, \
                 who_can_create_invites, owner_id, icon_file_id, banner_file_id, created_at, updated_at, \
                 theme_palette, theme_accent FROM communities WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn community_summary(&mut self, id: Uuid) -> StoreResult<Option<CommunitySummary>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_communities!("WHERE c.id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    /// The communities a user belongs to, oldest first.
    pub async fn communities_of_user(&mut self, user_id: Uuid) -> StoreResult<Vec<MyCommunity>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT c.id, c.name, c.description, c.welcome_message, c.visibility, c.discoverable, \
                 c.who_can_create_invites, c.owner_id, c.icon_file_id, c.banner_file_id, c.created_at, c.updated_at, \
                 c.theme_palette, c.theme_accent, \
                 (SELECT COUNT(*) FROM community_members m WHERE m.community_id = c.id) AS member_count, \
                 me.role AS my_role \
                 FROM communities c JOIN community_members me ON me.community_id = c.id AND me.user_id = $1 \
                 ORDER BY me.joined_at, c.id",
            )
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Public, discoverable communities matching `query` (by name), newest first,
    /// before the `before` cursor.
    pub async fn discoverable_communities(
        &mut self,
        query: Option<&str>,
        before: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<CommunitySummary>> {
        let pattern = query.map(super::like_pattern);
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_communities!(
                "WHERE c.visibility = 'public' AND c.discoverable \
                 AND ($1 IS NULL OR LOWER(c.name) LIKE $1 ESCAPE '\\') \
                 AND ($2 IS NULL OR c.id < $2) ORDER BY c.id DESC LIMIT $3"
            ))
            .bind(&pattern)
            .bind(before)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn update_community(&mut self, c: &Community) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE communities SET name = $2, description = $3, welcome_message = $4, visibility = $5, \
                 discoverable = $6, who_can_create_invites = $7, owner_id = $8, updated_at = $9, \
                 theme_palette = $10, theme_accent = $11 WHERE id = $1",
            )
            .bind(c.id)
            .bind(&c.name)
            .bind(&c.description)
            .bind(&c.welcome_message)
            .bind(&c.visibility)
            .bind(c.discoverable)
            .bind(&c.who_can_create_invites)
            .bind(c.owner_id)
            .bind(c.updated_at)
            .bind(&c.theme_palette)
            .bind(&c.theme_accent)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn delete_community(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM communities WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    /// How many communities a user owns (an owner cannot delete the account).
    pub async fn count_owned_communities(&mut self, user_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as("SELECT COUNT(*) FROM communities WHERE owner_id = $1")
                .bind(user_id)
                .fetch_one(e)
                .await?
        });
        Ok(count)
    }

    pub async fn insert_community_member(&mut self, m: &CommunityMember) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO community_members (community_id, user_id, role, nickname, timed_out_until, joined_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(m.community_id)
            .bind(m.user_id)
            .bind(&m.role)
            .bind(&m.nickname)
            .bind(m.timed_out_until)
            .bind(m.joined_at)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn community_member(
        &mut self,
        community_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<Option<CommunityMember>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT community_id, user_id, role, nickname, timed_out_until, joined_at \
                 FROM community_members WHERE community_id = $1 AND user_id = $2",
            )
            .bind(community_id)
            .bind(user_id)
            .fetch_optional(e)
            .await?
        }))
    }

    /// Members ordered by user ID, after the `after` cursor.
    pub async fn community_members(
        &mut self,
        community_id: Uuid,
        after: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<MemberProfile>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT m.community_id, m.user_id, m.role, m.nickname, m.timed_out_until, m.joined_at, \
                 u.username, u.display_name, u.avatar_file_id, (u.bot_kind IS NOT NULL) AS bot \
                 FROM community_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.community_id = $1 AND ($2 IS NULL OR m.user_id > $2) \
                 ORDER BY m.user_id LIMIT $3",
            )
            .bind(community_id)
            .bind(after)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn member_profile(
        &mut self,
        community_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<Option<MemberProfile>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT m.community_id, m.user_id, m.role, m.nickname, m.timed_out_until, m.joined_at, \
                 u.username, u.display_name, u.avatar_file_id, (u.bot_kind IS NOT NULL) AS bot \
                 FROM community_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.community_id = $1 AND m.user_id = $2",
            )
            .bind(community_id)
            .bind(user_id)
            .fetch_optional(e)
            .await?
        }))
    }

    pub async fn update_community_member(&mut self, m: &CommunityMember) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE community_members SET role = $3, nickname = $4, timed_out_until = $5 \
                 WHERE community_id = $1 AND user_id = $2",
            )
            .bind(m.community_id)
            .bind(m.user_id)
            .bind(&m.role)
            .bind(&m.nickname)
            .bind(m.timed_out_until)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    /// Removes a member from the community and from every group in it.
    pub async fn remove_community_member(
        &mut self,
        community_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<bool> {
        let removed = db_run!(self, |e| {
            sqlx::query(
                "DELETE FROM group_members WHERE user_id = $2 \
                 AND group_id IN (SELECT id FROM community_groups WHERE community_id = $1)",
            )
            .bind(community_id)
            .bind(user_id)
            .execute(&mut *e)
            .await?;
            sqlx::query("DELETE FROM community_members WHERE community_id = $1 AND user_id = $2")
                .bind(community_id)
                .bind(user_id)
                .execute(&mut *e)
                .await?
                .rows_affected()
        });
        super::access_changed();
        Ok(removed == 1)
    }
}
