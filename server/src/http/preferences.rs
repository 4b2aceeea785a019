//! Display preferences (`/api/account/preferences`).

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::ErrorBody;
use super::extract::Json;
use crate::api::{PreferencesUpdate, PreferencesView};
use crate::domain::Actor;
use crate::domain::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_preferences, update_preferences))
}

/// The caller's display preferences (the defaults until they change one).
#[utoipa::path(get, path = "/account/preferences", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = PreferencesView), (status = 401, body = ErrorBody)))]
async fn my_preferences(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<PreferencesView>> {
    Ok(Json(state.core.my_preferences(&actor).await?))
}

/// Changes the fields sent; the caller's other devices get `preferences_updated`.
#[utoipa::path(patch, path = "/account/preferences", tag = "account", security(("bearer" = [])),
    request_body = PreferencesUpdate,
    responses((status = 200, body = PreferencesView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn update_preferences(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<PreferencesUpdate>,
) -> Result<Json<PreferencesView>> {
    Ok(Json(state.core.update_preferences(&actor, body).await?))
}
