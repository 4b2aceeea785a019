//! Avatars, profile banners, community and group icons and banners (FILE-4), and
//! profile cards (`/api/users/{user_id}`).

use axum::extract::{Request, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path};
use super::files::read_upload;
use crate::api::{CommunityView, FileUploadForm, GroupView, UserCardView, UserProfile};
use crate::domain::error::Result;
use crate::domain::files::ImageSlot;
use crate::domain::{Actor, RequestMeta};

/// The image uploads: no body limit and no overall deadline, like other uploads.
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_avatar))
        .routes(routes!(set_profile_banner))
        .routes(routes!(set_community_icon))
        .routes(routes!(set_community_banner))
        .routes(routes!(set_group_icon))
        .routes(routes!(set_group_banner))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(remove_avatar))
        .routes(routes!(remove_profile_banner))
        .routes(routes!(remove_community_icon))
        .routes(routes!(remove_community_banner))
        .routes(routes!(remove_group_icon))
        .routes(routes!(remove_group_banner))
        .routes(routes!(profile_card))
}

pub(super) async fn set(
    state: &AppState,
    actor: &Actor,
    meta: &RequestMeta,
    slot: ImageSlot,
    request: Request,
) -> Result<()> {
    read_upload(state, request, None, async |upload, body| {
        state.core.set_image(actor, slot, upload, body, meta).await
    })
    .await
}

async fn me(state: &AppState, actor: &Actor) -> Result<Json<UserProfile>> {
    Ok(Json(state.core.reload_me(actor).await?.into()))
}

async fn community(state: &AppState, actor: &Actor, id: Uuid) -> Result<Json<CommunityView>> {
    let (summary, access) = state.core.community(actor, id).await?;
    Ok(Json(CommunityView::with_access(summary, &access)))
}

async fn group(state: &AppState, actor: &Actor, id: Uuid) -> Result<Json<GroupView>> {
    let access = state.core.group(actor, id).await?;
    let role = access.role();
    Ok(Json(GroupView::new(access.group, role)))
}

/// Sets the avatar: a PNG, JPEG, GIF or WebP of at most 5 MB (clients crop it
/// square), as a multipart part named `file` or as the raw body.
#[utoipa::path(put, path = "/account/avatar", tag = "account", security(("bearer" = [])),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses((status = 200, body = UserProfile), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`file_blocked`: an administrator blocked this image"),
        (status = 413, body = ErrorBody, description = "More than 5 MB, or over the quota"),
        (status = 415, body = ErrorBody, description = "Not PNG, JPEG, GIF or WebP")))]
async fn set_avatar(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    request: Request,
) -> Result<Json<UserProfile>> {
    set(&state, &actor, &meta, ImageSlot::Avatar, request).await?;
    me(&state, &actor).await
}

/// Removes the avatar.
#[utoipa::path(delete, path = "/account/avatar", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = UserProfile), (status = 401, body = ErrorBody)))]
async fn remove_avatar(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
) -> Result<Json<UserProfile>> {
    state
        .core
        .clear_image(&actor, ImageSlot::Avatar, &meta)
        .await?;
    me(&state, &actor).await
}

/// Sets the profile banner: a PNG, JPEG, GIF or WebP of at most 10 MB.
#[utoipa::path(put, path = "/account/banner", tag = "account", security(("bearer" = [])),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses((status = 200, body = UserProfile), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`file_blocked`: an administrator blocked this image"),
        (status = 413, body = ErrorBody, description = "More than 10 MB, or over the quota"),
        (status = 415, body = ErrorBody, description = "Not PNG, JPEG, GIF or WebP")))]
async fn set_profile_banner(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    request: Request,
) -> Result<Json<UserProfile>> {
    set(&state, &actor, &meta, ImageSlot::ProfileBanner, request).await?;
    me(&state, &actor).await
}

/// Removes the profile banner.
#[utoipa::path(delete, path = "/account/banner", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = UserProfile), (status = 401, body = ErrorBody)))]
async fn remove_profile_banner(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
) -> Result<Json<UserProfile>> {
    state
        .core
        .clear_image(&actor, ImageSlot::ProfileBanner, &meta)
        .await?;
    me(&state, &actor).await
}

/// Sets the community's icon (community admins): PNG, JPEG, GIF or WebP, at most 5 MB.
#[utoipa::path(put, path = "/communities/{community_id}/icon", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses((status = 200, body = CommunityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn set_community_icon(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
    request: Request,
) -> Result<Json<CommunityView>> {
    let slot = ImageSlot::CommunityIcon(community_id);
    set(&state, &actor, &meta, slot, request).await?;
    community(&state, &actor, community_id).await
}

/// Removes the community's icon (community admins).
#[utoipa::path(delete, path = "/communities/{community_id}/icon", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = CommunityView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_community_icon(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
) -> Result<Json<CommunityView>> {
    let slot = ImageSlot::CommunityIcon(community_id);
    state.core.clear_image(&actor, slot, &meta).await?;
    community(&state, &actor, community_id).await
}

/// Sets the community's banner (community admins): PNG, JPEG, GIF or WebP, at most 10 MB.
#[utoipa::path(put, path = "/communities/{community_id}/banner", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses((status = 200, body = CommunityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn set_community_banner(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
    request: Request,
) -> Result<Json<CommunityView>> {
    let slot = ImageSlot::CommunityBanner(community_id);
    set(&state, &actor, &meta, slot, request).await?;
    community(&state, &actor, community_id).await
}

/// Removes the community's banner (community admins).
#[utoipa::path(delete, path = "/communities/{community_id}/banner", tag = "communities", security(("bearer" = [])),
    params(("community_id" = Uuid, Path)),
    responses((status = 200, body = CommunityView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_community_banner(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(community_id): Path<Uuid>,
) -> Result<Json<CommunityView>> {
    let slot = ImageSlot::CommunityBanner(community_id);
    state.core.clear_image(&actor, slot, &meta).await?;
    community(&state, &actor, community_id).await
}

/// Sets the group's icon (the group's admins, community admins): at most 5 MB.
#[utoipa::path(put, path = "/groups/{group_id}/icon", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses((status = 200, body = GroupView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn set_group_icon(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(group_id): Path<Uuid>,
    request: Request,
) -> Result<Json<GroupView>> {
    set(
        &state,
        &actor,
        &meta,
        ImageSlot::GroupIcon(group_id),
        request,
    )
    .await?;
    group(&state, &actor, group_id).await
}

/// Removes the group's icon.
#[utoipa::path(delete, path = "/groups/{group_id}/icon", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    responses((status = 200, body = GroupView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_group_icon(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(group_id): Path<Uuid>,
) -> Result<Json<GroupView>> {
    let slot = ImageSlot::GroupIcon(group_id);
    state.core.clear_image(&actor, slot, &meta).await?;
    group(&state, &actor, group_id).await
}

/// Sets the group's banner (the group's admins, community admins): at most 10 MB.
#[utoipa::path(put, path = "/groups/{group_id}/banner", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The image in a part named `file`; a raw image body is accepted too"),
    responses((status = 200, body = GroupView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn set_group_banner(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(group_id): Path<Uuid>,
    request: Request,
) -> Result<Json<GroupView>> {
    let slot = ImageSlot::GroupBanner(group_id);
    set(&state, &actor, &meta, slot, request).await?;
    group(&state, &actor, group_id).await
}

/// Removes the group's banner.
#[utoipa::path(delete, path = "/groups/{group_id}/banner", tag = "groups", security(("bearer" = [])),
    params(("group_id" = Uuid, Path)),
    responses((status = 200, body = GroupView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_group_banner(
    State(state): State<AppState>,
    actor: Actor,
    meta: RequestMeta,
    Path(group_id): Path<Uuid>,
) -> Result<Json<GroupView>> {
    let slot = ImageSlot::GroupBanner(group_id);
    state.core.clear_image(&actor, slot, &meta).await?;
    group(&state, &actor, group_id).await
}

/// A user's profile card (name, avatar, banner, bio, pronouns, status): for
/// those who share a community or a DM with them, and instance staff; 404 otherwise.
#[utoipa::path(get, path = "/users/{user_id}", tag = "account", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = UserCardView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn profile_card(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<Uuid>,
) -> Result<Json<UserCardView>> {
    Ok(Json(state.core.profile_card(&actor, user_id).await?.into()))
}
