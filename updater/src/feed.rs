//! The release feed: a JSON document listing releases, each an image pinned by digest.
//!
//! ```json
//! {"releases": [{"version": "0.2.0", "image": "ghcr.io/chatalot/chatalot",
//!   "digest": "sha256:…", "published_at": "2026-12-01T10:00:00Z", "notes": "…"}]}
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub version: semver::Version,
    pub image: String,
    pub digest: String,
    #[serde(default)]
    pub published_at: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Release {
    /// What is pulled and run: the image pinned to its digest.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.image, self.digest)
    }
}

#[derive(Debug, Deserialize)]
struct Feed {
    releases: Vec<Release>,
}

/// Parses a feed; releases with a malformed digest are refused (an update must be
/// pinned), and the result is newest first.
pub fn parse(text: &[u8]) -> Result<Vec<Release>, String> {
    let feed: Feed =
        serde_json::from_slice(text).map_err(|e| format!("not a release feed: {e}"))?;
    let mut releases = feed.releases;
    for release in &releases {
        let hex = release.digest.strip_prefix("sha256:").unwrap_or_default();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "release {}: digest must be sha256:<64 hex digits>",
                release.version
            ));
        }
        if release.image.is_empty()
            || release.image.contains('@')
            || release.image.contains(char::is_whitespace)
        {
            return Err(format!("release {}: bad image name", release.version));
        }
    }
    releases.sort_by(|a, b| b.version.cmp(&a.version));
    Ok(releases)
}

/// The releases newer than `current`, newest first. None when the running version is
/// unknown: an older release could be a downgrade the database cannot go back to.
pub fn newer_than(releases: &[Release], current: Option<&semver::Version>) -> Vec<Release> {
    let Some(current) = current else {
        return Vec::new();
    };
    releases
        .iter()
        .filter(|r| r.version > *current)
        .cloned()
        .collect()
}

pub async fn fetch(client: &reqwest::Client, url: &url::Url) -> Result<Vec<Release>, String> {
    let response = client
        .get(url.clone())
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .map_err(|e| format!("cannot fetch the release feed: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("the release feed answered {}", response.status()));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("cannot read the release feed: {e}"))?;
    parse(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn releases_newer_than_the_running_one_newest_first() {
        let text = format!(
            r#"{{"releases":[{{"version":"0.1.0","image":"r/c","digest":"{DIGEST}"}},{{"version":"0.3.0","image":"r/c","digest":"{DIGEST}"}},{{"version":"0.2.0-rc.1","image":"r/c","digest":"{DIGEST}"}}]}}"#
        );
        let releases = parse(text.as_bytes()).unwrap();
        let current = semver::Version::new(0, 1, 0);
        let newer: Vec<String> = newer_than(&releases, Some(&current))
            .iter()
            .map(|r| r.version.to_string())
            .collect();
        assert_eq!(newer, ["0.3.0", "0.2.0-rc.1"]);
        assert!(
            newer_than(&releases, None).is_empty(),
            "unknown version: nothing is offered"
        );
        assert_eq!(releases[0].reference(), format!("r/c@{DIGEST}"));
    }

    #[test]
    fn unpinned_or_malformed_feeds_are_refused() {
        assert!(parse(b"[]").is_err());
        let tag = r#"{"releases":[{"version":"1.0.0","image":"r/c","digest":"latest"}]}"#;
        assert!(parse(tag.as_bytes()).unwrap_err().contains("digest"));
        let bad_version =
            format!(r#"{{"releases":[{{"version":"one","image":"r/c","digest":"{DIGEST}"}}]}}"#);
        assert!(parse(bad_version.as_bytes()).is_err());
    }
}
