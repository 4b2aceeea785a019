//! The HTTP edge: routers per area, extractors, middleware, the JSON error shape.
//!
//! Layering, outermost first: security headers → panic catcher → tracing →
//! compression → client IP → (API only: JSON errors for middleware answers →
//! request timeout → general rate limit → body limit → the text rule (no control
//! characters in path, query or JSON body) → auth rate limit on the credential
//! endpoints) → handler. Static files sit beside `/api` and never shadow it.

mod account;
mod admin;
mod admin_files;
mod admin_users;
mod announcements;
mod auth;
mod bots;
mod channels;
mod client_ip;
mod communities;
mod community_invites;
mod dms;
mod emoji;
pub mod error;
mod extract;
mod fallback;
mod files;
mod gateway;
mod gifs_feedback;
mod groups;
mod images;
mod integration_avatars;
mod link_previews;
mod meetings;
mod message_extras;
mod messages;
mod moderation;
mod notifications;
mod preferences;
mod purges;
mod quarantine;
mod rate_limit;
mod reports;
pub mod security_headers;
mod shared_responses;
mod sso;
mod static_files;
mod system;
mod text_rule;
mod two_factor;
mod updates;
mod voice;
mod webhooks;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use axum::middleware::{from_fn, from_fn_with_state};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::cors::CorsLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use client_ip::{ClientIp, TrustedProxies};
pub use rate_limit::IpRateLimiter;

use crate::config::Config;
use crate::domain::Core;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    /// The serialized OpenAPI document, built once.
    pub openapi_json: Bytes,
}

/// Per-IP limiters; kept outside the state so a background task can prune them.
#[derive(Clone)]
pub struct Limiters {
    pub general: IpRateLimiter,
    pub auth: IpRateLimiter,
    /// File reads: ten times the general allowance.
    pub media: IpRateLimiter,
}

impl Limiters {
    pub fn new(config: &Config) -> Limiters {
        Limiters {
            general: IpRateLimiter::new(config.tuning.rate_limits.general),
            auth: IpRateLimiter::new(config.tuning.rate_limits.auth),
            media: IpRateLimiter::new(crate::config::RateLimit {
                per_second: config
                    .tuning
                    .rate_limits
                    .general
                    .per_second
                    .saturating_mul(10),
                burst: config.tuning.rate_limits.general.burst.saturating_mul(10),
            }),
        }
    }

    pub fn forget_idle(&self) {
        self.general.forget_idle();
        self.auth.forget_idle();
        self.media.forget_idle();
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chatalot API",
        description = "REST API of a Chatalot server. Errors are JSON objects with a stable `code` and a human `message`.",
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Registration, sign-in, tokens"),
        (name = "account", description = "The signed-in user's account and sessions"),
        (name = "communities", description = "Communities, members, invites"),
        (name = "moderation", description = "Warnings, timeouts, kicks, bans, reports"),
        (name = "groups", description = "Groups inside communities"),
        (name = "channels", description = "Channels inside groups"),
        (name = "messages", description = "Messages, reactions, pins, read state"),
        (name = "meetings", description = "Meetings on channels: series, occurrences, RSVPs"),
        (name = "dms", description = "Direct messages, blocking, presence"),
        (name = "files", description = "Uploads, downloads, thumbnails"),
        (name = "integrations", description = "Bot accounts and incoming webhooks"),
        (name = "notifications", description = "Notification levels, mutes, keywords, do-not-disturb and web push subscriptions"),
        (name = "voice", description = "Calls: ICE servers, TURN credentials, who is in a call"),
        (name = "realtime", description = "The WebSocket gateway"),
        (name = "admin", description = "Instance administration"),
        (name = "system", description = "Health and API description"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The `/api` routes with their documentation; the auth limiter wraps every
/// endpoint that checks or hashes a password (register, login, refresh, recover,
/// the account's password confirmations, an admin's password reset).
fn api_routes(
    limiters: Option<&Limiters>,
    deadline: Option<std::time::Duration>,
) -> OpenApiRouter<AppState> {
    let mut credentials = auth::credential_router()
        .merge(account::password_router())
        .merge(admin_users::password_router())
        .merge(two_factor::credential_router())
        .merge(sso::credential_router());
    if let Some(limiters) = limiters {
        credentials = credentials.layer(from_fn_with_state(
            limiters.auth.clone(),
            rate_limit::limit_by_ip,
        ));
    }
    let mut file_reads = files::router();
    if let Some(limiters) = limiters {
        file_reads = file_reads.layer(from_fn_with_state(
            limiters.media.clone(),
            rate_limit::limit_by_ip_except_non_media,
        ));
    }
    // Uploads have no body limit and no overall deadline: a large file on a slow
    // link takes its time (an upload stops when its data stops arriving).
    let uploads = files::upload_router()
        .merge(images::upload_router())
        .merge(integration_avatars::upload_router())
        .layer(DefaultBodyLimit::disable());
    let mut timed = OpenApiRouter::new()
        .merge(system::router())
        .merge(file_reads)
        .merge(credentials)
        .merge(auth::router())
        .merge(account::router())
        .merge(communities::router())
        .merge(community_invites::router())
        .merge(moderation::router())
        .merge(quarantine::router())
        .merge(reports::router())
        .merge(announcements::router())
        .merge(groups::router())
        .merge(channels::router())
        .merge(messages::router())
        .merge(link_previews::router())
        .merge(notifications::router())
        .merge(preferences::router())
        .merge(bots::router())
        .merge(webhooks::router())
        .merge(gifs_feedback::router())
        .merge(message_extras::router())
        .merge(meetings::router())
        .merge(dms::router())
        .merge(admin::router())
        .merge(admin_users::router())
        .merge(admin_files::router())
        .merge(purges::router())
        .merge(updates::router())
        .merge(emoji::router())
        .merge(images::router())
        .merge(integration_avatars::router())
        .merge(two_factor::router())
        .merge(voice::router());
    if let Some(limit) = deadline {
        timed = timed.layer(from_fn_with_state(limit, fallback::deadline));
    }
    uploads.merge(timed)
}

/// The OpenAPI document of every `/api` route, with the error answers that
/// extractors and middleware give on every operation.
pub fn openapi() -> OpenApiDoc {
    let mut doc = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .nest("/api", api_routes(None, None))
        .merge(gateway::router())
        .into_openapi();
    shared_responses::document(&mut doc);
    doc
}

/// The complete application: API, web client, and the layers around them.
pub fn app(core: Core, limiters: &Limiters) -> anyhow::Result<Router> {
    let config = core.config.clone();
    let openapi_json = Bytes::from(openapi().to_json()?);
    let state = AppState { core, openapi_json };
    let (gateway, _) = gateway::router().split_for_parts();
    let gateway = gateway
        .layer(from_fn_with_state(
            limiters.general.clone(),
            rate_limit::limit_by_ip,
        ))
        .with_state(state.clone());

    let (api, _) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api_routes(
            Some(limiters),
            Some(config.tuning.request_timeout),
        ))
        .split_for_parts();
    let api = api
        .fallback(fallback::api_not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(from_fn_with_state(
            config.tuning.json_body_limit,
            text_rule::refuse_control_characters,
        ))
        .layer(DefaultBodyLimit::max(config.tuning.json_body_limit))
        .layer(from_fn_with_state(
            limiters.general.clone(),
            rate_limit::limit_by_ip_except_media,
        ))
        .layer(from_fn(fallback::json_errors))
        .with_state(state.clone());

    let sso_callback = sso::callback_router(&state).map(|callback| {
        callback
            .layer(from_fn_with_state(
                limiters.auth.clone(),
                rate_limit::limit_by_ip,
            ))
            .with_state(state.clone())
    });
    let mut router = Router::new()
        .nest("/api", api)
        .merge(gateway)
        .merge(sso_callback.unwrap_or_default())
        .merge(static_files::router(&config.static_files_path))
        .layer(from_fn_with_state(
            TrustedProxies::new(config.trusted_proxies.clone()),
            client_ip::resolve_client_ip,
        ))
        .layer(CorsLayer::permissive())
        // Files are sent as stored: ranges and lengths refer to those bytes.
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
                    !headers.contains_key(header::ACCEPT_RANGES)
                },
            )),
        )
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(fallback::panic_response));
    let csp = security_headers::content_security_policy(&static_files::inline_script_hashes(
        &config.static_files_path,
    ));
    for header in security_headers::layers(&csp)? {
        router = router.layer(header);
    }
    Ok(router)
}
