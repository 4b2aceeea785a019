//! Link previews of messages (INT-3) and their images through the server.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use super::files::file_reader;
use crate::api::{LinkPreviewView, PreviewImageParams};
use crate::domain::Actor;
use crate::domain::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(message_link_previews))
        .routes(routes!(link_preview_image))
}

/// The previews of a message's first three links, fetched by the server when not
/// cached (refused for private addresses; size and time limited). Empty when the
/// channel turned previews off or no page had a card.
#[utoipa::path(get, path = "/messages/{message_id}/link-previews", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<LinkPreviewView>),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such message, or not yours to read"),
        (status = 429, body = ErrorBody, description = "Too many fetches by this user; `Retry-After` says when"),
    ))]
async fn message_link_previews(
    State(state): State<AppState>,
    actor: Actor,
    Path(message_id): Path<Uuid>,
) -> Result<Json<Vec<LinkPreviewView>>> {
    Ok(Json(
        state.core.message_link_previews(&actor, message_id).await?,
    ))
}

/// A preview's image, fetched by the server (PNG, JPEG, GIF or WebP up to 5 MB).
#[utoipa::path(get, path = "/link-previews/{id}/image", tag = "messages", security(("bearer" = [])),
    params(("id" = Uuid, Path), PreviewImageParams),
    responses(
        (status = 200, description = "The image", content_type = "image/*"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "`no_image`, or `image_unavailable` when it could not be fetched"),
        (status = 429, body = ErrorBody),
    ))]
async fn link_preview_image(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(params): Query<PreviewImageParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let actor = file_reader(&state, &headers, params.token.as_deref()).await?;
    let image = state.core.link_preview_image(&actor, id).await?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(image.content_type),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=86400"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        ),
    ];
    Ok((headers, image.bytes).into_response())
}
