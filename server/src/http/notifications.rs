//! Notification settings and push subscriptions: `/api/account/notifications…` and
//! `/api/account/push-subscriptions…`.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use crate::api::{
    NotificationSettingsView, PushSubscriptionInput, PushSubscriptionView, PushUnsubscribeRequest,
    ScopeNotificationInput, UpdateNotificationSettings,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notification_settings, update_notification_settings))
        .routes(routes!(set_community_notifications))
        .routes(routes!(set_channel_notifications))
        .routes(routes!(push_subscriptions, subscribe_push))
        .routes(routes!(unsubscribe_push))
        .routes(routes!(delete_push_subscription))
        .routes(routes!(test_push))
}

/// The caller's notification settings: keywords, sounds, desktop notifications,
/// do-not-disturb, and their levels and mutes per community and channel.
#[utoipa::path(get, path = "/account/notifications", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = NotificationSettingsView), (status = 401, body = ErrorBody)))]
async fn notification_settings(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<NotificationSettingsView>> {
    Ok(Json(state.core.notification_settings(&actor).await?))
}

/// Changes the caller's general notification settings (absent fields are kept).
#[utoipa::path(patch, path = "/account/notifications", tag = "notifications", security(("bearer" = [])),
    request_body = UpdateNotificationSettings,
    responses((status = 200, body = NotificationSettingsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn update_notification_settings(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<UpdateNotificationSettings>,
) -> Result<Json<NotificationSettingsView>> {
    Ok(Json(
        state
            .core
            .update_notification_settings(&actor, body)
            .await?,
    ))
}

/// Sets the caller's level, mute and `@everyone` choice for a community they belong
/// to (all defaults removes it).
#[utoipa::path(put, path = "/account/notifications/communities/{id}", tag = "notifications",
    security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ScopeNotificationInput,
    responses((status = 200, body = NotificationSettingsView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_community_notifications(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
    Json(body): Json<ScopeNotificationInput>,
) -> Result<Json<NotificationSettingsView>> {
    Ok(Json(
        state
            .core
            .set_community_notifications(&actor, id, body)
            .await?,
    ))
}

/// Sets the caller's level, mute and `@everyone` choice for a channel or DM they may
/// read (all defaults removes it).
#[utoipa::path(put, path = "/account/notifications/channels/{id}", tag = "notifications",
    security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ScopeNotificationInput,
    responses((status = 200, body = NotificationSettingsView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_channel_notifications(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
    Json(body): Json<ScopeNotificationInput>,
) -> Result<Json<NotificationSettingsView>> {
    Ok(Json(
        state
            .core
            .set_channel_notifications(&actor, id, body)
            .await?,
    ))
}

/// The caller's devices that receive pushes.
#[utoipa::path(get, path = "/account/push-subscriptions", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Vec<PushSubscriptionView>), (status = 401, body = ErrorBody)))]
async fn push_subscriptions(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<PushSubscriptionView>>> {
    Ok(Json(state.core.push_subscriptions(&actor).await?))
}

/// Subscribes this browser to pushes (the body is `PushSubscription.toJSON()`).
#[utoipa::path(post, path = "/account/push-subscriptions", tag = "notifications", security(("bearer" = [])),
    request_body = PushSubscriptionInput,
    responses((status = 201, body = PushSubscriptionView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "`push_disabled`: no VAPID keys on this server")))]
async fn subscribe_push(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<PushSubscriptionInput>,
) -> Result<(StatusCode, Json<PushSubscriptionView>)> {
    let view = state.core.subscribe_push(&actor, body, &meta).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Removes this browser's subscription (by its endpoint).
#[utoipa::path(post, path = "/account/push-subscriptions/unsubscribe", tag = "notifications",
    security(("bearer" = [])), request_body = PushUnsubscribeRequest,
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn unsubscribe_push(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<PushUnsubscribeRequest>,
) -> Result<StatusCode> {
    state.core.unsubscribe_push(&actor, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes one of the caller's devices.
#[utoipa::path(delete, path = "/account/push-subscriptions/{id}", tag = "notifications",
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_push_subscription(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_push_subscription(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a test notification to each of the caller's devices.
#[utoipa::path(post, path = "/account/push-subscriptions/test", tag = "notifications",
    security(("bearer" = [])),
    responses((status = 202), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "`push_disabled` or `no_subscriptions`")))]
async fn test_push(State(state): State<AppState>, actor: Actor) -> Result<StatusCode> {
    state.core.test_push(&actor).await?;
    Ok(StatusCode::ACCEPTED)
}
