//! Security headers on every response (SEC-1), exactly as the seed lists them.

use axum::http::{HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// What the web client needs and nothing more: its own scripts and styles (Svelte
/// injects style attributes), images from itself, data/blob URLs and HTTPS (link
/// previews, GIFs), media from itself and blobs (voice/video, uploads), and
/// connections to itself including the WebSocket.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
script-src 'self'; \
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
frame-ancestors 'none'";

/// (header, value) pairs of the seed's table.
pub const SECURITY_HEADERS: [(&str, &str); 7] = [
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
    ("content-security-policy", CONTENT_SECURITY_POLICY),
];

/// One layer per header; each overrides whatever an inner layer set.
pub fn layers() -> impl Iterator<Item = SetResponseHeaderLayer<HeaderValue>> {
    SECURITY_HEADERS.iter().map(|(name, value)| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    })
}
