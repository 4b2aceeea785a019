//! Calls: the ICE servers (STUN/TURN) a client connects through.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::ErrorBody;
use super::extract::Json;
use crate::api::IceConfigView;
use crate::domain::Actor;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(turn_credentials))
}

/// ICE servers for a call: short-lived TURN credentials (coturn's REST-API scheme)
/// when the server has a TURN secret and URLs, otherwise the configured
/// `ICE_SERVERS` or public STUN. Fetch them at the start of each call.
#[utoipa::path(get, path = "/account/turn-credentials", tag = "voice", security(("bearer" = [])),
    responses((status = 200, body = IceConfigView), (status = 401, body = ErrorBody)))]
async fn turn_credentials(State(state): State<AppState>, actor: Actor) -> Json<IceConfigView> {
    Json(state.core.ice_config(&actor))
}
