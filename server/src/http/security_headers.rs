//! Security headers on every response (SEC-1), exactly as the seed lists them.

use axum::http::{HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// What the web client needs and nothing more: its own scripts (plus the hashes of
/// the inline bootstrap scripts of its `index.html`) and styles (Svelte injects
/// style attributes), images from itself, data/blob URLs and HTTPS (link previews,
/// GIFs), media from itself and blobs (voice/video, uploads), and connections to
/// itself including the WebSocket.
pub fn content_security_policy(inline_script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self'");
    for hash in inline_script_hashes {
        script_src.push_str(&format!(" 'sha256-{hash}'"));
    }
    format!(
        "default-src 'self'; \
         script-src {script_src}; \
         style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob: https:; \
         media-src 'self' blob:; \
         font-src 'self' data:; \
         connect-src 'self' ws: wss:; \
         worker-src 'self' blob:; \
         manifest-src 'self'; \
         object-src 'none'; \
         base-uri 'self'; \
         form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// (header, value) pairs of the seed's table, except the CSP (see above).
pub const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("x-xss-protection", "1; mode=block"),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "permissions-policy",
        "camera=(self), microphone=(self), geolocation=()",
    ),
];

/// One layer per header; each overrides whatever an inner layer set.
pub fn layers(csp: &str) -> anyhow::Result<Vec<SetResponseHeaderLayer<HeaderValue>>> {
    let mut layers: Vec<_> = SECURITY_HEADERS
        .iter()
        .map(|(name, value)| {
            SetResponseHeaderLayer::overriding(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            )
        })
        .collect();
    // Responses with a policy of their own (uploaded files) keep it.
    layers.push(SetResponseHeaderLayer::if_not_present(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_str(csp)?,
    ));
    Ok(layers)
}
