//! What a page says about itself: OpenGraph and Twitter card tags, falling back to
//! `<title>` and the description meta tag; and which links a message holds.

use scraper::{Html, Selector};
use url::Url;

/// The URLs previewed for one message at most.
pub const LINKS_PER_MESSAGE: usize = 3;
const TITLE_MAX: usize = 300;
const DESCRIPTION_MAX: usize = 500;
const SITE_NAME_MAX: usize = 100;
const URL_MAX: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Card {
    pub title: Option<String>,
    pub description: Option<String>,
    pub site_name: Option<String>,
    pub image: Option<Url>,
}

impl Card {
    /// A card worth showing names the page at least.
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.description.is_none()
    }
}

/// Reads the card of an HTML page fetched from `base`.
pub fn parse(html: &str, base: &Url) -> Card {
    let document = Html::parse_document(html);
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|key| {
            let selector =
                Selector::parse(&format!("meta[property=\"{key}\"], meta[name=\"{key}\"]")).ok()?;
            document
                .select(&selector)
                .filter_map(|m| m.value().attr("content"))
                .map(clean)
                .find(|v| !v.is_empty())
        })
    };
    let title_tag = Selector::parse("title").ok().and_then(|s| {
        document
            .select(&s)
            .next()
            .map(|t| clean(&t.text().collect::<String>()))
            .filter(|t| !t.is_empty())
    });
    let image = meta(&[
        "og:image:secure_url",
        "og:image",
        "og:image:url",
        "twitter:image",
    ])
    .and_then(|src| base.join(&src).ok())
    .filter(|u| matches!(u.scheme(), "http" | "https") && u.as_str().len() <= URL_MAX);
    Card {
        title: meta(&["og:title", "twitter:title"])
            .or(title_tag)
            .map(|t| cut(t, TITLE_MAX)),
        description: meta(&["og:description", "twitter:description", "description"])
            .map(|d| cut(d, DESCRIPTION_MAX)),
        site_name: meta(&["og:site_name"]).map(|s| cut(s, SITE_NAME_MAX)),
        image,
    }
}

/// The distinct http(s) links of a message's text, outside code, in order.
pub fn links_in(text: &str) -> Vec<Url> {
    let prose = without_code(text);
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut links: Vec<Url> = Vec::new();
    for link in finder.links(&prose) {
        let Ok(mut url) = Url::parse(link.as_str()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") || url.as_str().len() > URL_MAX {
            continue;
        }
        url.set_fragment(None);
        if !links.contains(&url) {
            links.push(url);
        }
        if links.len() == LINKS_PER_MESSAGE {
            break;
        }
    }
    links
}

/// The text with fenced blocks and inline code spans blanked out.
fn without_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            out.push('\n');
            continue;
        }
        if in_fence {
            out.push('\n');
            continue;
        }
        let mut in_span = false;
        for ch in line.chars() {
            if ch == '`' {
                in_span = !in_span;
                out.push(' ');
            } else {
                out.push(if in_span { ' ' } else { ch });
            }
        }
        out.push('\n');
    }
    out
}

/// One line, control characters removed, spaces collapsed.
fn clean(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn cut(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.org/posts/1").unwrap()
    }

    #[test]
    fn prefers_opengraph_then_twitter_then_title() {
        let html = r#"<html><head><title>Plain title</title>
            <meta property="og:title" content="  The   OG title ">
            <meta name="twitter:description" content="From twitter">
            <meta name="description" content="Plain description">
            <meta property="og:site_name" content="Example">
            <meta property="og:image" content="/img/card.png">
            </head><body></body></html>"#;
        let card = parse(html, &base());
        assert_eq!(card.title.as_deref(), Some("The OG title"));
        assert_eq!(card.description.as_deref(), Some("From twitter"));
        assert_eq!(card.site_name.as_deref(), Some("Example"));
        assert_eq!(
            card.image.unwrap().as_str(),
            "https://example.org/img/card.png"
        );
    }

    #[test]
    fn falls_back_to_the_title_tag_and_drops_odd_images() {
        let html = "<title>\n Only\ttitle </title><meta property=\"og:image\" content=\"javascript:alert(1)\">";
        let card = parse(html, &base());
        assert_eq!(card.title.as_deref(), Some("Only title"));
        assert_eq!(card.description, None);
        assert_eq!(card.image, None);
        assert!(parse("<p>nothing</p>", &base()).is_empty());
    }

    #[test]
    fn long_texts_are_cut() {
        let long = "é".repeat(1000);
        let html = format!("<meta property=\"og:title\" content=\"{long}\">");
        let title = parse(&html, &base()).title.unwrap();
        assert_eq!(title.chars().count(), TITLE_MAX + 1);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn finds_links_outside_code_once_each() {
        let text = "see https://a.example/x#frag and (https://b.example/y), \
                    `https://code.example` https://a.example/x again\n\
                    ```\nhttps://fenced.example\n```\nftp://no.example https://c.example https://d.example";
        let links: Vec<String> = links_in(text).into_iter().map(String::from).collect();
        assert_eq!(
            links,
            [
                "https://a.example/x",
                "https://b.example/y",
                "https://c.example/"
            ]
        );
    }
}
