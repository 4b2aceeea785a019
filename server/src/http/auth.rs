//! `/api/auth/*`: registration, login, token refresh, logout, recovery, and what a
//! client needs to know before signing in. Credential endpoints get the stricter
//! auth rate limit.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::ErrorBody;
use super::extract::Json;
use crate::api::{
    AuthConfig, AuthResponse, LoginRequest, LoginResponse, RecoverRequest, RefreshRequest,
    RegisterRequest, Tokens,
};
use crate::domain::error::Result;
use crate::domain::{Actor, Registration, RequestMeta};

/// Endpoints that take credentials: these get the stricter auth rate limit.
pub fn credential_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(recover))
}

/// The rest of `/auth`: configuration clients read on every start, and logout.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth_config))
        .routes(routes!(logout))
}

/// What is enabled on this server: registration mode, first-run setup, password
/// login, single sign-on (configured, and its provider reachable), web push (with
/// the key browsers subscribe with), GIF search and TURN.
#[utoipa::path(get, path = "/auth/config", tag = "auth",
    responses((status = 200, body = AuthConfig)))]
async fn auth_config(State(state): State<AppState>) -> Result<Json<AuthConfig>> {
    let config = &state.core.config;
    let setup_required = !state.core.has_owner().await?;
    Ok(Json(AuthConfig {
        registration_mode: config.registration_mode,
        setup_required,
        password_login_enabled: !config.password_login_disabled(),
        sso_enabled: state.core.sso_enabled(),
        sso_available: state.core.sso_available(),
        community_creation_mode: config.community_creation_mode,
        public_url: config.public_url.clone(),
        push_enabled: state.core.push_enabled(),
        vapid_public_key: state.core.vapid_public_key(),
        gifs_enabled: state.core.gifs_enabled(),
        turn_enabled: config.turn.relays(),
        max_file_size_bytes: config.files.max_file_size_bytes,
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
    }))
}

/// Creates an account and signs it in. The first account becomes the instance
/// owner. Returns the recovery code once.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, body = AuthResponse, description = "Account created and signed in"),
        (status = 400, body = ErrorBody, description = "Invalid input"),
        (status = 403, body = ErrorBody, description = "Registration closed, invite required, invalid, expired or used up"),
        (status = 409, body = ErrorBody, description = "Username or email taken"),
        (status = 429, body = ErrorBody, description = "Rate limited"),
    ))]
async fn register(
    State(state): State<AppState>,
    meta: RequestMeta,
    Json(body): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<AuthResponse>)> {
    let registration = Registration {
        username: body.username,
        display_name: body.display_name,
        password: body.password,
        email: body.email,
        invite_code: body.invite_code,
    };
    let signed_in = state.core.register(registration, &meta).await?;
    Ok((StatusCode::CREATED, Json(signed_in.into())))
}

/// Signs in with username (or email) and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse, description = "Signed in, or (with 2FA) a challenge for `POST /api/auth/login/2fa`"),
        (status = 401, body = ErrorBody, description = "Invalid username or password"),
        (status = 403, body = ErrorBody, description = "Account suspended or password login disabled"),
        (status = 429, body = ErrorBody, description = "Rate limited or locked after failed attempts"),
    ))]
async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    Json(body): Json<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let signed_in = state
        .core
        .login(&body.username, &body.password, &meta)
        .await?;
    Ok(Json(signed_in.into()))
}

/// Trades a refresh token for a new token pair. Each refresh token works once;
/// presenting a used one ends its session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = Tokens),
        (status = 401, body = ErrorBody, description = "Invalid, expired or reused refresh token"),
    ))]
async fn refresh(
    State(state): State<AppState>,
    meta: RequestMeta,
    Json(body): Json<RefreshRequest>,
) -> Result<Json<Tokens>> {
    Ok(Json(
        state.core.refresh(&body.refresh_token, &meta).await?.into(),
    ))
}

/// Ends the current session.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
) -> Result<StatusCode> {
    state.core.logout(&actor, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Resets a forgotten password with the recovery code. Ends every session, signs
/// in anew and returns a new recovery code.
#[utoipa::path(post, path = "/auth/recover", tag = "auth", request_body = RecoverRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody, description = "Wrong username or recovery code, or a 2FA code is missing or wrong"),
        (status = 429, body = ErrorBody),
    ))]
async fn recover(
    State(state): State<AppState>,
    meta: RequestMeta,
    Json(body): Json<RecoverRequest>,
) -> Result<Json<AuthResponse>> {
    let signed_in = state
        .core
        .recover_account(
            &body.username,
            &body.recovery_code,
            &body.new_password,
            body.two_factor_code.as_deref(),
            &meta,
        )
        .await?;
    Ok(Json(signed_in.into()))
}
