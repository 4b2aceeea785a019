//! Purges (`/api/admin/purges`): starting them and following their progress.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{NewPurgeRequest, PurgeJobView, PurgeListParams};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_purge, list_purges))
        .routes(routes!(purge_job))
}

/// Starts removing messages for good, in the background (instance administrators;
/// audited). Follow it with `GET /api/admin/purges/{id}` or `purge_updated` events.
#[utoipa::path(post, path = "/admin/purges", tag = "admin", security(("bearer" = [])),
    request_body = NewPurgeRequest,
    responses(
        (status = 202, body = PurgeJobView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such message, person, community or channel"),
    ))]
async fn start_purge(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<NewPurgeRequest>,
) -> Result<(StatusCode, Json<PurgeJobView>)> {
    let job = state.core.start_purge(&actor, body, &meta).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Purge jobs, newest first.
#[utoipa::path(get, path = "/admin/purges", tag = "admin", security(("bearer" = [])),
    params(PurgeListParams),
    responses((status = 200, body = Vec<PurgeJobView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_purges(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<PurgeListParams>,
) -> Result<Json<Vec<PurgeJobView>>> {
    Ok(Json(
        state
            .core
            .purge_jobs(&actor, params.before, params.limit)
            .await?,
    ))
}

/// One purge job and its progress.
#[utoipa::path(get, path = "/admin/purges/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PurgeJobView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn purge_job(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<Json<PurgeJobView>> {
    Ok(Json(state.core.purge_job(&actor, id).await?))
}
