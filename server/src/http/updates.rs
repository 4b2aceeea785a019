//! `/api/admin/updates`: the running version and managed updates (ADM-9).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::ErrorBody;
use super::extract::Json;
use crate::api::{ApplyUpdateRequest, UpdatesView};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(updates))
        .routes(routes!(check_updates))
        .routes(routes!(apply_update))
}

/// The running version and, with the updater sidecar, available versions and the
/// current or last update.
#[utoipa::path(get, path = "/admin/updates", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = UpdatesView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn updates(State(state): State<AppState>, actor: Actor) -> Result<Json<UpdatesView>> {
    Ok(Json(state.core.updates(&actor).await?))
}

/// Looks for new versions now.
#[utoipa::path(post, path = "/admin/updates/check", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = UpdatesView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "No updater sidecar is configured"),
        (status = 503, body = ErrorBody, description = "The updater does not answer"),
    ))]
async fn check_updates(State(state): State<AppState>, actor: Actor) -> Result<Json<UpdatesView>> {
    Ok(Json(state.core.check_updates(&actor).await?))
}

/// Starts the update to an available version (audited): backup, pull by digest,
/// restart, health check, and rollback of image and database if it stays unhealthy.
#[utoipa::path(post, path = "/admin/updates/apply", tag = "admin", security(("bearer" = [])),
    request_body = ApplyUpdateRequest,
    responses(
        (status = 202, body = UpdatesView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "Not an available version"),
        (status = 409, body = ErrorBody, description = "An update is running, or no updater is configured"),
        (status = 503, body = ErrorBody, description = "The updater does not answer"),
    ))]
async fn apply_update(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<ApplyUpdateRequest>,
) -> Result<(StatusCode, Json<UpdatesView>)> {
    let view = state.core.apply_update(&actor, body, &meta).await?;
    Ok((StatusCode::ACCEPTED, Json(view)))
}
