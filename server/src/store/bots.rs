//! Bot accounts and their API tokens.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::users::user_flags;
use super::{Conn, StoreResult, User, db_run};

/// A bot with its owner's name, as lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BotRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub owner_id: Uuid,
    pub owner_username: String,
    pub avatar_file_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, sqlx::FromRow)]
struct TokenUserRow {
    t_id: Uuid,
    #[sqlx(flatten)]
    user: User,
}

macro_rules! select_bots {
    ($rest:literal) => {
        concat!(
            "SELECT b.id, b.username, b.display_name, o.id AS owner_id, o.username AS owner_username, \
             b.avatar_file_id, b.created_at FROM users b JOIN users o ON o.id = b.bot_owner_id \
             WHERE b.bot_kind = 'bot' ",
            $rest
        )
    };
}

macro_rules! select_token_user {
    ($rest:literal) => {
        concat!(
            "SELECT t.id AS t_id, u.id, u.username, u.display_name, u.email, u.password_hash, \
             u.recovery_code_hash, u.instance_role, u.bio, u.pronouns, u.custom_status, \
             u.avatar_file_id, u.banner_file_id, u.suspended_at, u.suspended_reason, u.read_receipts, u.show_last_seen, \
             u.created_at, u.updated_at, u.bot_kind, u.bot_owner_id, ",
            user_flags!(),
            " FROM bot_tokens t JOIN users u ON u.id = t.bot_id ",
            $rest
        )
    };
}

impl Conn<'_> {
    /// Makes a freshly inserted account a bot (`bot` or `webhook`) of `owner_id`.
    pub async fn mark_bot(&mut self, user_id: Uuid, kind: &str, owner_id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE users SET bot_kind = $2, bot_owner_id = $3 WHERE id = $1")
                .bind(user_id)
                .bind(kind)
                .bind(owner_id)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn set_display_name(
        &mut self,
        user_id: Uuid,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE users SET display_name = $2, updated_at = $3 WHERE id = $1")
                .bind(user_id)
                .bind(display_name)
                .bind(now)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    /// Replaces every token of a bot with one.
    pub async fn replace_bot_token(
        &mut self,
        id: Uuid,
        bot_id: Uuid,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM bot_tokens WHERE bot_id = $1")
                .bind(bot_id)
                .execute(&mut *e)
                .await?;
            sqlx::query(
                "INSERT INTO bot_tokens (id, bot_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(bot_id)
            .bind(token_hash)
            .bind(now)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// The bot account of a token, by the token's hash; returns (token ID, bot).
    pub async fn bot_by_token_hash(&mut self, hash: &str) -> StoreResult<Option<(Uuid, User)>> {
        let row: Option<TokenUserRow> = db_run!(self, |e| {
            sqlx::query_as(select_token_user!("WHERE t.token_hash = $1"))
                .bind(hash)
                .fetch_optional(e)
                .await?
        });
        Ok(row.map(|r| (r.t_id, r.user)))
    }

    /// The bot account of a token that still exists, by the token's ID.
    pub async fn bot_by_token_id(&mut self, token_id: Uuid) -> StoreResult<Option<User>> {
        let row: Option<TokenUserRow> = db_run!(self, |e| {
            sqlx::query_as(select_token_user!("WHERE t.id = $1"))
                .bind(token_id)
                .fetch_optional(e)
                .await?
        });
        Ok(row.map(|r| r.user))
    }

    pub async fn bot(&mut self, id: Uuid) -> StoreResult<Option<BotRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_bots!("AND b.id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn bots_of_owner(&mut self, owner_id: Uuid) -> StoreResult<Vec<BotRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_bots!("AND b.bot_owner_id = $1 ORDER BY b.id"))
                .bind(owner_id)
                .fetch_all(e)
                .await?
        }))
    }

    pub async fn all_bots(&mut self) -> StoreResult<Vec<BotRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_bots!("ORDER BY b.id"))
                .fetch_all(e)
                .await?
        }))
    }

    pub async fn community_bots(&mut self, community_id: Uuid) -> StoreResult<Vec<BotRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_bots!(
                "AND EXISTS (SELECT 1 FROM community_members m WHERE m.user_id = b.id AND m.community_id = $1) \
                 ORDER BY b.id"
            ))
            .bind(community_id)
            .fetch_all(e)
            .await?
        }))
    }
}
