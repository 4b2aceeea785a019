//! Calls: the ICE servers (STUN/TURN) a client connects through, who is in a voice
//! channel's call, and moderators disconnecting someone. Joining, leaving and
//! negotiating happen over the WebSocket (docs/realtime.md).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{IceConfigView, VoiceCallView};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(turn_credentials))
        .routes(routes!(voice_call))
        .routes(routes!(disconnect_participant))
}

/// ICE servers for a call: short-lived TURN credentials (coturn's REST-API scheme)
/// when the server has a TURN secret and URLs, otherwise the configured
/// `ICE_SERVERS` or public STUN. Fetch them at the start of each call.
#[utoipa::path(get, path = "/account/turn-credentials", tag = "voice", security(("bearer" = [])),
    responses((status = 200, body = IceConfigView), (status = 401, body = ErrorBody)))]
async fn turn_credentials(State(state): State<AppState>, actor: Actor) -> Json<IceConfigView> {
    Json(state.core.ice_config(&actor))
}

/// Who is in a voice channel's call (readers of the channel).
#[utoipa::path(get, path = "/channels/{channel_id}/voice", tag = "voice", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)),
    responses(
        (status = 200, body = VoiceCallView),
        (status = 400, body = ErrorBody, description = "not a voice channel"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn voice_call(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
) -> Result<Json<VoiceCallView>> {
    Ok(Json(state.core.voice_call(&actor, channel_id).await?))
}

/// Disconnects someone from a voice channel's call (moderators and up, acting on
/// people below them; audited).
#[utoipa::path(delete, path = "/channels/{channel_id}/voice/participants/{user_id}", tag = "voice", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses(
        (status = 204),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such channel, or the person is not in its call"),
    ))]
async fn disconnect_participant(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path((channel_id, user_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    state
        .core
        .disconnect_from_voice(&actor, channel_id, user_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
