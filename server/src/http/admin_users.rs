//! `/api/admin/users`: instance administration of accounts (ADM-2) and handing
//! instance ownership over.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    AdminUserView, CreateSsoUserRequest, ReasonRequest, SetInstanceRoleRequest, TemporaryPassword,
    UserIdRequest, UserSearchParams,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

/// Resetting a password hashes one (the auth rate limit wraps it).
pub fn password_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reset_user_password))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_sso_user))
        .routes(routes!(get_user, delete_user))
        .routes(routes!(suspend_user))
        .routes(routes!(unsuspend_user))
        .routes(routes!(set_instance_role))
        .routes(routes!(transfer_instance))
}

/// Accounts, searchable, by ID.
#[utoipa::path(get, path = "/admin/users", tag = "admin", security(("bearer" = [])),
    params(UserSearchParams),
    responses((status = 200, body = Vec<AdminUserView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<UserSearchParams>,
) -> Result<Json<Vec<AdminUserView>>> {
    let users = state
        .core
        .admin_users(&actor, params.query.as_deref(), params.after, params.limit)
        .await?;
    Ok(Json(users.into_iter().map(Into::into).collect()))
}

/// Creates an account for someone who will sign in with SSO: their first SSO
/// sign-in with this email (verified by the provider) claims it, also on an
/// invite-only or closed server.
#[utoipa::path(post, path = "/admin/users", tag = "admin", security(("bearer" = [])),
    request_body = CreateSsoUserRequest,
    responses(
        (status = 201, body = AdminUserView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Username or email taken, or SSO is not configured"),
    ))]
async fn create_sso_user(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<CreateSsoUserRequest>,
) -> Result<(StatusCode, Json<AdminUserView>)> {
    let user = state
        .core
        .create_sso_user(
            &actor,
            &body.username,
            &body.email,
            body.display_name.as_deref(),
            &meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[utoipa::path(get, path = "/admin/users/{user_id}", tag = "admin", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = AdminUserView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<Uuid>,
) -> Result<Json<AdminUserView>> {
    Ok(Json(state.core.admin_user(&actor, user_id).await?.into()))
}

/// Deletes an account (not one that owns communities).
#[utoipa::path(delete, path = "/admin/users/{user_id}", tag = "admin", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_user(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(user_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.admin_delete_user(&actor, user_id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Suspends an account; its sessions end at once.
#[utoipa::path(post, path = "/admin/users/{user_id}/suspend", tag = "admin", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)), request_body = ReasonRequest,
    responses((status = 200, body = AdminUserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn suspend_user(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(user_id): Path<Uuid>,
    Json(body): Json<ReasonRequest>,
) -> Result<Json<AdminUserView>> {
    Ok(Json(
        state
            .core
            .suspend_user(&actor, user_id, body.reason.as_deref(), &meta)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/admin/users/{user_id}/unsuspend", tag = "admin", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = AdminUserView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn unsuspend_user(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(user_id): Path<Uuid>,
) -> Result<Json<AdminUserView>> {
    Ok(Json(
        state
            .core
            .unsuspend_user(&actor, user_id, &meta)
            .await?
            .into(),
    ))
}

/// Grants or revokes instance admin (the instance owner only).
#[utoipa::path(put, path = "/admin/users/{user_id}/role", tag = "admin", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)), request_body = SetInstanceRoleRequest,
    responses((status = 200, body = AdminUserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_instance_role(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(user_id): Path<Uuid>,
    Json(body): Json<SetInstanceRoleRequest>,
) -> Result<Json<AdminUserView>> {
    Ok(Json(
        state
            .core
            .set_instance_role(&actor, user_id, body.role, &meta)
            .await?
            .into(),
    ))
}

/// Sets a temporary password (returned once) and ends the user's sessions.
#[utoipa::path(post, path = "/admin/users/{user_id}/reset-password", tag = "admin", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = TemporaryPassword), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reset_user_password(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(user_id): Path<Uuid>,
) -> Result<Json<TemporaryPassword>> {
    let temporary_password = state
        .core
        .reset_user_password(&actor, user_id, &meta)
        .await?;
    Ok(Json(TemporaryPassword { temporary_password }))
}

/// Hands instance ownership to another account; the caller becomes an admin.
#[utoipa::path(post, path = "/admin/transfer-ownership", tag = "admin", security(("bearer" = [])),
    request_body = UserIdRequest,
    responses((status = 200, body = AdminUserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn transfer_instance(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<UserIdRequest>,
) -> Result<Json<AdminUserView>> {
    Ok(Json(
        state
            .core
            .transfer_instance(&actor, body.user_id, &meta)
            .await?
            .into(),
    ))
}
