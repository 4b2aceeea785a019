//! Instance-wide key/value settings.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::types::Json;

use super::{Conn, StoreResult, db_run};

/// The keys in use; one place so no two features pick the same name.
#[derive(Debug, Clone, Copy)]
pub enum SettingKey {
    /// The user ID of the instance owner: inserted once, by the first account.
    OwnerUserId,
    /// SHA-256 (hex) of the one-time setup code of a fresh instance.
    SetupCodeHash,
    /// Whether community staff's invites also admit new people to an invite-only
    /// server (a bool; absent means yes).
    CommunityInvitesAdmit,
    /// The content rating GIF search asks Giphy for (`g`, `pg`, `pg-13`, `r`).
    GifRating,
}

impl SettingKey {
    fn as_str(self) -> &'static str {
        match self {
            SettingKey::OwnerUserId => "owner_user_id",
            SettingKey::SetupCodeHash => "setup_code_hash",
            SettingKey::CommunityInvitesAdmit => "community_invites_admit_new_accounts",
            SettingKey::GifRating => "gif_rating",
        }
    }
}

impl Conn<'_> {
    pub async fn setting<T: DeserializeOwned + Send + Unpin + 'static>(
        &mut self,
        key: SettingKey,
    ) -> StoreResult<Option<T>> {
        let row: Option<(Json<T>,)> = db_run!(self, |e| {
            sqlx::query_as("SELECT value FROM instance_settings WHERE key = $1")
                .bind(key.as_str())
                .fetch_optional(e)
                .await?
        });
        Ok(row.map(|(Json(value),)| value))
    }

    pub async fn put_setting<T: Serialize + Sync>(
        &mut self,
        key: SettingKey,
        value: &T,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3",
            )
            .bind(key.as_str())
            .bind(Json(value))
            .bind(now)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Inserts a setting only if absent; true when this call inserted it.
    pub async fn claim_setting<T: Serialize + Sync>(
        &mut self,
        key: SettingKey,
        value: &T,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let inserted = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(key.as_str())
            .bind(Json(value))
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    pub async fn delete_setting(&mut self, key: SettingKey) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM instance_settings WHERE key = $1")
                .bind(key.as_str())
                .execute(e)
                .await?;
        });
        Ok(())
    }
}
