//! GIF search through the server (`/api/gifs`) and feedback (`/api/feedback`, and the
//! administrators' list).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{FeedbackListParams, FeedbackRequest, FeedbackView, GifPageView, GifSearchParams};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_gifs))
        .routes(routes!(send_feedback))
        .routes(routes!(feedback_list))
        .routes(routes!(delete_feedback))
}

/// GIFs matching `q`, or trending ones without it (Giphy, with the instance's content
/// rating; the server's key is never sent to clients).
#[utoipa::path(get, path = "/gifs", tag = "integrations", security(("bearer" = [])),
    params(GifSearchParams),
    responses(
        (status = 200, body = GifPageView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "`gifs_disabled`: no `GIPHY_API_KEY`"),
        (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "`gifs_unavailable`: Giphy did not answer"),
    ))]
async fn search_gifs(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<GifSearchParams>,
) -> Result<Json<GifPageView>> {
    Ok(Json(
        state
            .core
            .search_gifs(&actor, params.q.as_deref(), params.limit, params.offset)
            .await?,
    ))
}

/// Sends feedback: kept for administrators, and filed as a GitHub issue when the
/// GitHub variables are set (a GitHub failure is recorded, the feedback kept). Five
/// an hour per person.
#[utoipa::path(post, path = "/feedback", tag = "integrations", security(("bearer" = [])),
    request_body = FeedbackRequest,
    responses(
        (status = 201, body = FeedbackView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
async fn send_feedback(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<FeedbackRequest>,
) -> Result<(StatusCode, Json<FeedbackView>)> {
    let sent = state.core.send_feedback(&actor, body, &meta).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

/// Feedback, newest first (instance administrators).
#[utoipa::path(get, path = "/admin/feedback", tag = "admin", security(("bearer" = [])),
    params(FeedbackListParams),
    responses((status = 200, body = Vec<FeedbackView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn feedback_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<FeedbackListParams>,
) -> Result<Json<Vec<FeedbackView>>> {
    Ok(Json(
        state
            .core
            .feedback_list(&actor, params.before, params.limit)
            .await?,
    ))
}

/// Deletes one piece of feedback (instance administrators; audited).
#[utoipa::path(delete, path = "/admin/feedback/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_feedback(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_feedback(&actor, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
