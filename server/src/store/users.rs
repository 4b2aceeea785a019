//! Users: accounts, profiles, instance roles.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

/// A stored account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub recovery_code_hash: Option<String>,
    pub instance_role: String,
    pub bio: Option<String>,
    pub pronouns: Option<String>,
    pub custom_status: Option<String>,
    pub avatar_file_id: Option<Uuid>,
    pub banner_file_id: Option<Uuid>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub suspended_reason: Option<String>,
    /// Whether DM partners see when this user has read their messages.
    pub read_receipts: bool,
    /// Whether people who may see this user's profile see when they were last online.
    pub show_last_seen: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A TOTP secret is enabled: signing in takes a code too.
    pub two_factor_enabled: bool,
    /// Linked to an identity at the OpenID provider.
    pub sso_linked: bool,
    /// `bot` (an owned API account) or `webhook` (a webhook's author); `None` for people.
    pub bot_kind: Option<String>,
    /// The person a `bot` belongs to (and the creator of a webhook's account).
    pub bot_owner_id: Option<Uuid>,
}

/// Everything needed to insert an account.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub recovery_code_hash: Option<&'a str>,
    pub instance_role: &'a str,
    pub now: DateTime<Utc>,
}

/// A profile change; `None` leaves the field as it is, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    pub bio: Option<Option<String>>,
    pub pronouns: Option<Option<String>>,
    pub custom_status: Option<Option<String>>,
    pub read_receipts: Option<bool>,
    pub show_last_seen: Option<bool>,
}

/// The lookup key of a username or email: case-insensitive comparisons happen on it.
pub fn normalize_key(value: &str) -> String {
    value.to_lowercase()
}

/// The computed flags of a [`User`] row, for a query whose users table is `u`.
macro_rules! user_flags {
    () => {
        "EXISTS (SELECT 1 FROM totp_secrets t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL) \
         AS two_factor_enabled, \
         EXISTS (SELECT 1 FROM oidc_identities o WHERE o.user_id = u.id) AS sso_linked"
    };
}
pub(super) use user_flags;

macro_rules! select_users {
    ($rest:literal) => {
        concat!(
            "SELECT id, username, display_name, email, password_hash, recovery_code_hash, \
             instance_role, bio, pronouns, custom_status, avatar_file_id, banner_file_id, suspended_at, suspended_reason, \
             read_receipts, show_last_seen, created_at, updated_at, bot_kind, bot_owner_id, ",
            user_flags!(),
            " FROM users u ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_user(&mut self, user: &NewUser<'_>) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO users (id, username, username_key, display_name, email, email_key, \
                 password_hash, recovery_code_hash, instance_role, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            )
            .bind(user.id)
            .bind(user.username)
            .bind(normalize_key(user.username))
            .bind(user.display_name)
            .bind(user.email)
            .bind(user.email.map(normalize_key))
            .bind(user.password_hash)
            .bind(user.recovery_code_hash)
            .bind(user.instance_role)
            .bind(user.now)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn user_by_id(&mut self, id: Uuid) -> StoreResult<Option<User>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_users!("WHERE id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    /// An account that must exist (e.g. re-read after a write); missing is `NotFound`.
    pub async fn user(&mut self, id: Uuid) -> StoreResult<User> {
        self.user_by_id(id)
            .await?
            .ok_or(super::StoreError::NotFound)
    }

    /// Finds an account by username, or by email when `login` contains `@`.
    pub async fn user_by_login(&mut self, login: &str) -> StoreResult<Option<User>> {
        let key = normalize_key(login);
        Ok(db_run!(self, |e| {
            if login.contains('@') {
                sqlx::query_as(select_users!("WHERE email_key = $1"))
                    .bind(&key)
                    .fetch_optional(e)
                    .await?
            } else {
                sqlx::query_as(select_users!("WHERE username_key = $1"))
                    .bind(&key)
                    .fetch_optional(e)
                    .await?
            }
        }))
    }

    pub async fn username_taken(&mut self, username: &str) -> StoreResult<bool> {
        let key = normalize_key(username);
        let found: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT id FROM users WHERE username_key = $1")
                .bind(&key)
                .fetch_optional(e)
                .await?
        });
        Ok(found.is_some())
    }

    /// Whether another account than `except` uses this email.
    pub async fn email_taken(&mut self, email: &str, except: Option<Uuid>) -> StoreResult<bool> {
        let key = normalize_key(email);
        let found: Option<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT id FROM users WHERE email_key = $1 AND ($2 IS NULL OR id <> $2)")
                .bind(&key)
                .bind(except)
                .fetch_optional(e)
                .await?
        });
        Ok(found.is_some())
    }

    pub async fn count_users(&mut self) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as("SELECT COUNT(*) FROM users")
                .fetch_one(e)
                .await?
        });
        Ok(count)
    }

    pub async fn set_password_hash(
        &mut self,
        id: Uuid,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(hash)
                .bind(now)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn set_recovery_code_hash(
        &mut self,
        id: Uuid,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE users SET recovery_code_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(hash)
                .bind(now)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn set_email(
        &mut self,
        id: Uuid,
        email: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE users SET email = $2, email_key = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(email)
            .bind(email.map(normalize_key))
            .bind(now)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn set_instance_role(
        &mut self,
        id: Uuid,
        role: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE users SET instance_role = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(role)
                .bind(now)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn update_profile(
        &mut self,
        id: Uuid,
        update: &ProfileUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        // Each optional field is written only when present ($n flag = true).
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE users SET \
                 display_name = COALESCE($2, display_name), \
                 bio = CASE WHEN $3 THEN $4 ELSE bio END, \
                 pronouns = CASE WHEN $5 THEN $6 ELSE pronouns END, \
                 custom_status = CASE WHEN $7 THEN $8 ELSE custom_status END, \
                 read_receipts = COALESCE($10, read_receipts), \
                 show_last_seen = COALESCE($11, show_last_seen), \
                 updated_at = $9 \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(update.display_name.as_deref())
            .bind(update.bio.is_some())
            .bind(update.bio.clone().flatten())
            .bind(update.pronouns.is_some())
            .bind(update.pronouns.clone().flatten())
            .bind(update.custom_status.is_some())
            .bind(update.custom_status.clone().flatten())
            .bind(now)
            .bind(update.read_receipts)
            .bind(update.show_last_seen)
            .execute(e)
            .await?;
        });
        super::access_changed();
        Ok(())
    }

    /// Accounts matching `query` (username, display name or email), by ID after
    /// the `after` cursor.
    pub async fn search_users(
        &mut self,
        query: Option<&str>,
        after: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<User>> {
        let pattern = query.map(super::like_pattern);
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_users!(
                "WHERE ($1 IS NULL OR username_key LIKE $1 ESCAPE '\\' OR LOWER(display_name) LIKE $1 ESCAPE '\\' \
                 OR email_key LIKE $1 ESCAPE '\\') AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
            ))
            .bind(&pattern)
            .bind(after)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn set_suspension(
        &mut self,
        id: Uuid,
        suspended_at: Option<DateTime<Utc>>,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE users SET suspended_at = $2, suspended_reason = $3, updated_at = $4 WHERE id = $1")
                .bind(id)
                .bind(suspended_at)
                .bind(reason)
                .bind(now)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    pub async fn delete_user(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM users WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        super::access_changed();
        Ok(())
    }

    /// When the user's last connection closed.
    pub async fn set_last_seen(&mut self, id: Uuid, at: DateTime<Utc>) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE users SET last_seen_at = $2 WHERE id = $1")
                .bind(id)
                .bind(at)
                .execute(e)
                .await?;
        });
        Ok(())
    }
}
