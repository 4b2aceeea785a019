//! Channels: `/api/groups/{id}/channels` to create and list, `/api/channels/{id}` to
//! read, change and delete.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{ChannelView, CreateChannelRequest, UpdateChannelRequest};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_channels, create_channel))
        .routes(routes!(get_channel, update_channel, delete_channel))
}

/// The group's channels, in order (group members, moderators and up).
#[utoipa::path(get, path = "/groups/{group_id}/channels", tag = "channels", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    responses((status = 200, body = Vec<ChannelView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_channels(
    State(state): State<AppState>,
    actor: Actor,
    Path(group_id): Path<Uuid>,
) -> Result<Json<Vec<ChannelView>>> {
    let channels = state.core.group_channels(&actor, group_id).await?;
    Ok(Json(state.core.channel_list(channels)))
}

/// Creates a text or voice channel (group admins, community admins).
#[utoipa::path(post, path = "/groups/{group_id}/channels", tag = "channels", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)), request_body = CreateChannelRequest,
    responses(
        (status = 201, body = ChannelView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "100 channels already"),
    ))]
async fn create_channel(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(group_id): Path<Uuid>,
    Json(body): Json<CreateChannelRequest>,
) -> Result<(StatusCode, Json<ChannelView>)> {
    let channel = state
        .core
        .create_channel(&actor, group_id, body.into(), &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(channel.into())))
}

#[utoipa::path(get, path = "/channels/{channel_id}", tag = "channels", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)),
    responses((status = 200, body = ChannelView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_channel(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
) -> Result<Json<ChannelView>> {
    Ok(Json(
        state.core.channel(&actor, channel_id).await?.channel.into(),
    ))
}

/// Changes name, topic, slow mode, read-only, archived or position.
#[utoipa::path(patch, path = "/channels/{channel_id}", tag = "channels", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)), request_body = UpdateChannelRequest,
    responses((status = 200, body = ChannelView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_channel(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(channel_id): Path<Uuid>,
    Json(body): Json<UpdateChannelRequest>,
) -> Result<Json<ChannelView>> {
    Ok(Json(
        state
            .core
            .update_channel(&actor, channel_id, body.into(), &meta)
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/channels/{channel_id}", tag = "channels", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_channel(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(channel_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_channel(&actor, channel_id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
