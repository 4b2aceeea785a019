//! Message quarantine (`/api/messages/{id}/quarantine`): hiding a message from
//! everyone but moderators and staff, and releasing it.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::MessageView;
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(quarantine_message, release_message))
}

/// Quarantines a message: members see a placeholder in its place, the community's
/// moderators and the instance's staff the whole message. Moderators and up who
/// outrank its author; idempotent; audited as `message.quarantined`.
#[utoipa::path(put, path = "/messages/{message_id}/quarantine", tag = "moderation", security(("bearer" = [])),
    params(("message_id" = Uuid, Path)),
    responses(
        (status = 200, body = MessageView, description = "the message as staff see it"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`insufficient_role`, `target_outranks_you`"),
        (status = 404, body = ErrorBody),
    ))]
async fn quarantine_message(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(message_id): Path<Uuid>,
) -> Result<Json<MessageView>> {
    let view = state
        .core
        .set_message_quarantine(&actor, message_id, true, &meta)
        .await?;
    Ok(Json(view))
}

/// Releases a quarantined message: everyone who reads the channel sees it again.
/// Idempotent; audited as `message.unquarantined`.
#[utoipa::path(delete, path = "/messages/{message_id}/quarantine", tag = "moderation", security(("bearer" = [])),
    params(("message_id" = Uuid, Path)),
    responses(
        (status = 200, body = MessageView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`insufficient_role`, `target_outranks_you`"),
        (status = 404, body = ErrorBody),
    ))]
async fn release_message(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(message_id): Path<Uuid>,
) -> Result<Json<MessageView>> {
    let view = state
        .core
        .set_message_quarantine(&actor, message_id, false, &meta)
        .await?;
    Ok(Json(view))
}
