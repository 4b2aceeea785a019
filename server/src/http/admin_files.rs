//! `/api/admin/files*`, `/api/admin/blocked-hashes*`, `/api/admin/storage`:
//! file administration (ADM-8).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query};
use crate::api::{
    AdminFileParams, AdminFileView, BlockHashRequest, BlockedHashView, StorageStatsView,
};
use crate::domain::error::Result;
use crate::domain::{Actor, RequestMeta};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin_list_files))
        .routes(routes!(admin_delete_file))
        .routes(routes!(quarantine_file, release_file))
        .routes(routes!(list_blocked_hashes, block_hash))
        .routes(routes!(unblock_hash))
        .routes(routes!(storage_stats))
}

/// Every file, newest first; search by name or SHA-256, filter by uploader.
#[utoipa::path(get, path = "/admin/files", tag = "admin", security(("bearer" = [])),
    params(AdminFileParams),
    responses((status = 200, body = Vec<AdminFileView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn admin_list_files(
    State(state): State<AppState>,
    actor: Actor,
    Query(p): Query<AdminFileParams>,
) -> Result<Json<Vec<AdminFileView>>> {
    let files = state
        .core
        .admin_files(&actor, p.q, p.uploader_id, p.before, p.limit)
        .await?;
    Ok(Json(files))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeleteFileParams {
    /// Also refuse this file's hash from now on.
    #[serde(default)]
    block: Option<bool>,
}

/// Deletes any file (from its message too), optionally blocking its hash.
#[utoipa::path(delete, path = "/admin/files/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path), DeleteFileParams),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn admin_delete_file(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    Query(p): Query<DeleteFileParams>,
) -> Result<StatusCode> {
    state
        .core
        .admin_delete_file(&actor, &meta, id, p.block.unwrap_or(false))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hides a file from everyone but instance admins (reversible).
#[utoipa::path(put, path = "/admin/files/{id}/quarantine", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AdminFileView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn quarantine_file(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Json<AdminFileView>> {
    Ok(Json(
        state
            .core
            .admin_quarantine_file(&actor, &meta, id, true)
            .await?,
    ))
}

/// Shows a quarantined file again.
#[utoipa::path(delete, path = "/admin/files/{id}/quarantine", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AdminFileView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn release_file(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Json<AdminFileView>> {
    Ok(Json(
        state
            .core
            .admin_quarantine_file(&actor, &meta, id, false)
            .await?,
    ))
}

/// Hashes whose uploads are refused.
#[utoipa::path(get, path = "/admin/blocked-hashes", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<BlockedHashView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_blocked_hashes(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<BlockedHashView>>> {
    Ok(Json(state.core.blocked_hashes(&actor).await?))
}

/// Refuses uploads with this SHA-256 (of the bytes as uploaded).
#[utoipa::path(post, path = "/admin/blocked-hashes", tag = "admin", security(("bearer" = [])),
    request_body = BlockHashRequest,
    responses((status = 201, body = BlockedHashView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn block_hash(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Json(body): Json<BlockHashRequest>,
) -> Result<(StatusCode, Json<BlockedHashView>)> {
    let blocked = state
        .core
        .block_hash(&actor, &meta, &body.sha256, &body.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(blocked)))
}

/// Accepts uploads with this hash again.
#[utoipa::path(delete, path = "/admin/blocked-hashes/{sha256}", tag = "admin", security(("bearer" = [])),
    params(("sha256" = String, Path, pattern = "^[0-9a-fA-F]{64}$")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn unblock_hash(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(sha256): Path<String>,
) -> Result<StatusCode> {
    state.core.unblock_hash(&actor, &meta, &sha256).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stored files and bytes, and the users and communities storing the most.
#[utoipa::path(get, path = "/admin/storage", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = StorageStatsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn storage_stats(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<StorageStatsView>> {
    Ok(Json(state.core.storage_stats(&actor).await?))
}
