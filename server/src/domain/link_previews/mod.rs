//! Link previews (INT-3): the title, description and image of pages linked in a
//! message, fetched by the server through the guarded outbound client
//! ([`crate::outbound`]), kept in a cache table, with images served through the
//! server so readers' browsers never contact the linked site.
//!
//! Only links that appear in a message the caller may read are fetched, so the
//! server is not a general-purpose proxy.

pub mod card;

use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use url::Url;
use uuid::Uuid;

use super::error::{Error, ErrorKind, Result};
use super::messages::message_not_found;
use super::rate::UserRate;
use super::{Actor, Core};
use crate::api::LinkPreviewView;
use crate::outbound::{FetchError, Want};
use crate::store::{self, LinkPreview};

const HTML: Want = Want {
    types: &["text/html", "application/xhtml+xml"],
    max_bytes: 512 * 1024,
    truncate: true,
};
/// Types shown as images; anything else found at an image URL is refused.
const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
const IMAGE: Want = Want {
    types: IMAGE_TYPES,
    max_bytes: 5 * 1024 * 1024,
    truncate: false,
};
/// How long a found card, and a failure, are kept before fetching again.
const FOUND_FOR: Duration = Duration::from_secs(24 * 3600);
const MISSING_FOR: Duration = Duration::from_secs(3600);
/// Bytes of proxied images kept in memory.
const IMAGE_CACHE_BYTES: u64 = 32 * 1024 * 1024;
/// Fetches one user may cause per minute (cache hits are free).
const FETCHES_PER_MINUTE: u32 = 30;

/// The preview cache's in-memory parts.
pub struct LinkPreviews {
    images: Cache<Uuid, PreviewImage, ByLength>,
    fetches: UserRate,
}

impl Default for LinkPreviews {
    fn default() -> Self {
        let per_minute = std::num::NonZeroU32::new(FETCHES_PER_MINUTE).expect("non-zero");
        LinkPreviews {
            images: Cache::with_weighter(512, IMAGE_CACHE_BYTES, ByLength),
            fetches: UserRate::new(governor::Quota::per_minute(per_minute)),
        }
    }
}

/// A preview's image, checked to be what it claims.
#[derive(Debug, Clone)]
pub struct PreviewImage {
    pub content_type: &'static str,
    pub bytes: Bytes,
}

#[derive(Clone)]
struct ByLength;

impl Weighter<Uuid, PreviewImage> for ByLength {
    fn weight(&self, _key: &Uuid, image: &PreviewImage) -> u64 {
        image.bytes.len().max(1) as u64
    }
}

impl Core {
    /// The previews of a message's links (at most three), fetching the ones not
    /// cached. Empty when the channel turned previews off.
    pub async fn message_link_previews(
        &self,
        actor: &Actor,
        message_id: Uuid,
    ) -> Result<Vec<LinkPreviewView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let (access, row) = self.readable_message(&mut c, actor, message_id).await?;
        if row.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        if !access.channel.link_previews {
            return Ok(Vec::new());
        }
        let mut previews = Vec::new();
        let mut to_fetch = Vec::new();
        for url in card::links_in(&row.message.content) {
            match c.link_preview_by_url(url.as_str()).await? {
                Some(cached) if is_fresh(&cached) => previews.push(cached),
                _ => to_fetch.push(url),
            }
        }
        drop(conn);
        if !to_fetch.is_empty() {
            self.link_previews.fetches.check(
                actor.id(),
                "too many link previews fetched; try again shortly",
            )?;
            let fetched =
                futures_util::future::join_all(to_fetch.iter().map(|url| self.fetch_card(url)))
                    .await;
            let mut conn = self.db.acquire().await?;
            let mut c = conn.conn();
            for preview in fetched {
                previews.push(c.save_link_preview(&preview).await?);
            }
        }
        Ok(previews.into_iter().filter_map(view).collect())
    }

    /// A preview's image, fetched once and then served from memory.
    pub async fn link_preview_image(&self, actor: &Actor, id: Uuid) -> Result<PreviewImage> {
        if let Some(image) = self.link_previews.images.get(&id) {
            return Ok(image);
        }
        let no_image = || Error::not_found("no_image", "this preview has no image");
        let mut conn = self.db.acquire().await?;
        let preview = conn.conn().link_preview(id).await?.ok_or_else(no_image)?;
        drop(conn);
        let source = preview
            .image_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .ok_or_else(no_image)?;
        self.link_previews.fetches.check(
            actor.id(),
            "too many link previews fetched; try again shortly",
        )?;
        let fetched = self.outbound.fetch(&source, IMAGE).await.map_err(|e| {
            tracing::debug!(url = %source, error = %e, "preview image not fetched");
            unavailable_image()
        })?;
        let sniffed = infer::get(&fetched.body).map(|t| t.mime_type());
        let content_type = IMAGE_TYPES
            .iter()
            .copied()
            .find(|t| Some(*t) == sniffed)
            .ok_or_else(unavailable_image)?;
        let image = PreviewImage {
            content_type,
            bytes: fetched.body,
        };
        self.link_previews.images.insert(id, image.clone());
        Ok(image)
    }

    /// Fetches and reads one page; a failure is remembered as a row without a card.
    async fn fetch_card(&self, url: &Url) -> LinkPreview {
        let card = match self.outbound.fetch(url, HTML).await {
            Ok(page) => card::parse(&String::from_utf8_lossy(&page.body), &page.url),
            Err(e) => {
                log_fetch_error(url, &e);
                card::Card::default()
            }
        };
        LinkPreview {
            id: store::new_id(),
            url: url.to_string(),
            found: !card.is_empty(),
            title: card.title,
            description: card.description,
            site_name: card.site_name,
            image_url: card.image.map(String::from),
            fetched_at: store::now(),
        }
    }
}

fn is_fresh(p: &LinkPreview) -> bool {
    let keep = if p.found { FOUND_FOR } else { MISSING_FOR };
    let age = Utc::now().signed_duration_since(p.fetched_at);
    age.to_std().map(|age| age < keep).unwrap_or(true)
}

fn view(p: LinkPreview) -> Option<LinkPreviewView> {
    p.found.then(|| LinkPreviewView {
        image_url: p
            .image_url
            .as_ref()
            .map(|_| format!("/api/link-previews/{}/image", p.id)),
        url: p.url,
        title: p.title,
        description: p.description,
        site_name: p.site_name,
    })
}

fn unavailable_image() -> Error {
    Error::client(
        ErrorKind::NotFound,
        "image_unavailable",
        "the preview's image could not be fetched",
    )
}

fn log_fetch_error(url: &Url, error: &FetchError) {
    match error {
        FetchError::Refused(_) | FetchError::BadUrl => {
            tracing::info!(url = %url, error = %error, "link preview refused")
        }
        _ => tracing::debug!(url = %url, error = %error, "link preview not fetched"),
    }
}
