//! `/api/communities`: create, list, discover, read, update, delete, transfer,
//! leave; the member list, roles and nicknames.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    CommunityView, CreateCommunityRequest, DiscoverParams, MemberListParams, MemberView,
    UpdateCommunityRequest, UpdateMemberRequest, UserIdRequest,
};
use crate::domain::community::CommunityRole;
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_communities, create_community))
        .routes(routes!(discover_communities))
        .routes(routes!(get_community, update_community, delete_community))
        .routes(routes!(transfer_community))
        .routes(routes!(leave_community))
        .routes(routes!(community_members))
        .routes(routes!(update_member))
}

/// The caller's communities, in the order they joined.
#[utoipa::path(get, path = "/communities", tag = "communities", security(("bearer" = [])),
    responses((status = 200, body = Vec<CommunityView>), (status = 401, body = ErrorBody)))]
async fn my_communities(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<CommunityView>>> {
    let list = state.core.my_communities(&actor).await?;
    let views = list
        .into_iter()
        .map(|m| CommunityView::new(m.summary, Some(CommunityRole::parse(&m.my_role))));
    Ok(Json(views.collect()))
}

/// Creates a community owned by the caller (`COMMUNITY_CREATION_MODE` decides who may).
#[utoipa::path(post, path = "/communities", tag = "communities", security(("bearer" = [])),
    request_body = CreateCommunityRequest,
    responses(
        (status = 201, body = CommunityView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Community creation is restricted to instance admins"),
    ))]
async fn create_community(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<CreateCommunityRequest>,
) -> Result<(StatusCode, Json<CommunityView>)> {
    let created = state
        .core
        .create_community(&actor, body.into(), &meta)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CommunityView::new(created, Some(CommunityRole::Owner))),
    ))
}

/// Public, discoverable communities, newest first.
#[utoipa::path(get, path = "/communities/discover", tag = "communities", security(("bearer" = [])),
    params(DiscoverParams),
    responses((status = 200, body = Vec<CommunityView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn discover_communities(
    State(state): State<AppState>,
    _actor: Actor,
    Query(params): Query<DiscoverParams>,
) -> Result<Json<Vec<CommunityView>>> {
    let list = state
        .core
        .discover_communities(params.query.as_deref(), params.before, params.limit)
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|s| CommunityView::new(s, None))
            .collect(),
    ))
}

/// A community (members and instance staff; anyone for a public one).
#[utoipa::path(get, path = "/communities/{community_id}", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = CommunityView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_community(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
) -> Result<Json<CommunityView>> {
    let (summary, access) = state.core.community(&actor, community_id).await?;
    Ok(Json(CommunityView::with_access(summary, &access)))
}

/// Changes settings (community admins and up).
#[utoipa::path(patch, path = "/communities/{community_id}", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)), request_body = UpdateCommunityRequest,
    responses(
        (status = 200, body = CommunityView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn update_community(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
    Json(body): Json<UpdateCommunityRequest>,
) -> Result<Json<CommunityView>> {
    let summary = state
        .core
        .update_community(&actor, community_id, body.into(), &meta)
        .await?;
    let (_, access) = state.core.community(&actor, community_id).await?;
    Ok(Json(CommunityView::with_access(summary, &access)))
}

/// Deletes the community and everything in it (its owner, or instance staff).
#[utoipa::path(delete, path = "/communities/{community_id}", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_community(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
) -> Result<StatusCode> {
    state
        .core
        .delete_community(&actor, community_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hands the community to another member; the caller (its owner) becomes an admin.
#[utoipa::path(post, path = "/communities/{community_id}/transfer", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)), request_body = UserIdRequest,
    responses(
        (status = 200, body = CommunityView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn transfer_community(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
    Json(body): Json<UserIdRequest>,
) -> Result<Json<CommunityView>> {
    let summary = state
        .core
        .transfer_community(&actor, community_id, body.user_id, &meta)
        .await?;
    Ok(Json(CommunityView::new(
        summary,
        Some(CommunityRole::Admin),
    )))
}

/// Leaves the community and its groups (the owner must transfer it first).
#[utoipa::path(post, path = "/communities/{community_id}/leave", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses(
        (status = 204),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The owner cannot leave"),
    ))]
async fn leave_community(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
) -> Result<StatusCode> {
    state
        .core
        .leave_community(&actor, community_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members with roles and nicknames, by user ID.
#[utoipa::path(get, path = "/communities/{community_id}/members", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), MemberListParams),
    responses((status = 200, body = Vec<MemberView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn community_members(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
    Query(params): Query<MemberListParams>,
) -> Result<Json<Vec<MemberView>>> {
    let list = state
        .core
        .community_members(&actor, community_id, params.after, params.limit)
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Promotes or demotes a member (below the caller's role) or sets a nickname.
#[utoipa::path(patch, path = "/communities/{community_id}/members/{user_id}", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = UpdateMemberRequest,
    responses(
        (status = 200, body = MemberView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn update_member(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((community_id, user_id)): Path<(Uuid, Uuid)>,
    Json(body): Json<UpdateMemberRequest>,
) -> Result<Json<MemberView>> {
    let member = state
        .core
        .update_member(&actor, community_id, user_id, body.into(), &meta)
        .await?;
    Ok(Json(member.into()))
}
