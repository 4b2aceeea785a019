//! Scheduled messages, bookmarks and polls over REST (MSG-4).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    BookmarkListParams, BookmarkPage, BookmarkRequest, CreatePollRequest, PollView,
    ScheduleRequest, ScheduledView, VoteRequest,
};
use crate::domain::Actor;
use crate::domain::error::Result;
use crate::domain::messages::NewPoll;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(schedule_message))
        .routes(routes!(scheduled_messages))
        .routes(routes!(cancel_scheduled))
        .routes(routes!(bookmarks))
        .routes(routes!(bookmark_message, remove_bookmark))
        .routes(routes!(create_poll))
        .routes(routes!(get_poll))
        .routes(routes!(vote))
        .routes(routes!(close_poll))
}

/// Schedules a message (up to 30 days ahead, 50 pending per user).
#[utoipa::path(post, path = "/channels/{channel_id}/scheduled", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)), request_body = ScheduleRequest,
    responses((status = 201, body = ScheduledView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn schedule_message(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
    Json(body): Json<ScheduleRequest>,
) -> Result<(StatusCode, Json<ScheduledView>)> {
    let view = state
        .core
        .schedule_message(&actor, channel_id, &body.content, body.send_at)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The caller's scheduled messages (pending, and failed with a reason).
#[utoipa::path(get, path = "/scheduled", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Vec<ScheduledView>), (status = 401, body = ErrorBody)))]
async fn scheduled_messages(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<ScheduledView>>> {
    Ok(Json(state.core.scheduled_messages(&actor).await?))
}

#[utoipa::path(delete, path = "/scheduled/{scheduled_id}", tag = "messages", security(("bearer" = [])),
    params(("scheduled_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn cancel_scheduled(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.cancel_scheduled(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's bookmarks, newest first, a page at a time.
#[utoipa::path(get, path = "/bookmarks", tag = "messages", security(("bearer" = [])),
    params(BookmarkListParams),
    responses((status = 200, body = BookmarkPage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
async fn bookmarks(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<BookmarkListParams>,
) -> Result<Json<BookmarkPage>> {
    let page = state
        .core
        .bookmarks(&actor, params.cursor.as_deref(), params.limit)
        .await?;
    Ok(Json(page))
}

/// Bookmarks a message, or changes the note of a bookmark.
#[utoipa::path(put, path = "/messages/{message_id}/bookmark", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path)), request_body = BookmarkRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn bookmark_message(
    State(state): State<AppState>,
    actor: Actor,
    Path(message_id): Path<Uuid>,
    Json(body): Json<BookmarkRequest>,
) -> Result<StatusCode> {
    state
        .core
        .bookmark(&actor, message_id, body.note.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/messages/{message_id}/bookmark", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_bookmark(
    State(state): State<AppState>,
    actor: Actor,
    Path(message_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.remove_bookmark(&actor, message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Posts a poll: a message showing it, with live results.
#[utoipa::path(post, path = "/channels/{channel_id}/polls", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)), request_body = CreatePollRequest,
    responses((status = 201, body = PollView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn create_poll(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
    Json(body): Json<CreatePollRequest>,
) -> Result<(StatusCode, Json<PollView>)> {
    let input = NewPoll {
        question: body.question,
        options: body.options,
        multi_select: body.multi_select,
        anonymous: body.anonymous,
        expires_in_minutes: body.expires_in_minutes,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.core.create_poll(&actor, channel_id, input).await?),
    ))
}

#[utoipa::path(get, path = "/polls/{poll_id}", tag = "messages", security(("bearer" = [])),
    params(("poll_id" = Uuid, Path)),
    responses((status = 200, body = PollView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_poll(
    State(state): State<AppState>,
    actor: Actor,
    Path(poll_id): Path<Uuid>,
) -> Result<Json<PollView>> {
    Ok(Json(state.core.poll_view(&actor, poll_id).await?))
}

/// Votes (replacing earlier votes); an empty list withdraws.
#[utoipa::path(put, path = "/polls/{poll_id}/votes", tag = "messages", security(("bearer" = [])),
    params(("poll_id" = Uuid, Path)), request_body = VoteRequest,
    responses((status = 200, body = PollView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn vote(
    State(state): State<AppState>,
    actor: Actor,
    Path(poll_id): Path<Uuid>,
    Json(body): Json<VoteRequest>,
) -> Result<Json<PollView>> {
    Ok(Json(state.core.vote(&actor, poll_id, &body.options).await?))
}

/// Closes a poll (its creator or a moderator).
#[utoipa::path(post, path = "/polls/{poll_id}/close", tag = "messages", security(("bearer" = [])),
    params(("poll_id" = Uuid, Path)),
    responses((status = 200, body = PollView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn close_poll(
    State(state): State<AppState>,
    actor: Actor,
    Path(poll_id): Path<Uuid>,
) -> Result<Json<PollView>> {
    Ok(Json(state.core.close_poll(&actor, poll_id).await?))
}
