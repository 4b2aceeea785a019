//! `/api/communities/{community_id}/emoji`: custom emoji (COM-7).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use super::files::read_upload;
use crate::api::{AddEmojiParams, CustomEmojiView, FileUploadForm};
use crate::domain::Actor;
use crate::domain::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_custom_emoji, add_custom_emoji))
        .routes(routes!(delete_custom_emoji))
}

/// The community's custom emoji, by name (members).
#[utoipa::path(get, path = "/communities/{community_id}/emoji", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = Vec<CustomEmojiView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_custom_emoji(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
) -> Result<Json<Vec<CustomEmojiView>>> {
    Ok(Json(
        state.core.list_custom_emoji(&actor, community_id).await?,
    ))
}

/// Adds a custom emoji (community admins): a PNG, GIF or WebP of at most 256 KB,
/// as a multipart part named `file` or as the raw body. At most 50 per community.
#[utoipa::path(post, path = "/communities/{community_id}/emoji", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), AddEmojiParams),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses(
        (status = 201, body = CustomEmojiView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Not a community admin"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`emoji_name_taken` or `emoji_limit`"),
        (status = 413, body = ErrorBody, description = "More than 256 KB"),
        (status = 415, body = ErrorBody, description = "`unsupported_file_type`: not PNG, GIF or WebP"),
    ))]
async fn add_custom_emoji(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
    Query(params): Query<AddEmojiParams>,
    request: Request,
) -> Result<(StatusCode, Json<CustomEmojiView>)> {
    let name = params.name.clone();
    let emoji = read_upload(&state, request, Some(name.clone()), async |upload, body| {
        state
            .core
            .add_custom_emoji(&actor, community_id, &name, upload, body)
            .await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(emoji)))
}

/// Removes a custom emoji and its image (community admins).
#[utoipa::path(delete, path = "/communities/{community_id}/emoji/{emoji_id}", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("emoji_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_custom_emoji(
    State(state): State<AppState>,
    actor: Actor,
    Path((community_id, emoji_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    state
        .core
        .delete_custom_emoji(&actor, community_id, emoji_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
