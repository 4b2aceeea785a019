//! Groups inside a community and their members.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Group {
    pub id: Uuid,
    pub community_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub visibility: String,
    pub assigned_to: Option<Uuid>,
    pub accent_color: Option<String>,
    pub position: i32,
    pub icon_file_id: Option<Uuid>,
    pub banner_file_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupMember {
    pub group_id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub joined_at: DateTime<Utc>,
}

/// A group member with account names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupMemberProfile {
    #[sqlx(flatten)]
    pub member: GroupMember,
    pub username: String,
    pub display_name: String,
    pub avatar_file_id: Option<Uuid>,
}

/// A group seen by one user: whether they belong to it and with what role.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupForUser {
    #[sqlx(flatten)]
    pub group: Group,
    pub my_role: Option<String>,
}

macro_rules! select_groups {
    ($rest:literal) => {
        concat!(
            "SELECT g.id, g.community_id, g.name, g.description, g.visibility, g.assigned_to, g.accent_color, \
             g.position, g.icon_file_id, g.banner_file_id, g.created_at, g.updated_at FROM community_groups g ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_group(&mut self, g: &Group) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO community_groups (id, community_id, name, description, visibility, assigned_to, \
                 accent_color, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(g.id)
            .bind(g.community_id)
            .bind(&g.name)
            .bind(&g.description)
            .bind(&g.visibility)
            .bind(g.assigned_to)
            .bind(&g.accent_color)
            .bind(g.position)
            .bind(g.created_at)
            .bind(g.updated_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn group(&mut self, id: Uuid) -> StoreResult<Option<Group>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_groups!("WHERE g.id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn count_groups(&mut self, community_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as("SELECT COUNT(*) FROM community_groups WHERE community_id = $1")
                .bind(community_id)
                .fetch_one(e)
                .await?
        });
        Ok(count)
    }

    /// Every group of a community with the user's role in each (if any), in order.
    pub async fn groups_for_user(
        &mut self,
        community_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<Vec<GroupForUser>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT g.id, g.community_id, g.name, g.description, g.visibility, g.assigned_to, g.accent_color, \
                 g.position, g.icon_file_id, g.banner_file_id, g.created_at, g.updated_at, gm.role AS my_role \
                 FROM community_groups g LEFT JOIN group_members gm ON gm.group_id = g.id AND gm.user_id = $2 \
                 WHERE g.community_id = $1 ORDER BY g.position, g.id",
            )
            .bind(community_id)
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn update_group(&mut self, g: &Group) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE community_groups SET name = $2, description = $3, visibility = $4, accent_color = $5, \
                 position = $6, updated_at = $7 WHERE id = $1",
            )
            .bind(g.id)
            .bind(&g.name)
            .bind(&g.description)
            .bind(&g.visibility)
            .bind(&g.accent_color)
            .bind(g.position)
            .bind(g.updated_at)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn delete_group(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM community_groups WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn group_member(
        &mut self,
        group_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<Option<GroupMember>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as("SELECT group_id, user_id, role, joined_at FROM group_members WHERE group_id = $1 AND user_id = $2")
                .bind(group_id)
                .bind(user_id)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn group_members(&mut self, group_id: Uuid) -> StoreResult<Vec<GroupMemberProfile>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT gm.group_id, gm.user_id, gm.role, gm.joined_at, u.username, u.display_name, u.avatar_file_id \
                 FROM group_members gm JOIN users u ON u.id = gm.user_id WHERE gm.group_id = $1 ORDER BY gm.user_id",
            )
            .bind(group_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Adds or changes a group membership.
    pub async fn upsert_group_member(&mut self, m: &GroupMember) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (group_id, user_id) DO UPDATE SET role = $3",
            )
            .bind(m.group_id)
            .bind(m.user_id)
            .bind(&m.role)
            .bind(m.joined_at)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn remove_group_member(
        &mut self,
        group_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
                .bind(group_id)
                .bind(user_id)
                .execute(e)
                .await?
                .rows_affected()
        });
        super::access_changed();
        Ok(deleted == 1)
    }

    /// Puts a user into every public group of a community (on joining it).
    pub async fn join_public_groups(
        &mut self,
        community_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, role, joined_at) \
                 SELECT id, $2, 'member', $3 FROM community_groups WHERE community_id = $1 AND visibility = 'public' \
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(community_id)
            .bind(user_id)
            .bind(now)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    /// Puts every community member into a (new, public) group.
    pub async fn add_all_community_members(
        &mut self,
        group_id: Uuid,
        community_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, role, joined_at) \
                 SELECT $1, user_id, 'member', $3 FROM community_members WHERE community_id = $2 \
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(group_id)
            .bind(community_id)
            .bind(now)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }
}
