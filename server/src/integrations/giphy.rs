//! Giphy's search and trending endpoints (`/v1/gifs/search`, `/v1/gifs/trending`).

use serde::Deserialize;

use super::{ServiceError, client, read_json};
use crate::config::Secret;

#[derive(Clone)]
pub struct Giphy {
    http: reqwest::Client,
    base: String,
    key: Secret<String>,
}

/// One GIF as the client shows it: a small preview and the one posted.
#[derive(Debug, Clone, PartialEq)]
pub struct Gif {
    pub id: String,
    pub title: String,
    pub url: String,
    pub preview_url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone)]
pub struct GifPage {
    pub gifs: Vec<Gif>,
    /// Where the next page starts, when there is one.
    pub next_offset: Option<u32>,
}

/// What to ask for: a search (`Some(query)`) or trending.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GifQuery {
    pub query: Option<String>,
    pub limit: u32,
    pub offset: u32,
    /// Giphy's content rating: `g`, `pg`, `pg-13` or `r`.
    pub rating: String,
}

impl Giphy {
    pub fn new(base: &str, key: Secret<String>) -> anyhow::Result<Giphy> {
        Ok(Giphy {
            http: client()?,
            base: base.trim_end_matches('/').to_owned(),
            key,
        })
    }

    pub async fn fetch(&self, q: &GifQuery) -> Result<GifPage, ServiceError> {
        let limit = q.limit.to_string();
        let offset = q.offset.to_string();
        let mut params = vec![
            ("api_key", self.key.expose().as_str()),
            ("limit", limit.as_str()),
            ("offset", offset.as_str()),
            ("rating", q.rating.as_str()),
        ];
        let path = match &q.query {
            Some(query) => {
                params.push(("q", query.as_str()));
                params.push(("lang", "en"));
                "search"
            }
            None => "trending",
        };
        let url = format!("{}/v1/gifs/{path}", self.base);
        let answer: Answer = read_json(self.http.get(url).query(&params).send().await).await?;
        let gifs: Vec<Gif> = answer.data.into_iter().filter_map(Item::into_gif).collect();
        let next = answer.pagination.offset + answer.pagination.count;
        let next_offset = (answer.pagination.count > 0
            && answer
                .pagination
                .total_count
                .is_none_or(|total| next < total))
        .then_some(next);
        Ok(GifPage { gifs, next_offset })
    }
}

#[derive(Deserialize)]
struct Answer {
    data: Vec<Item>,
    pagination: Pagination,
}

#[derive(Deserialize)]
struct Pagination {
    #[serde(default)]
    total_count: Option<u32>,
    count: u32,
    #[serde(default)]
    offset: u32,
}

#[derive(Deserialize)]
struct Item {
    id: String,
    #[serde(default)]
    title: String,
    images: Images,
}

#[derive(Deserialize)]
struct Images {
    fixed_height: Option<Rendition>,
    fixed_height_small: Option<Rendition>,
    fixed_width_small: Option<Rendition>,
}

#[derive(Deserialize)]
struct Rendition {
    url: String,
    #[serde(default, deserialize_with = "number_in_text")]
    width: u32,
    #[serde(default, deserialize_with = "number_in_text")]
    height: u32,
}

/// Giphy writes sizes as strings ("200").
fn number_in_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Number(u32),
    }
    Ok(match Either::deserialize(d)? {
        Either::Text(text) => text.parse().unwrap_or(0),
        Either::Number(n) => n,
    })
}

impl Item {
    fn into_gif(self) -> Option<Gif> {
        let main = self.images.fixed_height?;
        let preview = self
            .images
            .fixed_height_small
            .or(self.images.fixed_width_small)
            .map_or_else(|| main.url.clone(), |r| r.url);
        let https = |u: &str| u.starts_with("https://");
        (https(&main.url) && https(&preview)).then_some(Gif {
            id: self.id,
            title: self.title,
            url: main.url,
            preview_url: preview,
            width: main.width,
            height: main.height,
        })
    }
}
