//! `/api/account/2fa/*` and `/api/auth/login/2fa`: TOTP two-factor authentication
//! (AUTH-6), and an administrator's reset.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{
    AuthResponse, BackupCodes, TwoFactorCode, TwoFactorConfirmation, TwoFactorLoginRequest,
    TwoFactorSetup, TwoFactorSetupRequest, TwoFactorStatus,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

/// The endpoints that check a password or a code (the auth rate limit wraps them).
pub fn credential_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login_two_factor))
        .routes(routes!(begin_setup))
        .routes(routes!(enable))
        .routes(routes!(disable))
        .routes(routes!(regenerate_backup_codes))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(admin_reset))
}

/// The second step of signing in: a code from the authenticator app, or a backup
/// code, with the challenge token from `POST /api/auth/login`.
#[utoipa::path(post, path = "/auth/login/2fa", tag = "auth", request_body = TwoFactorLoginRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, body = ErrorBody, description = "Wrong or used code, or the challenge expired"),
        (status = 403, body = ErrorBody, description = "Account suspended"),
        (status = 429, body = ErrorBody, description = "Locked after failed attempts"),
        (status = 503, body = ErrorBody, description = "Codes cannot be checked: the server's TOTP key changed"),
    ))]
async fn login_two_factor(
    State(state): State<AppState>,
    meta: RequestMeta,
    Json(body): Json<TwoFactorLoginRequest>,
) -> Result<Json<AuthResponse>> {
    let signed_in = state
        .core
        .login_two_factor(&body.challenge_token, &body.code, &meta)
        .await?;
    Ok(Json(signed_in.into()))
}

/// Whether 2FA is on, and how many backup codes are left.
#[utoipa::path(get, path = "/account/2fa", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = TwoFactorStatus), (status = 401, body = ErrorBody)))]
async fn status(State(state): State<AppState>, actor: Actor) -> Result<Json<TwoFactorStatus>> {
    Ok(Json(state.core.two_factor_status(&actor).await?.into()))
}

/// Starts setup: a new secret with its `otpauth://` URI and QR code. It takes
/// effect only once confirmed with a code (`POST /api/account/2fa/enable`).
#[utoipa::path(post, path = "/account/2fa/setup", tag = "account", security(("bearer" = [])),
    request_body = TwoFactorSetupRequest,
    responses(
        (status = 200, body = TwoFactorSetup),
        (status = 401, body = ErrorBody, description = "Wrong password"),
        (status = 409, body = ErrorBody, description = "2FA is already on"),
        (status = 429, body = ErrorBody),
    ))]
async fn begin_setup(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<TwoFactorSetupRequest>,
) -> Result<Json<TwoFactorSetup>> {
    let setup = state
        .core
        .begin_two_factor_setup(&actor, body.password.as_deref(), &meta)
        .await?;
    Ok(Json(setup.into()))
}

/// Turns 2FA on with a first code; returns the backup codes, shown this once.
#[utoipa::path(post, path = "/account/2fa/enable", tag = "account", security(("bearer" = [])),
    request_body = TwoFactorCode,
    responses(
        (status = 200, body = BackupCodes),
        (status = 401, body = ErrorBody, description = "Wrong code"),
        (status = 409, body = ErrorBody, description = "No setup started, or 2FA already on"),
        (status = 503, body = ErrorBody),
    ))]
async fn enable(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<TwoFactorCode>,
) -> Result<Json<BackupCodes>> {
    let codes = state
        .core
        .enable_two_factor(&actor, &body.code, &meta)
        .await?;
    Ok(Json(BackupCodes { codes }))
}

/// Turns 2FA off (password and a current code or a backup code).
#[utoipa::path(post, path = "/account/2fa/disable", tag = "account", security(("bearer" = [])),
    request_body = TwoFactorConfirmation,
    responses(
        (status = 204),
        (status = 401, body = ErrorBody, description = "Wrong password or code"),
        (status = 409, body = ErrorBody, description = "2FA is not on"),
        (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
async fn disable(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<TwoFactorConfirmation>,
) -> Result<StatusCode> {
    state
        .core
        .disable_two_factor(&actor, body.password.as_deref(), &body.code, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// New backup codes (password and a code); the earlier ones stop working.
#[utoipa::path(post, path = "/account/2fa/backup-codes", tag = "account", security(("bearer" = [])),
    request_body = TwoFactorConfirmation,
    responses(
        (status = 200, body = BackupCodes),
        (status = 401, body = ErrorBody, description = "Wrong password or code"),
        (status = 409, body = ErrorBody, description = "2FA is not on"),
        (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
async fn regenerate_backup_codes(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<TwoFactorConfirmation>,
) -> Result<Json<BackupCodes>> {
    let codes = state
        .core
        .regenerate_backup_codes(&actor, body.password.as_deref(), &body.code, &meta)
        .await?;
    Ok(Json(BackupCodes { codes }))
}

/// Removes a user's 2FA (instance admins, on accounts below their own role).
#[utoipa::path(delete, path = "/admin/users/{user_id}/2fa", tag = "admin", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 204),
        (status = 400, body = ErrorBody, description = "Your own account"),
        (status = 403, body = ErrorBody, description = "Not an admin, or the account outranks you"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The account does not use 2FA"),
    ))]
async fn admin_reset(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(user_id): Path<Uuid>,
) -> Result<StatusCode> {
    state
        .core
        .admin_reset_two_factor(&actor, user_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
