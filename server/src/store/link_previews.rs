//! The cache of link previews: one row per URL, refreshed when stale.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkPreview {
    pub id: Uuid,
    pub url: String,
    /// Whether the page had a card; `false` rows remember a failure for a while.
    pub found: bool,
    pub title: Option<String>,
    pub description: Option<String>,
    pub site_name: Option<String>,
    pub image_url: Option<String>,
    pub fetched_at: DateTime<Utc>,
}

macro_rules! select_previews {
    ($rest:literal) => {
        concat!(
            "SELECT id, url, found, title, description, site_name, image_url, fetched_at FROM link_previews ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn link_preview_by_url(&mut self, url: &str) -> StoreResult<Option<LinkPreview>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_previews!("WHERE url = $1"))
                .bind(url)
                .fetch_optional(e)
                .await?
        }))
    }

    pub async fn link_preview(&mut self, id: Uuid) -> StoreResult<Option<LinkPreview>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_previews!("WHERE id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    /// Inserts or refreshes the row of `p.url`; an existing row keeps its ID.
    pub async fn save_link_preview(&mut self, p: &LinkPreview) -> StoreResult<LinkPreview> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO link_previews (id, url, found, title, description, site_name, image_url, fetched_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (url) DO UPDATE SET found = excluded.found, title = excluded.title, \
                 description = excluded.description, site_name = excluded.site_name, \
                 image_url = excluded.image_url, fetched_at = excluded.fetched_at",
            )
            .bind(p.id)
            .bind(&p.url)
            .bind(p.found)
            .bind(&p.title)
            .bind(&p.description)
            .bind(&p.site_name)
            .bind(&p.image_url)
            .bind(p.fetched_at)
            .execute(e)
            .await?;
        });
        Ok(self
            .link_preview_by_url(&p.url)
            .await?
            .unwrap_or_else(|| p.clone()))
    }
}
