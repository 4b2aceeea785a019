//! Incoming webhooks: managed under `/api/channels/{id}/webhooks` and
//! `/api/webhooks/{id}`; posted to at `/api/hooks/{id}/{token}` without signing in.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{
    CreateWebhookRequest, UpdateWebhookRequest, WebhookPostRequest, WebhookPosted, WebhookView,
    WebhookWithUrl,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(channel_webhooks, create_webhook))
        .routes(routes!(rename_webhook, delete_webhook))
        .routes(routes!(rotate_webhook))
        .routes(routes!(post_webhook))
}

/// The channel's webhooks (those who may edit the channel).
#[utoipa::path(get, path = "/channels/{channel_id}/webhooks", tag = "integrations", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)),
    responses((status = 200, body = Vec<WebhookView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn channel_webhooks(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
) -> Result<Json<Vec<WebhookView>>> {
    Ok(Json(state.core.channel_webhooks(&actor, channel_id).await?))
}

/// Creates a webhook (at most 10 per channel); its URL is in this answer only.
/// Without `PUBLIC_URL` the URL is a path on this server.
#[utoipa::path(post, path = "/channels/{channel_id}/webhooks", tag = "integrations", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)), request_body = CreateWebhookRequest,
    responses(
        (status = 201, body = WebhookWithUrl),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Not allowed to edit this channel"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`webhook_limit`"),
    ))]
async fn create_webhook(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(channel_id): Path<Uuid>,
    Json(body): Json<CreateWebhookRequest>,
) -> Result<(StatusCode, Json<WebhookWithUrl>)> {
    let created = state
        .core
        .create_webhook(&actor, channel_id, &body.name, &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Renames a webhook (the name its messages show).
#[utoipa::path(patch, path = "/webhooks/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateWebhookRequest,
    responses((status = 200, body = WebhookView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn rename_webhook(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateWebhookRequest>,
) -> Result<Json<WebhookView>> {
    Ok(Json(
        state
            .core
            .rename_webhook(&actor, id, &body.name, &meta)
            .await?,
    ))
}

/// Revokes a webhook; what it posted stays.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_webhook(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_webhook(&actor, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new URL for the webhook; the old one stops working.
#[utoipa::path(post, path = "/webhooks/{id}/token", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = WebhookWithUrl), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn rotate_webhook(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Json<WebhookWithUrl>> {
    Ok(Json(state.core.rotate_webhook(&actor, id, &meta).await?))
}

/// Posts a message through a webhook (no sign-in: the URL is the secret). About one
/// post a second per webhook, in bursts of up to ten.
#[utoipa::path(post, path = "/hooks/{id}/{token}", tag = "integrations",
    params(("id" = Uuid, Path), ("token" = String, Path)), request_body = WebhookPostRequest,
    responses(
        (status = 201, body = WebhookPosted),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody, description = "`invalid_webhook_token`: unknown, revoked or replaced"),
        (status = 403, body = ErrorBody, description = "`channel_archived`"),
        (status = 429, body = ErrorBody, description = "Posting too fast; `Retry-After` says when"),
    ))]
async fn post_webhook(
    State(state): State<AppState>,
    Path((id, token)): Path<(Uuid, String)>,
    Json(body): Json<WebhookPostRequest>,
) -> Result<(StatusCode, Json<WebhookPosted>)> {
    let posted = state.core.post_webhook(id, &token, &body.content).await?;
    Ok((StatusCode::CREATED, Json(posted)))
}
