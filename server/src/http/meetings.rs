//! Meetings over REST (MEET-1) and the email outbox for administrators (MEET-3).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    MeetingChangesRequest, MeetingList, MeetingListParams, MeetingView, NewMeetingRequest,
    OccurrenceChangeRequest, OccurrenceView, OutboxEntryView, OutboxParams, OutboxView,
    RsvpRequest,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(channel_meetings, schedule_meeting))
        .routes(routes!(meeting, update_meeting, cancel_meeting))
        .routes(routes!(change_occurrence, cancel_occurrence))
        .routes(routes!(rsvp, withdraw_rsvp))
        .routes(routes!(outbox))
        .routes(routes!(retry_email))
}

/// A channel's meetings: upcoming occurrences soonest first, or past ones latest
/// first (within a year), and the series they belong to.
#[utoipa::path(get, path = "/channels/{channel_id}/meetings", tag = "meetings", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path), MeetingListParams),
    responses((status = 200, body = MeetingList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn channel_meetings(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
    Query(params): Query<MeetingListParams>,
) -> Result<Json<MeetingList>> {
    Ok(Json(
        state
            .core
            .channel_meetings(&actor, channel_id, params)
            .await?,
    ))
}

/// Schedules a meeting in a channel (moderators and up); members with an email
/// address are sent a calendar invite when email is configured.
#[utoipa::path(post, path = "/channels/{channel_id}/meetings", tag = "meetings", security(("bearer" = [])),
    params(("channel_id" = Uuid, Path)), request_body = NewMeetingRequest,
    responses((status = 201, body = MeetingView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn schedule_meeting(
    State(state): State<AppState>,
    actor: Actor,
    Path(channel_id): Path<Uuid>,
    Json(body): Json<NewMeetingRequest>,
) -> Result<(StatusCode, Json<MeetingView>)> {
    let view = state
        .core
        .schedule_meeting(&actor, channel_id, body)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/meetings/{meeting_id}", tag = "meetings", security(("bearer" = [])),
    params(("meeting_id" = Uuid, Path)),
    responses((status = 200, body = MeetingView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn meeting(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<Json<MeetingView>> {
    Ok(Json(state.core.meeting(&actor, id).await?))
}

/// Changes a whole series (moderators and up); attendees get an updated invite.
#[utoipa::path(patch, path = "/meetings/{meeting_id}", tag = "meetings", security(("bearer" = [])),
    params(("meeting_id" = Uuid, Path)), request_body = MeetingChangesRequest,
    responses((status = 200, body = MeetingView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn update_meeting(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
    Json(body): Json<MeetingChangesRequest>,
) -> Result<Json<MeetingView>> {
    Ok(Json(state.core.update_meeting(&actor, id, body).await?))
}

/// Cancels a whole series (moderators and up); attendees get a cancellation.
#[utoipa::path(delete, path = "/meetings/{meeting_id}", tag = "meetings", security(("bearer" = [])),
    params(("meeting_id" = Uuid, Path)),
    responses((status = 200, body = MeetingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_meeting(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<Json<MeetingView>> {
    Ok(Json(state.core.cancel_meeting(&actor, id).await?))
}

/// Moves one occurrence or changes its length (moderators and up). The
/// occurrence is named by its original start.
#[utoipa::path(patch, path = "/meetings/{meeting_id}/occurrences/{occurrence}", tag = "meetings", security(("bearer" = [])),
    params(("meeting_id" = Uuid, Path), ("occurrence" = DateTime<Utc>, Path)), request_body = OccurrenceChangeRequest,
    responses((status = 200, body = OccurrenceView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn change_occurrence(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, occurrence)): Path<(Uuid, DateTime<Utc>)>,
    Json(body): Json<OccurrenceChangeRequest>,
) -> Result<Json<OccurrenceView>> {
    Ok(Json(
        state
            .core
            .change_occurrence(&actor, id, occurrence, body)
            .await?,
    ))
}

/// Cancels one occurrence of a series (moderators and up).
#[utoipa::path(delete, path = "/meetings/{meeting_id}/occurrences/{occurrence}", tag = "meetings", security(("bearer" = [])),
    params(("meeting_id" = Uuid, Path), ("occurrence" = DateTime<Utc>, Path)),
    responses((status = 200, body = MeetingView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_occurrence(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, occurrence)): Path<(Uuid, DateTime<Utc>)>,
) -> Result<Json<MeetingView>> {
    Ok(Json(
        state.core.cancel_occurrence(&actor, id, occurrence).await?,
    ))
}

/// Answers for one occurrence: going, maybe or not going.
#[utoipa::path(put, path = "/meetings/{meeting_id}/occurrences/{occurrence}/rsvp", tag = "meetings", security(("bearer" = [])),
    params(("meeting_id" = Uuid, Path), ("occurrence" = DateTime<Utc>, Path)), request_body = RsvpRequest,
    responses((status = 200, body = OccurrenceView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn rsvp(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, occurrence)): Path<(Uuid, DateTime<Utc>)>,
    Json(body): Json<RsvpRequest>,
) -> Result<Json<OccurrenceView>> {
    Ok(Json(
        state
            .core
            .rsvp(&actor, id, occurrence, Some(body.response))
            .await?,
    ))
}

/// Takes an answer back.
#[utoipa::path(delete, path = "/meetings/{meeting_id}/occurrences/{occurrence}/rsvp", tag = "meetings", security(("bearer" = [])),
    params(("meeting_id" = Uuid, Path), ("occurrence" = DateTime<Utc>, Path)),
    responses((status = 200, body = OccurrenceView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn withdraw_rsvp(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, occurrence)): Path<(Uuid, DateTime<Utc>)>,
) -> Result<Json<OccurrenceView>> {
    Ok(Json(state.core.rsvp(&actor, id, occurrence, None).await?))
}

/// The email outbox (instance admins): newest first, with what waits and what was
/// given up, and each message's attempts and last error.
#[utoipa::path(get, path = "/admin/email/outbox", tag = "admin", security(("bearer" = [])),
    params(OutboxParams),
    responses((status = 200, body = OutboxView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn outbox(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<OutboxParams>,
) -> Result<Json<OutboxView>> {
    Ok(Json(state.core.outbox(&actor, params).await?))
}

/// Sends unsent mail again at once (instance admins).
#[utoipa::path(post, path = "/admin/email/outbox/{email_id}/retry", tag = "admin", security(("bearer" = [])),
    params(("email_id" = Uuid, Path)),
    responses((status = 200, body = OutboxEntryView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn retry_email(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Json<OutboxEntryView>> {
    Ok(Json(state.core.retry_email(&actor, id, &meta).await?))
}
