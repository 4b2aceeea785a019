//! Messages over REST: history, send, edit, delete, edits, threads, forwarding,
//! reactions, pins, read state, typing. The WebSocket actions call the same domain
//! functions.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    EditMessageRequest, EditsParams, ForwardRequest, HistoryParams, MarkReadRequest,
    MessageEditView, MessageView, SendMessageRequest, ThreadParams, UnreadView,
};
use crate::api::{SearchParams, SearchResult};
use crate::domain::Actor;
use crate::domain::error::Result;
use crate::domain::messages::{HistoryQuery, NewMessage, SearchQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(history, send_message))
        .routes(routes!(edit_message, delete_message))
        .routes(routes!(message_edits))
        .routes(routes!(thread))
        .routes(routes!(forward_message))
        .routes(routes!(add_reaction, remove_reaction))
        .routes(routes!(pinned_messages))
        .routes(routes!(pin_message, unpin_message))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
        .routes(routes!(unread))
        .routes(routes!(typing))
        .routes(routes!(search_messages))
}

/// Full-text search over the messages the caller may read, best matches first.
#[utoipa::path(get, path = "/search", tag = "messages", security(("bearer" = [])),
    params(SearchParams),
    responses((status = 200, body = Vec<SearchResult>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn search_messages(
    State(state): State<AppState>,
    actor: Actor,
    Query(p): Query<SearchParams>,
) -> Result<Json<Vec<SearchResult>>> {
    let query = SearchQuery {
        q: p.q,
        channel_id: p.channel_id,
        author_id: p.author_id,
        since: p.since,
        until: p.until,
        has_file: p.has_file,
        limit: p.limit,
        offset: p.offset,
    };
    Ok(Json(state.core.search(&actor, query).await?))
}

/// A page of the channel's timeline, oldest first (thread replies are in threads).
#[utoipa::path(get, path = "/channels/{channel_id}/messages", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path), HistoryParams),
    responses((status = 200, body = Vec<MessageView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn history(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
    Query(p): Query<HistoryParams>,
) -> Result<Response> {
    let query = HistoryQuery {
        before: p.before,
        after: p.after,
        around: p.around,
        limit: p.limit,
    };
    let json = state.core.history(&actor, channel_id, query).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// Sends a message (or a thread reply); everyone in the channel gets it live.
#[utoipa::path(post, path = "/channels/{channel_id}/messages", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)), request_body = SendMessageRequest,
    responses(
        (status = 201, body = MessageView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Read-only, archived, timed out or blocked"),
        (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "Slow mode or rate limit"),
    ))]
async fn send_message(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
    Json(body): Json<SendMessageRequest>,
) -> Result<(StatusCode, Json<MessageView>)> {
    let input = NewMessage {
        content: body.content,
        attachment_ids: body.attachment_ids,
        reply_to_id: body.reply_to_id,
        thread_id: body.thread_id,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.core.send_message(&actor, channel_id, input).await?),
    ))
}

/// Edits one's own message (the previous text is kept in its history).
#[utoipa::path(patch, path = "/messages/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path)), request_body = EditMessageRequest,
    responses((status = 200, body = MessageView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn edit_message(
    State(state): State<AppState>,
    actor: Actor,
    Path(message_id): Path<Uuid>,
    Json(body): Json<EditMessageRequest>,
) -> Result<Json<MessageView>> {
    Ok(Json(
        state
            .core
            .edit_message(&actor, message_id, &body.content)
            .await?,
    ))
}

/// Deletes a message (its author, or moderators).
#[utoipa::path(delete, path = "/messages/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_message(
    State(state): State<AppState>,
    actor: Actor,
    Path(message_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_message(&actor, message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Earlier versions of an edited message, oldest first, a page at a time.
#[utoipa::path(get, path = "/messages/{message_id}/edits", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path), EditsParams),
    responses((status = 200, body = Vec<MessageEditView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn message_edits(
    State(state): State<AppState>,
    actor: Actor,
    Path(message_id): Path<Uuid>,
    Query(p): Query<EditsParams>,
) -> Result<Json<Vec<MessageEditView>>> {
    Ok(Json(
        state
            .core
            .message_edits(&actor, message_id, p.after, p.limit)
            .await?,
    ))
}

/// The replies of a thread, oldest first.
#[utoipa::path(get, path = "/messages/{message_id}/thread", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path), ThreadParams),
    responses((status = 200, body = Vec<MessageView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn thread(
    State(state): State<AppState>,
    actor: Actor,
    Path(message_id): Path<Uuid>,
    Query(p): Query<ThreadParams>,
) -> Result<Json<Vec<MessageView>>> {
    Ok(Json(
        state
            .core
            .thread(&actor, message_id, p.after, p.limit)
            .await?,
    ))
}

/// Forwards a message to another channel, with attribution.
#[utoipa::path(post, path = "/messages/{message_id}/forward", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path)), request_body = ForwardRequest,
    responses((status = 201, body = MessageView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn forward_message(
    State(state): State<AppState>,
    actor: Actor,
    Path(message_id): Path<Uuid>,
    Json(body): Json<ForwardRequest>,
) -> Result<(StatusCode, Json<MessageView>)> {
    let view = state
        .core
        .forward_message(&actor, message_id, body.channel_id, body.comment.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Reacts with an emoji (URL-encoded; custom emoji as `:name:`).
#[utoipa::path(put, path = "/messages/{message_id}/reactions/{emoji}", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path), ("emoji" = String, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn add_reaction(
    State(state): State<AppState>,
    actor: Actor,
    Path((message_id, emoji)): Path<(Uuid, String)>,
) -> Result<StatusCode> {
    state.core.add_reaction(&actor, message_id, &emoji).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/messages/{message_id}/reactions/{emoji}", tag = "messages", security(("bearer" = [])),
    params(("message_id" = Uuid, Path), ("emoji" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_reaction(
    State(state): State<AppState>,
    actor: Actor,
    Path((message_id, emoji)): Path<(Uuid, String)>,
) -> Result<StatusCode> {
    state
        .core
        .remove_reaction(&actor, message_id, &emoji)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The channel's pinned messages, most recently pinned first.
#[utoipa::path(get, path = "/channels/{channel_id}/pins", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)),
    responses((status = 200, body = Vec<MessageView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn pinned_messages(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
) -> Result<Json<Vec<MessageView>>> {
    Ok(Json(state.core.pinned_messages(&actor, channel_id).await?))
}

/// Pins a message (moderators; anyone in a DM). At most 50 per channel.
#[utoipa::path(put, path = "/channels/{channel_id}/pins/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path), ("message_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn pin_message(
    State(state): State<AppState>,
    actor: Actor,
    Path((channel_id, message_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    state
        .core
        .set_pinned(&actor, channel_id, message_id, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/channels/{channel_id}/pins/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path), ("message_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn unpin_message(
    State(state): State<AppState>,
    actor: Actor,
    Path((channel_id, message_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    state
        .core
        .set_pinned(&actor, channel_id, message_id, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves the caller's read cursor forward.
#[utoipa::path(post, path = "/channels/{channel_id}/read", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)), request_body = MarkReadRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn mark_read(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
    Json(body): Json<MarkReadRequest>,
) -> Result<StatusCode> {
    state
        .core
        .mark_read(&actor, channel_id, body.message_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks every channel read.
#[utoipa::path(post, path = "/read-all", tag = "messages", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn mark_all_read(State(state): State<AppState>, actor: Actor) -> Result<StatusCode> {
    state.core.mark_all_read(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unread and mention counts per readable channel.
#[utoipa::path(get, path = "/unread", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Vec<UnreadView>), (status = 401, body = ErrorBody)))]
async fn unread(State(state): State<AppState>, actor: Actor) -> Result<Json<Vec<UnreadView>>> {
    Ok(Json(state.core.unread(&actor).await?))
}

/// Tells the channel the caller is typing (throttled to one event per 3 s).
#[utoipa::path(post, path = "/channels/{channel_id}/typing", tag = "messages", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn typing(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.typing(&actor, channel_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
