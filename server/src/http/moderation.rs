//! `/api/communities/{id}/…`: warnings, timeouts, kicks and bans (moderators and up,
//! on members below them).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{BanView, ReasonRequest, TimeoutRequest, TimeoutView, WarnRequest, WarningView};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(member_warnings, warn_member))
        .routes(routes!(timeout_member, end_member_timeout))
        .routes(routes!(kick_member))
        .routes(routes!(community_bans))
        .routes(routes!(ban_user, unban_user))
}

type MemberPath = Path<(Uuid, Uuid)>;

/// A member's warnings, newest first (moderators and up, or the member).
#[utoipa::path(get, path = "/communities/{community_id}/members/{user_id}/warnings", tag = "moderation", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 200, body = Vec<WarningView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn member_warnings(
    State(state): State<AppState>,
    actor: Actor,
    Path((community_id, user_id)): MemberPath,
) -> Result<Json<Vec<WarningView>>> {
    let list = state
        .core
        .member_warnings(&actor, community_id, user_id)
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Warns a member.
#[utoipa::path(post, path = "/communities/{community_id}/members/{user_id}/warnings", tag = "moderation", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = WarnRequest,
    responses((status = 201, body = WarningView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn warn_member(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, user_id)): MemberPath,
    Json(body): Json<WarnRequest>,
) -> Result<(StatusCode, Json<WarningView>)> {
    let warning = state
        .core
        .warn_member(&actor, community_id, user_id, &body.reason, &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(warning.into())))
}

/// Times a member out (a temporary mute that ends by itself).
#[utoipa::path(put, path = "/communities/{community_id}/members/{user_id}/timeout", tag = "moderation", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = TimeoutRequest,
    responses((status = 200, body = TimeoutView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn timeout_member(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, user_id)): MemberPath,
    Json(body): Json<TimeoutRequest>,
) -> Result<Json<TimeoutView>> {
    let member = state
        .core
        .timeout_member(
            &actor,
            community_id,
            user_id,
            body.duration_secs,
            body.reason.as_deref(),
            &meta,
        )
        .await?;
    Ok(Json(member.into()))
}

/// Ends a timeout early.
#[utoipa::path(delete, path = "/communities/{community_id}/members/{user_id}/timeout", tag = "moderation", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn end_member_timeout(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, user_id)): MemberPath,
) -> Result<StatusCode> {
    state
        .core
        .end_timeout(&actor, community_id, user_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member (they may come back with an invite).
#[utoipa::path(post, path = "/communities/{community_id}/members/{user_id}/kick", tag = "moderation", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = ReasonRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn kick_member(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, user_id)): MemberPath,
    Json(body): Json<ReasonRequest>,
) -> Result<StatusCode> {
    state
        .core
        .kick_member(&actor, community_id, user_id, body.reason.as_deref(), &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The ban list, newest first.
#[utoipa::path(get, path = "/communities/{community_id}/bans", tag = "moderation", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = Vec<BanView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn community_bans(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
) -> Result<Json<Vec<BanView>>> {
    let list = state.core.community_bans(&actor, community_id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Bans a user: removes them and keeps them out (also pre-emptively).
#[utoipa::path(put, path = "/communities/{community_id}/bans/{user_id}", tag = "moderation", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = ReasonRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn ban_user(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, user_id)): MemberPath,
    Json(body): Json<ReasonRequest>,
) -> Result<StatusCode> {
    state
        .core
        .ban_user(&actor, community_id, user_id, body.reason.as_deref(), &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lifts a ban.
#[utoipa::path(delete, path = "/communities/{community_id}/bans/{user_id}", tag = "moderation", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn unban_user(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, user_id)): MemberPath,
) -> Result<StatusCode> {
    state
        .core
        .unban_user(&actor, community_id, user_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
