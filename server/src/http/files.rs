//! `/api/files`: upload (multipart or raw body, streamed), content with ranges
//! and ETags, thumbnails, metadata, delete; the media token and storage usage.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use tokio::io::AsyncReadExt;
use tokio_util::io::ReaderStream;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query, bearer_in};
use crate::api::{
    FileContentParams, FileUploadForm, FileView, MediaTokenView, StorageUsageView, UploadParams,
};
use crate::domain::Actor;
use crate::domain::error::{Error, Result};
use crate::domain::files::{Download, Upload};

/// Bytes read from storage at a time: each read is one trip to the blocking pool,
/// so larger reads carry ranges and whole files with fewer of them (measured in
/// docs/performance.md).
const READ_CHUNK: usize = 512 * 1024;
/// Longest range sent from a memory mapping rather than streamed.
const MAPPED_PART_MAX: u64 = 8 * 1024 * 1024;

/// The upload route: no body limit here (the domain enforces `MAX_FILE_SIZE_MB`
/// while streaming) and no request deadline (the domain cuts off a stalled body).
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload_file))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(file_content, delete_file))
        .routes(routes!(file_thumbnail))
        .routes(routes!(file_meta))
        .routes(routes!(media_token))
        .routes(routes!(storage_usage))
}

/// Uploads a file: `multipart/form-data` with a part named `file` (its filename
/// is kept), or the raw bytes with `?name=`. The type is detected from the
/// content; images lose their metadata (EXIF/GPS) and get a thumbnail soon after.
/// Send it with a message through `attachment_ids`; unsent uploads are removed
/// after a day.
#[utoipa::path(post, path = "/files", tag = "files", security(("bearer" = [])),
    params(UploadParams),
    request_body(content = FileUploadForm, content_type = "multipart/form-data", description = "The file in a part named `file`; raw bytes with any other content type (and `?name=`) are accepted too"),
    responses(
        (status = 201, body = FileView),
        (status = 400, body = ErrorBody, description = "Empty file, unreadable image, or no `file` part"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`file_blocked`: the administrators refused this file"),
        (status = 408, body = ErrorBody, description = "`upload_stalled`: no data arrived for a while"),
        (status = 413, body = ErrorBody, description = "`file_too_large`, `image_too_large` or `quota_exceeded`"),
    ))]
async fn upload_file(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<UploadParams>,
    request: Request,
) -> Result<(StatusCode, Json<FileView>)> {
    let view = read_upload(&state, request, params.name, async |upload, body| {
        state.core.upload_file(&actor, upload, body).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Hands the file of an upload request to `store` as a byte stream: the part
/// named `file` of a multipart body (its filename is the name), or the raw body
/// (named by `fallback_name`).
pub(super) async fn read_upload<T>(
    state: &AppState,
    request: Request,
    fallback_name: Option<String>,
    store: impl AsyncFnOnce(Upload, BoxStream<'_, std::io::Result<Bytes>>) -> Result<T>,
) -> Result<T> {
    let declared_len = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        let upload = Upload {
            name: fallback_name.unwrap_or_default(),
            declared_len,
        };
        let body = request
            .into_body()
            .into_data_stream()
            .map_err(std::io::Error::other)
            .boxed();
        return store(upload, body).await;
    }
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| Error::bad_request("invalid_multipart", e.body_text()))?;
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|e| Error::bad_request("invalid_multipart", e.body_text()))?;
        let Some(field) = field else {
            return Err(Error::invalid(
                "file",
                "send the file in a part named `file`",
            ));
        };
        if field.name() != Some("file") {
            continue;
        }
        let upload = Upload {
            name: field
                .file_name()
                .map(str::to_owned)
                .or(fallback_name)
                .unwrap_or_default(),
            declared_len,
        };
        return store(upload, field.map_err(std::io::Error::other).boxed()).await;
    }
}

/// The caller by bearer header, or by `?token=` (a media token).
pub(super) async fn file_reader(
    state: &AppState,
    headers: &HeaderMap,
    token: Option<&str>,
) -> Result<Actor> {
    match (bearer_in(headers), token) {
        (Some(bearer), _) => state.core.authenticate(bearer).await,
        (None, Some(token)) => state.core.authenticate_media(token).await,
        (None, None) => Err(Error::unauthorized(
            "missing_token",
            "sign in first: send a bearer token or a media token (?token=)",
        )),
    }
}

/// The file's bytes. Passive media (images, audio, video) are shown inline;
/// everything else — HTML, SVG, XML, scripts, PDF — is sent as a download under a
/// sandboxing policy, so nothing uploaded runs in the app's origin. Supports
/// `Range` (one range), `If-Range` and `If-None-Match` with a strong ETag.
#[utoipa::path(get, path = "/files/{id}", tag = "files", security(("bearer" = [])),
    params(("id" = Uuid, Path), FileContentParams),
    responses(
        (status = 200, description = "The whole file: passive media with their type (`image/png`, `video/mp4`, …), anything else as `application/octet-stream`", content_type = "*/*"),
        (status = 206, description = "The requested range", content_type = "*/*"),
        (status = 304, description = "Not modified (ETag)"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such file, or not yours to see"),
        (status = 416, description = "The range lies outside the file"),
    ))]
async fn file_content(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(params): Query<FileContentParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let actor = file_reader(&state, &headers, params.token.as_deref()).await?;
    let download = state.core.download_file(&actor, id).await?;
    let etag = format!("\"{}\"", download.file.sha256);
    serve(download, etag, &headers, params.download.unwrap_or(false)).await
}

/// A thumbnail of an image (at most 400×400); the image itself until the
/// thumbnail is made.
#[utoipa::path(get, path = "/files/{id}/thumbnail", tag = "files", security(("bearer" = [])),
    params(("id" = Uuid, Path), FileContentParams),
    responses(
        (status = 200, description = "The thumbnail (JPEG, or PNG with transparency), or the image itself until it is made", content_type = "image/*"),
        (status = 304, description = "Not modified (ETag)"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such file, or not an image"),
    ))]
async fn file_thumbnail(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(params): Query<FileContentParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let actor = file_reader(&state, &headers, params.token.as_deref()).await?;
    let download = state.core.download_thumbnail(&actor, id).await?;
    let etag = if download.file.thumbnail {
        format!("\"{}-thumbnail\"", download.file.sha256)
    } else {
        format!("\"{}\"", download.file.sha256)
    };
    serve(download, etag, &headers, false).await
}

async fn serve(
    download: Download,
    etag: String,
    request: &HeaderMap,
    force_download: bool,
) -> Result<Response> {
    let len = download.len;
    let mut headers = HeaderMap::new();
    let header_value = |v: &str| HeaderValue::from_str(v).map_err(|e| Error::Internal(e.into()));
    headers.insert(header::ETAG, header_value(&etag)?);
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    // A stand-in for a thumbnail still being made is checked again on each use (its
    // ETag answers 304 until the thumbnail replaces it).
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if download.provisional {
            "private, no-cache"
        } else {
            "private, max-age=86400"
        }),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let inline = download.inline && !force_download;
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        header_value(&content_disposition(inline, &download.file.name))?,
    );
    headers.insert(
        header::CONTENT_TYPE,
        header_value(if inline {
            &download.content_type
        } else {
            "application/octet-stream"
        })?,
    );

    let matches_etag = |value: &HeaderValue| {
        value
            .to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    };
    if request.get(header::IF_NONE_MATCH).is_some_and(matches_etag) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    // A range is honoured only for the representation the client has (If-Range).
    let range = request
        .get(header::RANGE)
        .filter(|_| {
            request
                .get(header::IF_RANGE)
                .is_none_or(|v| v.to_str().is_ok_and(|v| v == etag))
        })
        .and_then(|v| v.to_str().ok());
    let Some(range) = range else {
        return whole(download, headers).await;
    };
    let ranges = http_range_header::parse_range_header(range).and_then(|r| r.validate(len));
    let ranges = match ranges {
        Ok(ranges) => ranges,
        Err(_) => {
            headers.insert(
                header::CONTENT_RANGE,
                header_value(&format!("bytes */{len}"))?,
            );
            headers.remove(header::CONTENT_TYPE);
            return Ok((StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response());
        }
    };
    // Several ranges would need a multipart answer: the whole file is as correct.
    if ranges.len() != 1 {
        return whole(download, headers).await;
    }
    let (start, end) = (*ranges[0].start(), *ranges[0].end());
    let part_len = end - start + 1;
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(part_len));
    headers.insert(
        header::CONTENT_RANGE,
        header_value(&format!("bytes {start}-{end}/{len}"))?,
    );
    // Media players ask for parts of a few MB at most: those go out mapped, in one
    // piece; a longer part is streamed like a whole file.
    let body = if part_len <= MAPPED_PART_MAX {
        Body::from(download.part(start, part_len).await?)
    } else {
        let reader = download.reader_from(start).await?.take(part_len);
        Body::from_stream(ReaderStream::with_capacity(reader, READ_CHUNK))
    };
    Ok((StatusCode::PARTIAL_CONTENT, headers, body).into_response())
}

/// The whole file, streamed.
async fn whole(download: Download, mut headers: HeaderMap) -> Result<Response> {
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(download.len));
    let reader = download.reader_from(0).await?;
    let body = Body::from_stream(ReaderStream::with_capacity(reader, READ_CHUNK));
    Ok((StatusCode::OK, headers, body).into_response())
}

/// `inline` or `attachment` with the name twice: an ASCII fallback and the exact
/// UTF-8 name (RFC 6266 / RFC 8187).
fn content_disposition(inline: bool, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Metadata of a file the caller may see.
#[utoipa::path(get, path = "/files/{id}/meta", tag = "files", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = FileView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn file_meta(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<Json<FileView>> {
    Ok(Json(state.core.file_meta(&actor, id).await?))
}

/// Deletes one's own upload (from its message too) and frees its quota.
#[utoipa::path(delete, path = "/files/{id}", tag = "files", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Not the uploader"), (status = 404, body = ErrorBody)))]
async fn delete_file(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    state.core.delete_file(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A token for file URLs (`?token=`), for media elements that cannot send a
/// bearer header. It reads files only and is the same text for hours.
#[utoipa::path(get, path = "/account/media-token", tag = "files", security(("bearer" = [])),
    responses((status = 200, body = MediaTokenView), (status = 401, body = ErrorBody)))]
async fn media_token(State(state): State<AppState>, actor: Actor) -> Result<Json<MediaTokenView>> {
    Ok(Json(state.core.media_token(&actor)?))
}

/// The caller's stored bytes, quota and the largest file accepted.
#[utoipa::path(get, path = "/account/storage", tag = "files", security(("bearer" = [])),
    responses((status = 200, body = StorageUsageView), (status = 401, body = ErrorBody)))]
async fn storage_usage(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<StorageUsageView>> {
    Ok(Json(state.core.storage_usage(&actor).await?))
}
