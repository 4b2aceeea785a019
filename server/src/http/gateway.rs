//! `GET /ws`: upgrades to the WebSocket gateway.

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ErrorBody, error_response};

/// The largest frame a client may send (RT-4).
const MAX_FRAME: usize = 1024 * 1024;
/// Bytes of frames gathered before the socket is written to, within one batch.
const WRITE_GATHER: usize = 16 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(websocket))
}

/// The real-time gateway. Upgrade, then send `{"type":"authenticate","token":…}`
/// within 10 s; see the protocol in `docs/realtime.md`.
#[utoipa::path(get, path = "/ws", tag = "realtime",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, body = ErrorBody, description = "Not a WebSocket upgrade"),
    ))]
async fn websocket(
    State(state): State<AppState>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // Not an upgrade: the API's JSON error, not axum's plain-text rejection.
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    code: "not_websocket_upgrade".into(),
                    message: rejection.body_text(),
                    field: None,
                    retry_after: None,
                },
            );
        }
    };
    upgrade
        .max_frame_size(MAX_FRAME)
        .max_message_size(MAX_FRAME)
        // A small read buffer keeps idle connections cheap. Frames are gathered up to
        // WRITE_GATHER bytes before a write and the rest at each flush, so a batch
        // is one system call (with 0, every frame was written on its own).
        .read_buffer_size(1024)
        .write_buffer_size(WRITE_GATHER)
        .on_upgrade(move |socket| crate::gateway::run(socket, state.core))
}
