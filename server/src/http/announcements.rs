//! Announcements: what people see (`/api/announcements`) and what administrators
//! post (`/api/admin/announcements`).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    AdminAnnouncementView, AnnouncementListParams, AnnouncementView, NewAnnouncementRequest,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_announcements))
        .routes(routes!(dismiss_announcement))
        .routes(routes!(list_announcements, create_announcement))
        .routes(routes!(delete_announcement))
}

/// Announcements to show the caller: not expired, not dismissed. New ones arrive as
/// `announcement_created`, withdrawn or dismissed ones as `announcement_removed`.
#[utoipa::path(get, path = "/announcements", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Vec<AnnouncementView>), (status = 401, body = ErrorBody)))]
async fn my_announcements(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<AnnouncementView>>> {
    Ok(Json(state.core.my_announcements(&actor).await?))
}

/// Hides an announcement for the caller on every device (idempotent).
#[utoipa::path(post, path = "/announcements/{id}/dismiss", tag = "account", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn dismiss_announcement(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.dismiss_announcement(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every announcement, newest first, with how many people dismissed it.
#[utoipa::path(get, path = "/admin/announcements", tag = "admin", security(("bearer" = [])),
    params(AnnouncementListParams),
    responses((status = 200, body = Vec<AdminAnnouncementView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_announcements(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<AnnouncementListParams>,
) -> Result<Json<Vec<AdminAnnouncementView>>> {
    Ok(Json(
        state
            .core
            .announcements_admin(&actor, params.before, params.limit)
            .await?,
    ))
}

/// Posts an announcement to everyone (audited); connected clients get it at once.
#[utoipa::path(post, path = "/admin/announcements", tag = "admin", security(("bearer" = [])),
    request_body = NewAnnouncementRequest,
    responses(
        (status = 201, body = AnnouncementView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn create_announcement(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<NewAnnouncementRequest>,
) -> Result<(StatusCode, Json<AnnouncementView>)> {
    let created = state.core.create_announcement(&actor, body, &meta).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Withdraws an announcement everywhere (audited).
#[utoipa::path(delete, path = "/admin/announcements/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_announcement(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_announcement(&actor, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
