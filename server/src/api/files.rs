//! Wire types of uploaded files.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// How clients show a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Image,
    Video,
    Audio,
    File,
}

/// An uploaded file. The content is `GET /api/files/{id}`; images also have
/// `GET /api/files/{id}/thumbnail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FileView {
    pub id: Uuid,
    /// The name as uploaded, without any path.
    pub name: String,
    pub size: i64,
    /// Detected from the content, not from the name.
    pub content_type: String,
    pub kind: FileKind,
    /// SHA-256 of the stored bytes, hex.
    pub sha256: String,
    /// Pixel size of images, so clients can reserve space.
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// Whether a thumbnail is ready (until then the thumbnail URL serves the image).
    pub thumbnail: bool,
    pub created_at: DateTime<Utc>,
}

/// A token for file URLs (`?token=`): browsers cannot send a bearer header from
/// media elements. It reads files and nothing else; within one window it is the
/// same text, so file URLs stay cacheable.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MediaTokenView {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// The caller's stored bytes and limits.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StorageUsageView {
    pub used_bytes: i64,
    /// `None`: no quota.
    pub quota_bytes: Option<i64>,
    pub max_file_size_bytes: i64,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileContentParams {
    /// A media token (`GET /api/account/media-token`), for clients that cannot
    /// send a bearer header.
    pub token: Option<String>,
    /// Asks for `Content-Disposition: attachment` even for media.
    #[serde(default)]
    pub download: Option<bool>,
}

/// An upload as `multipart/form-data` (documentation only: the body is streamed,
/// never parsed into this).
#[derive(Debug, Clone, ToSchema)]
pub struct FileUploadForm {
    /// The file's bytes; the part's filename is kept as the file's name.
    #[schema(format = Binary)]
    pub file: String,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name, for raw (non-multipart) uploads.
    pub name: Option<String>,
}

/// A file as administrators see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AdminFileView {
    #[serde(flatten)]
    pub file: FileView,
    pub uploader_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    pub quarantined_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminFileParams {
    /// Part of the name, or a whole SHA-256.
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub uploader_id: Option<Uuid>,
    /// Files older than this one (paging).
    pub before: Option<Uuid>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockHashRequest {
    /// SHA-256, 64 hex digits.
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    pub sha256: String,
    #[schema(max_length = 500)]
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlockedHashView {
    pub sha256: String,
    pub reason: String,
    pub blocked_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StorageTotalView {
    pub id: Uuid,
    pub name: String,
    pub files: i64,
    pub bytes: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StorageStatsView {
    pub files: i64,
    pub bytes: i64,
    pub by_user: Vec<StorageTotalView>,
    pub by_community: Vec<StorageTotalView>,
}

/// A community's custom emoji, used as `:name:`; its image is
/// `GET /api/files/{file_id}` (any signed-in user may fetch it).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomEmojiView {
    pub id: Uuid,
    pub name: String,
    pub file_id: Uuid,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AddEmojiParams {
    /// 2–32 lowercase letters, digits or underscores.
    #[param(min_length = 2, max_length = 32, pattern = "^[a-z0-9_]{2,32}$")]
    pub name: String,
}
