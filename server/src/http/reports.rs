//! Reports (`/api/reports`): making them, and reviewing them.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    DismissReportRequest, MyReportsParams, NewReportRequest, ReportListParams, ReportView,
    ResolveReportRequest,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_report, review_reports))
        .routes(routes!(my_reports))
        .routes(routes!(resolve_report))
        .routes(routes!(dismiss_report))
}

/// Reports a message the caller can read, or a person. Ten an hour per person; one
/// open report per person and message (or person reported).
#[utoipa::path(post, path = "/reports", tag = "moderation", security(("bearer" = [])),
    request_body = NewReportRequest,
    responses(
        (status = 201, body = ReportView),
        (status = 400, body = ErrorBody, description = "invalid, or `cannot_report_self`"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such message or person (or not visible)"),
        (status = 409, body = ErrorBody, description = "`already_reported`"),
        (status = 429, body = ErrorBody),
    ))]
async fn create_report(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<NewReportRequest>,
) -> Result<(StatusCode, Json<ReportView>)> {
    let report = state.core.create_report(&actor, body, &meta).await?;
    Ok((StatusCode::CREATED, Json(report)))
}

/// Reports to review, newest first: every one for instance administrators, those in
/// communities the caller moderates for community moderators and up.
#[utoipa::path(get, path = "/reports", tag = "moderation", security(("bearer" = [])),
    params(ReportListParams),
    responses(
        (status = 200, body = Vec<ReportView>),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`not_a_moderator`, or not a moderator of `community_id`"),
        (status = 404, body = ErrorBody, description = "no such community (`community_id`), or not a member"),
    ))]
async fn review_reports(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<ReportListParams>,
) -> Result<Json<Vec<ReportView>>> {
    Ok(Json(state.core.reports_for_review(&actor, params).await?))
}

/// The reports the caller made, with their outcomes, newest first.
#[utoipa::path(get, path = "/reports/mine", tag = "moderation", security(("bearer" = [])),
    params(MyReportsParams),
    responses((status = 200, body = Vec<ReportView>), (status = 401, body = ErrorBody)))]
async fn my_reports(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<MyReportsParams>,
) -> Result<Json<Vec<ReportView>>> {
    Ok(Json(
        state
            .core
            .my_reports(&actor, params.before, params.limit)
            .await?,
    ))
}

/// Resolves an open report: first acts as asked (each action with its usual rules:
/// outranking the person, `suspend` for instance administrators), then closes it.
#[utoipa::path(post, path = "/reports/{id}/resolve", tag = "moderation", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ResolveReportRequest,
    responses(
        (status = 200, body = ReportView),
        (status = 400, body = ErrorBody, description = "invalid, `no_community`, `no_message`"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`report_closed`, `target_gone`"),
    ))]
async fn resolve_report(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    Json(body): Json<ResolveReportRequest>,
) -> Result<Json<ReportView>> {
    Ok(Json(
        state.core.resolve_report(&actor, id, body, &meta).await?,
    ))
}

/// Closes an open report without acting on it.
#[utoipa::path(post, path = "/reports/{id}/dismiss", tag = "moderation", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DismissReportRequest,
    responses(
        (status = 200, body = ReportView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`report_closed`"),
    ))]
async fn dismiss_report(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    Json(body): Json<DismissReportRequest>,
) -> Result<Json<ReportView>> {
    Ok(Json(
        state.core.dismiss_report(&actor, id, body, &meta).await?,
    ))
}
