//! `/api/admin/*`: instance administration (registration invites, settings, audit log).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    AuditEntryView, AuditLogParams, CreateInviteRequest, InstanceSettings, InstanceSettingsChanges,
    RegistrationInviteView,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            list_registration_invites,
            create_registration_invite
        ))
        .routes(routes!(revoke_registration_invite))
        .routes(routes!(instance_settings, change_instance_settings))
        .routes(routes!(audit_log))
}

/// The instance's run-time settings.
#[utoipa::path(get, path = "/admin/settings", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = InstanceSettings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn instance_settings(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<InstanceSettings>> {
    Ok(Json(state.core.instance_settings(&actor).await?))
}

/// Changes run-time settings (audited); answers with all of them.
#[utoipa::path(patch, path = "/admin/settings", tag = "admin", security(("bearer" = [])),
    request_body = InstanceSettingsChanges,
    responses(
        (status = 200, body = InstanceSettings),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn change_instance_settings(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<InstanceSettingsChanges>,
) -> Result<Json<InstanceSettings>> {
    Ok(Json(
        state
            .core
            .change_instance_settings(&actor, body, &meta)
            .await?,
    ))
}

/// Registration invites, newest first.
#[utoipa::path(get, path = "/admin/invites", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<RegistrationInviteView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_registration_invites(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<RegistrationInviteView>>> {
    let invites = state.core.registration_invites(&actor).await?;
    Ok(Json(invites.into_iter().map(Into::into).collect()))
}

/// Creates a registration invite code.
#[utoipa::path(post, path = "/admin/invites", tag = "admin", security(("bearer" = [])),
    request_body = CreateInviteRequest,
    responses(
        (status = 201, body = RegistrationInviteView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn create_registration_invite(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<CreateInviteRequest>,
) -> Result<(StatusCode, Json<RegistrationInviteView>)> {
    let invite = state
        .core
        .create_registration_invite(&actor, body.into(), &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(invite.into())))
}

/// Revokes a registration invite.
#[utoipa::path(delete, path = "/admin/invites/{invite_id}", tag = "admin", security(("bearer" = [])),
    params(("invite_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_registration_invite(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(invite_id): Path<Uuid>,
) -> Result<StatusCode> {
    state
        .core
        .revoke_registration_invite(&actor, invite_id, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Security events and administrative actions, newest first.
#[utoipa::path(get, path = "/admin/audit-log", tag = "admin", security(("bearer" = [])),
    params(AuditLogParams),
    responses((status = 200, body = Vec<AuditEntryView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn audit_log(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<AuditLogParams>,
) -> Result<Json<Vec<AuditEntryView>>> {
    let entries = state.core.audit_log(&actor, params.into()).await?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}
