//! GIF search (INT-1): search and trending through Giphy with the server's key,
//! which never reaches clients; answers are cached for a while, each person's
//! uncached searches are rate limited, and the content rating is an instance
//! setting. Without `GIPHY_API_KEY` the feature is off (`gifs_enabled: false`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use quick_cache::sync::Cache;

use super::error::{Error, ErrorKind, Result};
use super::rate::UserRate;
use super::{Actor, Core, validate};
use crate::api::{GifPageView, GifView};
use crate::config::Config;
use crate::integrations::giphy::{GifPage, GifQuery, Giphy};
use crate::store::SettingKey;

/// Content ratings Giphy knows, mildest first.
pub const RATINGS: &[&str] = &["g", "pg", "pg-13", "r"];
pub const DEFAULT_RATING: &str = "pg";
const QUERY_MAX: usize = 100;
const LIMIT_DEFAULT: u32 = 24;
const LIMIT_MAX: u32 = 50;
const OFFSET_MAX: u32 = 4999;
/// How long an answer is served from the cache.
const FRESH_FOR: Duration = Duration::from_secs(600);
const SEARCHES_PER_MINUTE: u32 = 30;

pub struct Gifs {
    giphy: Option<Giphy>,
    cache: Cache<GifQuery, (Instant, Arc<GifPage>)>,
    searches: UserRate,
}

impl Gifs {
    pub fn new(config: &Config) -> anyhow::Result<Gifs> {
        let giphy = config
            .integrations
            .giphy_api_key
            .clone()
            .map(|key| Giphy::new(&config.tuning.giphy_api_base, key))
            .transpose()?;
        let per_minute = std::num::NonZeroU32::new(SEARCHES_PER_MINUTE).expect("non-zero");
        Ok(Gifs {
            giphy,
            cache: Cache::new(1000),
            searches: UserRate::new(governor::Quota::per_minute(per_minute)),
        })
    }
}

fn disabled() -> Error {
    Error::not_found("gifs_disabled", "GIF search is not set up on this server")
}

impl Core {
    pub fn gifs_enabled(&self) -> bool {
        self.gifs.giphy.is_some()
    }

    /// A page of search results for `query`, or of trending GIFs without one.
    pub async fn search_gifs(
        &self,
        actor: &Actor,
        query: Option<&str>,
        limit: Option<u32>,
        offset: Option<u32>,
    ) -> Result<GifPageView> {
        let giphy = self.gifs.giphy.as_ref().ok_or_else(disabled)?;
        let query = match query.map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => Some(validate::name("q", q, QUERY_MAX)?),
            None => None,
        };
        let limit = limit.unwrap_or(LIMIT_DEFAULT);
        if !(1..=LIMIT_MAX).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("limit must be 1 to {LIMIT_MAX}"),
            ));
        }
        let offset = offset.unwrap_or(0);
        if offset > OFFSET_MAX {
            return Err(Error::invalid(
                "offset",
                format!("offset must be 0 to {OFFSET_MAX}"),
            ));
        }
        let key = GifQuery {
            query,
            limit,
            offset,
            rating: self.gif_rating().await?,
        };
        let page = match self.gifs.cache.get(&key) {
            Some((at, page)) if at.elapsed() < FRESH_FOR => page,
            _ => {
                self.gifs
                    .searches
                    .check(actor.id(), "too many GIF searches; try again shortly")?;
                let page = giphy.fetch(&key).await.map_err(|e| {
                    tracing::warn!(error = %e, "GIF search failed");
                    Error::client(
                        ErrorKind::Unavailable,
                        "gifs_unavailable",
                        "GIF search is not answering; try again later",
                    )
                })?;
                let page = Arc::new(page);
                self.gifs.cache.insert(key, (Instant::now(), page.clone()));
                page
            }
        };
        Ok(GifPageView {
            gifs: page
                .gifs
                .iter()
                .map(|g| GifView {
                    id: g.id.clone(),
                    title: g.title.clone(),
                    url: g.url.clone(),
                    preview_url: g.preview_url.clone(),
                    width: g.width,
                    height: g.height,
                })
                .collect(),
            next_offset: page.next_offset,
        })
    }

    /// The instance's GIF content rating.
    pub(crate) async fn gif_rating(&self) -> Result<String> {
        let mut conn = self.db.acquire().await?;
        let stored: Option<String> = conn.conn().setting(SettingKey::GifRating).await?;
        Ok(stored
            .filter(|r| RATINGS.contains(&r.as_str()))
            .unwrap_or_else(|| DEFAULT_RATING.to_owned()))
    }
}
