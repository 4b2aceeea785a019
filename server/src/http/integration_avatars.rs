//! Avatars of bots (their owners) and of webhooks (the channel's managers): what
//! their messages show.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::Path;
use super::images::set;
use crate::api::FileUploadForm;
use crate::domain::error::Result;
use crate::domain::files::ImageSlot;
use crate::domain::{Actor, RequestMeta};

/// The uploads: no body limit and no overall deadline, like other uploads.
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_bot_avatar))
        .routes(routes!(set_webhook_avatar))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(remove_bot_avatar))
        .routes(routes!(remove_webhook_avatar))
}

/// Sets a bot's avatar (its owner, or an administrator): at most 5 MB.
#[utoipa::path(put, path = "/bots/{id}/avatar", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn set_bot_avatar(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    request: Request,
) -> Result<StatusCode> {
    set(&state, &actor, &meta, ImageSlot::BotAvatar(id), request).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a bot's avatar.
#[utoipa::path(delete, path = "/bots/{id}/avatar", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_bot_avatar(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state
        .core
        .clear_image(&actor, ImageSlot::BotAvatar(id), &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the avatar a webhook's messages show (those who may edit the channel): at
/// most 5 MB.
#[utoipa::path(put, path = "/webhooks/{id}/avatar", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn set_webhook_avatar(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    request: Request,
) -> Result<StatusCode> {
    set(&state, &actor, &meta, ImageSlot::WebhookAvatar(id), request).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a webhook's avatar.
#[utoipa::path(delete, path = "/webhooks/{id}/avatar", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_webhook_avatar(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state
        .core
        .clear_image(&actor, ImageSlot::WebhookAvatar(id), &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
