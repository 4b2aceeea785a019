//! Incoming webhooks of channels.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Webhook {
    pub id: Uuid,
    pub channel_id: Uuid,
    /// The account its messages are authored by.
    pub user_id: Uuid,
    pub name: String,
    /// SHA-256 (hex) of the secret in its URL.
    pub token_hash: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

macro_rules! select_webhooks {
    ($rest:literal) => {
        concat!(
            "SELECT id, channel_id, user_id, name, token_hash, created_by, created_at, last_used_at \
             FROM webhooks ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_webhook(&mut self, w: &Webhook) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO webhooks (id, channel_id, user_id, name, token_hash, created_by, created_at, last_used_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(w.id)
            .bind(w.channel_id)
            .bind(w.user_id)
            .bind(&w.name)
            .bind(&w.token_hash)
            .bind(w.created_by)
            .bind(w.created_at)
            .bind(w.last_used_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn webhook(&mut self, id: Uuid) -> StoreResult<Option<Webhook>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_webhooks!("WHERE id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn channel_webhooks(&mut self, channel_id: Uuid) -> StoreResult<Vec<Webhook>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_webhooks!("WHERE channel_id = $1 ORDER BY id"))
                .bind(channel_id)
                .fetch_all(e)
                .await?
        }))
    }

    pub async fn count_channel_webhooks(&mut self, channel_id: Uuid) -> StoreResult<i64> {
        let (count,): (i64,) = db_run!(self, |e| {
            sqlx::query_as("SELECT COUNT(*) FROM webhooks WHERE channel_id = $1")
                .bind(channel_id)
                .fetch_one(e)
                .await?
        });
        Ok(count)
    }

    /// Saves the name, token and last use of a webhook.
    pub async fn update_webhook(&mut self, w: &Webhook) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE webhooks SET name = $2, token_hash = $3, last_used_at = $4 WHERE id = $1",
            )
            .bind(w.id)
            .bind(&w.name)
            .bind(&w.token_hash)
            .bind(w.last_used_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn delete_webhook(&mut self, id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM webhooks WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?;
        });
        Ok(())
    }
}
