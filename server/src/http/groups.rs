//! Groups: `/api/communities/{id}/groups` to create and list, `/api/groups/{id}` to
//! read, change, delete, join, leave and manage members.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{
    CreateGroupRequest, GroupMemberView, GroupView, SetGroupMemberRequest, UpdateGroupRequest,
};
use crate::domain::community::GroupRole;
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
        .routes(routes!(join_group))
        .routes(routes!(leave_group))
        .routes(routes!(group_members))
        .routes(routes!(set_group_member, remove_group_member))
}

/// The groups the caller can see: public ones and their own (all for moderators and up).
#[utoipa::path(get, path = "/communities/{community_id}/groups", tag = "groups", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = Vec<GroupView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_groups(
    State(state): State<AppState>,
    actor: Actor,
    Path(community_id): Path<Uuid>,
) -> Result<Json<Vec<GroupView>>> {
    let groups = state.core.community_groups(&actor, community_id).await?;
    Ok(Json(groups.into_iter().map(Into::into).collect()))
}

/// Creates a group (community admins), or a personal group for a member (moderators).
#[utoipa::path(post, path = "/communities/{community_id}/groups", tag = "groups", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)), request_body = CreateGroupRequest,
    responses(
        (status = 201, body = GroupView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "200 groups already"),
    ))]
async fn create_group(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
    Json(body): Json<CreateGroupRequest>,
) -> Result<(StatusCode, Json<GroupView>)> {
    let assigned = body.assigned_to;
    let group = state
        .core
        .create_group(&actor, community_id, body.into(), &meta)
        .await?;
    let role = (assigned.is_none() || assigned == Some(actor.id())).then_some(GroupRole::Owner);
    Ok((StatusCode::CREATED, Json(GroupView::new(group, role))))
}

#[utoipa::path(get, path = "/groups/{group_id}", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    responses((status = 200, body = GroupView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_group(
    State(state): State<AppState>,
    actor: Actor,
    Path(group_id): Path<Uuid>,
) -> Result<Json<GroupView>> {
    let access = state.core.group(&actor, group_id).await?;
    let role = access.role();
    Ok(Json(GroupView::new(access.group, role)))
}

/// Changes a group (its admins, or community admins).
#[utoipa::path(patch, path = "/groups/{group_id}", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)), request_body = UpdateGroupRequest,
    responses((status = 200, body = GroupView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_group(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(group_id): Path<Uuid>,
    Json(body): Json<UpdateGroupRequest>,
) -> Result<Json<GroupView>> {
    let group = state
        .core
        .update_group(&actor, group_id, body.into(), &meta)
        .await?;
    let role = state.core.group(&actor, group_id).await?.role();
    Ok(Json(GroupView::new(group, role)))
}

/// Deletes a group and its channels (its owner, or community admins).
#[utoipa::path(delete, path = "/groups/{group_id}", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_group(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(group_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_group(&actor, group_id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Joins a public group.
#[utoipa::path(post, path = "/groups/{group_id}/join", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn join_group(
    State(state): State<AppState>,
    actor: Actor,
    Path(group_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.join_group(&actor, group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leaves a group.
#[utoipa::path(post, path = "/groups/{group_id}/leave", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn leave_group(
    State(state): State<AppState>,
    actor: Actor,
    Path(group_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.leave_group(&actor, group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/groups/{group_id}/members", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    responses((status = 200, body = Vec<GroupMemberView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn group_members(
    State(state): State<AppState>,
    actor: Actor,
    Path(group_id): Path<Uuid>,
) -> Result<Json<Vec<GroupMemberView>>> {
    let list = state.core.group_members(&actor, group_id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Adds a community member to the group or changes their group role.
#[utoipa::path(put, path = "/groups/{group_id}/members/{user_id}", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = SetGroupMemberRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_group_member(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((group_id, user_id)): Path<(Uuid, Uuid)>,
    Json(body): Json<SetGroupMemberRequest>,
) -> Result<StatusCode> {
    state
        .core
        .set_group_member(&actor, group_id, user_id, body.role, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member from the group.
#[utoipa::path(delete, path = "/groups/{group_id}/members/{user_id}", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_group_member(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((group_id, user_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    state
        .core
        .remove_group_member(&actor, group_id, user_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
