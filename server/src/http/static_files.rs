//! The web client: files under `STATIC_FILES_PATH`, with `index.html` for every
//! other path so client-side routes load the app. Hashed build assets are cached
//! for a year; `index.html` is always revalidated. When no client is built, a
//! small built-in page says so.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, Response};
use tower_http::services::{ServeDir, ServeFile};

const PLACEHOLDER_PAGE: &str = include_str!("placeholder.html");

/// A router that serves the client from `dir` (or the placeholder page).
pub fn router(dir: &Path) -> Router {
    let index = dir.join("index.html");
    let router = if index.is_file() {
        let files = ServeDir::new(dir)
            .append_index_html_on_directories(true)
            .precompressed_gzip()
            .precompressed_br()
            .fallback(ServeFile::new(index));
        Router::new()
            .fallback_service(files)
            .layer(axum::middleware::from_fn(cache_control))
    } else {
        tracing::warn!(path = %dir.display(), "no web client found (index.html missing); serving a placeholder page");
        Router::new().fallback(|| async { Html(PLACEHOLDER_PAGE) })
    };
    router.layer(axum::middleware::from_fn(never_for_api_paths))
}

/// Whatever path shapes slip past the `/api` nest (e.g. `/api/`), an API path is
/// never answered with the app.
async fn never_for_api_paths(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return super::fallback::api_not_found().await;
    }
    next.run(request).await
}

/// SHA-256 (base64) of each inline `<script>` of the client's `index.html`, for the
/// CSP: SvelteKit starts the app with one. Read once at start-up, so a rebuilt client
/// needs a server restart.
pub fn inline_script_hashes(dir: &Path) -> Vec<String> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let Ok(html) = std::fs::read_to_string(dir.join("index.html")) else {
        return Vec::new();
    };
    let mut hashes = Vec::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(body_len) = rest[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let body = &rest[body_start..body_start + body_len];
            hashes.push(
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes())),
            );
        }
        rest = &rest[body_start + body_len..];
    }
    hashes
}

/// SvelteKit puts content-hashed files under `/_app/immutable/`.
async fn cache_control(request: Request, next: Next) -> Response {
    let immutable = request.uri().path().starts_with("/_app/immutable/");
    let mut response = next.run(request).await;
    let value = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let dir = tempfile::tempdir().unwrap();
        let html = "<html><script type=\"module\" src=\"/a.js\"></script><script>\n  start();\n</script><script>x()</script></html>";
        std::fs::write(dir.path().join("index.html"), html).unwrap();
        let hashes = inline_script_hashes(dir.path());
        assert_eq!(hashes.len(), 2);
        // echo -n 'x()' | openssl dgst -sha256 -binary | base64
        assert_eq!(hashes[1], "D6IGS8VMvCoyaR/l0h9tERrBTATY01CoPS7l6xDv0kI=");
        assert!(inline_script_hashes(&dir.path().join("missing")).is_empty());
    }
}
