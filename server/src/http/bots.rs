//! Bot accounts: `/api/bots`, a community's bots, and the administrators' list.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{
    AddCommunityBotRequest, BotView, BotWithToken, CreateBotRequest, UpdateBotRequest,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_bots, create_bot))
        .routes(routes!(rename_bot, delete_bot))
        .routes(routes!(rotate_bot_token))
        .routes(routes!(community_bots, add_community_bot))
        .routes(routes!(remove_community_bot))
        .routes(routes!(all_bots))
}

/// The caller's bots.
#[utoipa::path(get, path = "/bots", tag = "integrations", security(("bearer" = [])),
    responses((status = 200, body = Vec<BotView>), (status = 401, body = ErrorBody)))]
async fn my_bots(State(state): State<AppState>, actor: Actor) -> Result<Json<Vec<BotView>>> {
    Ok(Json(state.core.my_bots(&actor).await?))
}

/// Creates a bot owned by the caller (at most 10); its token is in this answer only.
#[utoipa::path(post, path = "/bots", tag = "integrations", security(("bearer" = [])),
    request_body = CreateBotRequest,
    responses(
        (status = 201, body = BotWithToken),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`bots_not_allowed`: a bot cannot make bots"),
        (status = 409, body = ErrorBody, description = "`username_taken` or `bot_limit`"),
    ))]
async fn create_bot(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<CreateBotRequest>,
) -> Result<(StatusCode, Json<BotWithToken>)> {
    let created = state
        .core
        .create_bot(&actor, &body.username, &body.display_name, &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Renames one of the caller's bots.
#[utoipa::path(patch, path = "/bots/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateBotRequest,
    responses((status = 200, body = BotView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn rename_bot(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateBotRequest>,
) -> Result<Json<BotView>> {
    Ok(Json(
        state
            .core
            .rename_bot(&actor, id, &body.display_name, &meta)
            .await?,
    ))
}

/// Deletes a bot: its owner, or an instance administrator. Its messages stay.
#[utoipa::path(delete, path = "/bots/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_bot(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_bot(&actor, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the bot's token; the old one stops working and its connections close.
#[utoipa::path(post, path = "/bots/{id}/token", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = BotWithToken), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn rotate_bot_token(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Json<BotWithToken>> {
    Ok(Json(state.core.rotate_bot_token(&actor, id, &meta).await?))
}

/// The bots that are members of a community.
#[utoipa::path(get, path = "/communities/{community_id}/bots", tag = "integrations", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = Vec<BotView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn community_bots(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
) -> Result<Json<Vec<BotView>>> {
    Ok(Json(state.core.community_bots(&actor, community_id).await?))
}

/// Brings one of the caller's bots into a community where the caller is a
/// moderator or above; it joins as a member (and its public groups).
#[utoipa::path(post, path = "/communities/{community_id}/bots", tag = "integrations", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)), request_body = AddCommunityBotRequest,
    responses(
        (status = 201, body = BotView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Not a moderator, or the bot is banned"),
        (status = 404, body = ErrorBody, description = "No such community, or no such bot of yours"),
        (status = 409, body = ErrorBody, description = "`already_member`"),
    ))]
async fn add_community_bot(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
    Json(body): Json<AddCommunityBotRequest>,
) -> Result<(StatusCode, Json<BotView>)> {
    let bot = state
        .core
        .add_community_bot(&actor, community_id, body.bot_id, &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(bot)))
}

/// Takes a bot out of a community: its owner, or moderators and up.
#[utoipa::path(delete, path = "/communities/{community_id}/bots/{bot_id}", tag = "integrations", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("bot_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_community_bot(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, bot_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    state
        .core
        .remove_community_bot(&actor, community_id, bot_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every bot of the instance, with its owner (instance administrators).
#[utoipa::path(get, path = "/admin/bots", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<BotView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn all_bots(State(state): State<AppState>, actor: Actor) -> Result<Json<Vec<BotView>>> {
    Ok(Json(state.core.all_bots(&actor).await?))
}
