//! The internal API the server calls (never published outside the Compose network):
//! every request carries `Authorization: Bearer <UPDATER_TOKEN>`.
//!
//! - `GET /v1/status`  running version, available releases, the current/last job
//! - `POST /v1/check`  re-reads the running version and the release feed
//! - `POST /v1/apply`  `{"version": "x.y.z"}` starts an update (202), 409 while one runs

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::update::{ApplyError, Updater};

pub fn router(updater: Arc<Updater>) -> Router {
    Router::new()
        .route("/v1/status", get(status))
        .route("/v1/check", post(check))
        .route("/v1/apply", post(apply))
        .layer(middleware::from_fn_with_state(updater.clone(), authorize))
        .with_state(updater)
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "error": code, "message": message.into() })),
    )
        .into_response()
}

async fn authorize(State(updater): State<Arc<Updater>>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let expected = updater.config.token.as_bytes();
    if presented.len() != expected.len() || !bool::from(presented.as_bytes().ct_eq(expected)) {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong updater token",
        );
    }
    next.run(request).await
}

async fn status(State(updater): State<Arc<Updater>>) -> Response {
    Json(updater.status()).into_response()
}

async fn check(State(updater): State<Arc<Updater>>) -> Response {
    Json(updater.check().await).into_response()
}

#[derive(Deserialize)]
struct ApplyRequest {
    version: String,
}

async fn apply(
    State(updater): State<Arc<Updater>>,
    body: Result<Json<ApplyRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "expected {\"version\": \"x.y.z\"}",
        );
    };
    match updater.begin(&body.version) {
        Ok((job, release)) => {
            let worker = updater.clone();
            tokio::spawn(async move {
                worker.run(release).await;
            });
            (StatusCode::ACCEPTED, Json(job)).into_response()
        }
        Err(e @ ApplyError::Busy) => error(StatusCode::CONFLICT, "update_running", e.to_string()),
        Err(e @ ApplyError::Unknown(_)) => {
            error(StatusCode::NOT_FOUND, "unknown_version", e.to_string())
        }
    }
}
