//! `/api/health` and `/api/openapi.json`.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::Json;
use crate::api::Health;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(openapi_json))
}

/// Liveness and database reachability, for load balancers and Docker.
#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Health, description = "Database unreachable")))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database_ok = state.core.db_ping().await;
    let status = if database_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" }.to_owned();
    (
        status,
        Json(Health {
            status: word(database_ok),
            database: word(database_ok),
            version: env!("CARGO_PKG_VERSION").into(),
        }),
    )
}

/// This API's OpenAPI 3 document.
#[utoipa::path(get, path = "/openapi.json", tag = "system",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json")))]
async fn openapi_json(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi_json.clone(),
    )
}
