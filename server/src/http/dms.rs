//! Direct messages, blocking and presence over REST.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{ChannelView, CreateDmRequest, DmView, PresenceView, SetPresenceRequest};
use crate::domain::Actor;
use crate::domain::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_dms, open_dm))
        .routes(routes!(blocked_users))
        .routes(routes!(block_user, unblock_user))
        .routes(routes!(set_presence))
        .routes(routes!(community_presence))
}

/// The caller's direct-message channels with their members.
#[utoipa::path(get, path = "/dms", tag = "dms", security(("bearer" = [])),
    responses((status = 200, body = Vec<DmView>), (status = 401, body = ErrorBody)))]
async fn my_dms(State(state): State<AppState>, actor: Actor) -> Result<Json<Vec<DmView>>> {
    Ok(Json(state.core.my_dms(&actor).await?))
}

/// Opens a DM (the existing one for a pair) or a group DM of up to 10 people.
#[utoipa::path(post, path = "/dms", tag = "dms", security(("bearer" = [])),
    request_body = CreateDmRequest,
    responses(
        (status = 200, body = ChannelView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Blocked"),
        (status = 404, body = ErrorBody),
    ))]
async fn open_dm(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<CreateDmRequest>,
) -> Result<Json<ChannelView>> {
    Ok(Json(
        state.core.open_dm(&actor, &body.user_ids).await?.into(),
    ))
}

/// The users the caller blocks.
#[utoipa::path(get, path = "/account/blocks", tag = "dms", security(("bearer" = [])),
    responses((status = 200, body = Vec<Uuid>), (status = 401, body = ErrorBody)))]
async fn blocked_users(State(state): State<AppState>, actor: Actor) -> Result<Json<Vec<Uuid>>> {
    Ok(Json(state.core.blocked_users(&actor).await?))
}

/// Blocks a user: their messages are hidden from the caller and DMs stop.
#[utoipa::path(put, path = "/account/blocks/{user_id}", tag = "dms", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn block_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.block_user(&actor, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/account/blocks/{user_id}", tag = "dms", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn unblock_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.unblock_user(&actor, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the caller's presence: online, idle, dnd or invisible.
#[utoipa::path(put, path = "/account/presence", tag = "dms", security(("bearer" = [])),
    request_body = SetPresenceRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn set_presence(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<SetPresenceRequest>,
) -> Result<StatusCode> {
    state.core.set_presence(&actor, body.status).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members of a community who are online (not offline or invisible).
#[utoipa::path(get, path = "/communities/{community_id}/presence", tag = "dms", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = Vec<PresenceView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn community_presence(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
) -> Result<Json<Vec<PresenceView>>> {
    Ok(Json(
        state.core.community_presence(&actor, community_id).await?,
    ))
}
