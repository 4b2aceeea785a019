//! Community invites: created and listed under `/api/communities/{id}/invites`,
//! previewed and accepted by code under `/api/invites/{code}`.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{CommunityInviteView, CommunityView, CreateInviteRequest, InvitePreview};
use crate::domain::community::CommunityRole;
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_community_invites, create_community_invite))
        .routes(routes!(revoke_community_invite))
        .routes(routes!(preview_invite))
        .routes(routes!(accept_invite))
}

/// The community's invites, newest first (moderators and up).
#[utoipa::path(get, path = "/communities/{community_id}/invites", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = Vec<CommunityInviteView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_community_invites(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
) -> Result<Json<Vec<CommunityInviteView>>> {
    let invites = state.core.community_invites(&actor, community_id).await?;
    Ok(Json(invites.into_iter().map(Into::into).collect()))
}

/// Creates an invite code (who may: the community's `who_can_create_invites`).
#[utoipa::path(post, path = "/communities/{community_id}/invites", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)), request_body = CreateInviteRequest,
    responses(
        (status = 201, body = CommunityInviteView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn create_community_invite(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
    Json(body): Json<CreateInviteRequest>,
) -> Result<(StatusCode, Json<CommunityInviteView>)> {
    let invite = state
        .core
        .create_community_invite(&actor, community_id, body.into(), &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(invite.into())))
}

/// Revokes an invite (its creator, or moderators and up).
#[utoipa::path(delete, path = "/communities/{community_id}/invites/{invite_id}", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("invite_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_community_invite(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, invite_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    state
        .core
        .revoke_community_invite(&actor, community_id, invite_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an invite leads to, without joining; no sign-in needed.
#[utoipa::path(get, path = "/invites/{code}", tag = "communities",
    params(("code" = String, Path, min_length = 1, pattern = r"^[^\u0000-\u001F\u007F-\u009F]+$")),
    responses(
        (status = 200, body = InvitePreview),
        (status = 404, body = ErrorBody, description = "Unknown or revoked invite"),
        (status = 410, body = ErrorBody, description = "Expired or used up"),
    ))]
async fn preview_invite(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<InvitePreview>> {
    let landing = state.core.preview_invite(&code).await?;
    Ok(Json(InvitePreview::new(landing)))
}

/// Joins the invite's community and its public groups.
#[utoipa::path(post, path = "/invites/{code}/accept", tag = "communities", security(("bearer" = [])),
    params(("code" = String, Path, min_length = 1, pattern = r"^[^\u0000-\u001F\u007F-\u009F]+$")),
    responses(
        (status = 200, body = CommunityView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Banned from the community"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Already a member"),
        (status = 410, body = ErrorBody, description = "Expired or used up"),
    ))]
async fn accept_invite(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(code): Path<String>,
) -> Result<Json<CommunityView>> {
    let community = state.core.accept_invite(&actor, &code, &meta).await?;
    Ok(Json(CommunityView::new(
        community,
        Some(CommunityRole::Member),
    )))
}
