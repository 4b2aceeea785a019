//! `/api/account/*`: the signed-in user's profile, password, email, recovery code,
//! sessions and account deletion.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{
    ChangeEmailRequest, ChangePasswordRequest, ChangePasswordResponse, PasswordConfirmation,
    ProfileUpdateRequest, RecoveryCodeResponse, RevokedSessions, SessionInfo, UserProfile,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

/// The endpoints that check the password (the auth rate limit wraps them).
pub fn password_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(delete_account))
        .routes(routes!(change_password))
        .routes(routes!(change_email))
        .routes(routes!(regenerate_recovery_code))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me, update_me))
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(revoke_other_sessions))
}

/// The signed-in user's account.
#[utoipa::path(get, path = "/account/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = UserProfile), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, actor: Actor) -> Result<Json<UserProfile>> {
    Ok(Json(state.core.me(&actor).await?.into()))
}

/// Updates display name, bio, pronouns or custom status.
#[utoipa::path(patch, path = "/account/me", tag = "account", security(("bearer" = [])),
    request_body = ProfileUpdateRequest,
    responses((status = 200, body = UserProfile), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn update_me(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<ProfileUpdateRequest>,
) -> Result<Json<UserProfile>> {
    Ok(Json(
        state.core.update_profile(&actor, body.into()).await?.into(),
    ))
}

/// Deletes the account (password required). The instance owner cannot.
#[utoipa::path(delete, path = "/account", tag = "account", security(("bearer" = [])),
    request_body = PasswordConfirmation,
    responses(
        (status = 204),
        (status = 401, body = ErrorBody, description = "Wrong password"),
        (status = 409, body = ErrorBody, description = "The owner must transfer ownership first"),
    ))]
async fn delete_account(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<PasswordConfirmation>,
) -> Result<StatusCode> {
    state
        .core
        .delete_account(&actor, &body.password, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the password; every other session ends.
#[utoipa::path(post, path = "/account/password", tag = "account", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses((status = 200, body = ChangePasswordResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<ChangePasswordRequest>,
) -> Result<Json<ChangePasswordResponse>> {
    let sessions_ended = state
        .core
        .change_password(&actor, &body.current_password, &body.new_password, &meta)
        .await?;
    Ok(Json(ChangePasswordResponse { sessions_ended }))
}

/// Sets or removes the email address (password required).
#[utoipa::path(put, path = "/account/email", tag = "account", security(("bearer" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 200, body = UserProfile),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Email in use"),
    ))]
async fn change_email(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<ChangeEmailRequest>,
) -> Result<Json<UserProfile>> {
    let user = state
        .core
        .change_email(&actor, &body.password, body.email.as_deref(), &meta)
        .await?;
    Ok(Json(user.into()))
}

/// Replaces the recovery code (password required); the new one is shown once.
#[utoipa::path(post, path = "/account/recovery-code", tag = "account", security(("bearer" = [])),
    request_body = PasswordConfirmation,
    responses((status = 200, body = RecoveryCodeResponse), (status = 401, body = ErrorBody)))]
async fn regenerate_recovery_code(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<PasswordConfirmation>,
) -> Result<Json<RecoveryCodeResponse>> {
    let recovery_code = state
        .core
        .regenerate_recovery_code(&actor, &body.password, &meta)
        .await?;
    Ok(Json(RecoveryCodeResponse { recovery_code }))
}

/// The caller's live sessions, most recently used first.
#[utoipa::path(get, path = "/account/sessions", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Vec<SessionInfo>), (status = 401, body = ErrorBody)))]
async fn list_sessions(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<SessionInfo>>> {
    let sessions = state.core.sessions(&actor).await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionInfo::new(s, actor.session_id))
            .collect(),
    ))
}

/// Ends one of the caller's sessions.
#[utoipa::path(delete, path = "/account/sessions/{session_id}", tag = "account", security(("bearer" = [])),
    params(("session_id" = Uuid, Path, description = "Session to end")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_session(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(session_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.revoke_session(&actor, session_id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the caller except the current one.
#[utoipa::path(post, path = "/account/sessions/revoke-others", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = RevokedSessions), (status = 401, body = ErrorBody)))]
async fn revoke_other_sessions(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
) -> Result<Json<RevokedSessions>> {
    let revoked = state.core.revoke_other_sessions(&actor, &meta).await?;
    Ok(Json(RevokedSessions { revoked }))
}
