//! Files (FILE-1..3): streamed uploads with the size limit and quota, content
//! detection, image metadata removal, thumbnails made off the request path,
//! attachment to messages, and access checked like the message carrying the file.

mod admin;
pub mod detect;
mod emoji;
mod images;
mod jobs;
mod profile_images;

pub use jobs::ThumbnailJobs;
pub use profile_images::ImageSlot;

use bytes::Bytes;
use chrono::Duration;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncSeekExt;
use uuid::Uuid;

use crate::api::{FileView, MediaTokenView, StorageUsageView};
use crate::domain::error::{Error, ErrorKind, Result};
use crate::domain::messages::MessageUpdate;
use crate::domain::{Actor, Core};
use crate::storage::{Parts, Storage};
use crate::store::{self, Conn, FileRow};

/// Files one message may carry.
pub const ATTACHMENTS_MAX: usize = 10;
/// Uploads never sent with a message are removed after this long.
const UNSENT_LIFETIME: Duration = Duration::hours(24);
/// Multipart framing around the file: a declared length this much over the file
/// limit is refused before any byte is read.
const FRAMING_SLACK: u64 = 16 * 1024;
/// An upload with no data for this long is stopped (uploads have no overall
/// deadline: a large file on a slow link takes its time).
const UPLOAD_STALL: std::time::Duration = std::time::Duration::from_secs(30);

/// An upload as the edge hands it over.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// The name the client gave (made safe here).
    pub name: String,
    /// The request's `Content-Length`, if sent: checked before streaming.
    pub declared_len: Option<u64>,
}

/// A file to send: its row and its stored bytes.
pub struct Download {
    pub file: FileView,
    pub content_type: String,
    pub len: u64,
    /// Whether browsers may show it inline (passive media only).
    pub inline: bool,
    /// A stand-in that will change: an image sent in place of its thumbnail until
    /// the thumbnail is made (caches must ask again).
    pub provisional: bool,
    key: String,
    parts: Parts,
    storage: Storage,
}

impl Download {
    /// `len` bytes from `start`, in memory without copying (a range request).
    pub async fn part(&self, start: u64, len: u64) -> Result<Bytes> {
        self.parts.read(start, len).await.map_err(io_error)
    }

    /// The bytes from `start` on, to stream.
    pub async fn reader_from(&self, start: u64) -> Result<tokio::fs::File> {
        let (file, _) = self.storage.open(&self.key).await.map_err(io_error)?;
        let mut file = tokio::fs::File::from_std(file);
        if start > 0 {
            file.seek(std::io::SeekFrom::Start(start))
                .await
                .map_err(io_error)?;
        }
        Ok(file)
    }
}

pub(crate) fn file_key(id: Uuid) -> String {
    id.to_string()
}

pub(crate) fn thumbnail_key(id: Uuid) -> String {
    format!("{id}.thumb")
}

/// The format of an image that gets a thumbnail: a still picture (not a GIF).
fn thumbnail_format(content_type: &str) -> Option<image::ImageFormat> {
    detect::processed_image(content_type).filter(|format| *format != image::ImageFormat::Gif)
}

fn file_not_found() -> Error {
    Error::not_found("file_not_found", "no such file")
}

/// What an upload may be, by what it is for.
pub(crate) struct UploadPolicy {
    /// Stored as the file's `purpose`.
    pub purpose: &'static str,
    /// A tighter limit than `MAX_FILE_SIZE_MB`.
    pub max_bytes: Option<u64>,
    /// Accepted content types (`None`: any).
    pub types: Option<&'static [&'static str]>,
    /// Whether still images get a thumbnail (shown at small sizes).
    pub thumbnail: bool,
}

/// Files sent with messages: anything up to `MAX_FILE_SIZE_MB`.
const ATTACHMENT: UploadPolicy = UploadPolicy {
    purpose: "attachment",
    max_bytes: None,
    types: None,
    thumbnail: true,
};

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

fn too_large(max: u64) -> Error {
    Error::client(
        ErrorKind::PayloadTooLarge,
        "file_too_large",
        format!("this file may be at most {}", human_size(max)),
    )
    .on_field("file")
}

fn quota_exceeded(quota: u64) -> Error {
    Error::client(
        ErrorKind::PayloadTooLarge,
        "quota_exceeded",
        format!(
            "this upload would pass your storage quota of {} MB; delete files to make room",
            quota / (1024 * 1024)
        ),
    )
}

fn io_error(e: std::io::Error) -> Error {
    Error::Internal(anyhow::Error::new(e).context("file storage"))
}

pub(crate) fn file_view(row: &FileRow) -> FileView {
    FileView {
        id: row.id,
        name: row.name.clone(),
        size: row.size,
        content_type: row.content_type.clone(),
        kind: detect::kind(&row.content_type),
        sha256: row.sha256.clone(),
        width: row.width,
        height: row.height,
        thumbnail: row.thumbnail_type.is_some(),
        created_at: row.created_at,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Core {
    /// Stores an upload of the actor: streamed to a temporary object while it is
    /// counted and hashed (cut off as soon as it passes `MAX_FILE_SIZE_MB`), then
    /// checked, cleaned of image metadata, and persisted with its row and the
    /// quota reservation — all of it or nothing.
    pub async fn upload_file<S>(&self, actor: &Actor, upload: Upload, body: S) -> Result<FileView>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Unpin + Send,
    {
        let row = self.store_upload(actor, upload, body, &ATTACHMENT).await?;
        Ok(file_view(&row))
    }

    /// Stores an upload under a policy and returns its saved row.
    pub(crate) async fn store_upload<S>(
        &self,
        actor: &Actor,
        upload: Upload,
        mut body: S,
        policy: &UploadPolicy,
    ) -> Result<FileRow>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Unpin + Send,
    {
        let limits = &self.config.files;
        let max = policy.max_bytes.map_or(limits.max_file_size_bytes, |m| {
            m.min(limits.max_file_size_bytes)
        });
        let quota = limits.upload_quota_bytes;
        let name = detect::safe_name(&upload.name);
        // Cheap refusals first: a declared size already too large, a full quota.
        if upload
            .declared_len
            .is_some_and(|len| len > max + FRAMING_SLACK)
        {
            return Err(too_large(max));
        }
        if let Some(quota) = quota {
            let used = u64::try_from(self.used_bytes(actor).await?).unwrap_or(0);
            let declared = upload
                .declared_len
                .map_or(1, |l| l.saturating_sub(FRAMING_SLACK).max(1));
            if used + declared > quota {
                return Err(quota_exceeded(quota));
            }
        }

        let mut pending = self.storage.begin().await.map_err(io_error)?;
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(detect::SNIFF_LEN);
        let mut size: u64 = 0;
        loop {
            let next = tokio::time::timeout(UPLOAD_STALL, body.next()).await;
            let Ok(next) = next else {
                return Err(Error::client(
                    ErrorKind::RequestTimeout,
                    "upload_stalled",
                    "no data arrived for 30 seconds; the upload was stopped",
                ));
            };
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|_| {
                Error::bad_request(
                    "upload_interrupted",
                    "the upload ended before the whole file arrived",
                )
            })?;
            size += chunk.len() as u64;
            if size > max {
                return Err(too_large(max));
            }
            hasher.update(&chunk);
            if head.len() < detect::SNIFF_LEN {
                let take = (detect::SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            pending.write(&chunk).await.map_err(io_error)?;
        }
        if size == 0 {
            return Err(Error::invalid("file", "the file is empty"));
        }
        pending.finish().await.map_err(io_error)?;
        let upload_sha256 = hex::encode(hasher.finalize());
        let content_type = detect::content_type(&head);
        if let Some(types) = policy.types
            && !types.contains(&content_type.as_str())
        {
            return Err(Error::client(
                ErrorKind::UnsupportedMediaType,
                "unsupported_file_type",
                format!("this must be one of: {}", types.join(", ")),
            ));
        }

        let mut stored = (upload_sha256.clone(), size);
        let mut dimensions = None;
        if let Some(format) = detect::processed_image(&content_type) {
            let path = pending.path().to_path_buf();
            let probe = move || images::dimensions(&path, format);
            dimensions = Some(blocking(probe).await?.map_err(image_error)?);
            if format != image::ImageFormat::Gif {
                if size > images::MAX_PROCESSED_BYTES {
                    return Err(Error::client(
                        ErrorKind::PayloadTooLarge,
                        "image_too_large",
                        format!(
                            "images are at most {} MB",
                            images::MAX_PROCESSED_BYTES / (1024 * 1024)
                        ),
                    ));
                }
                let bytes = Bytes::from(tokio::fs::read(pending.path()).await.map_err(io_error)?);
                let cleaned = blocking(move || images::without_metadata(bytes, format))
                    .await?
                    .map_err(image_error)?;
                if let Some(cleaned) = cleaned {
                    pending.replace(&cleaned).await.map_err(io_error)?;
                    stored = (sha256_hex(&cleaned), cleaned.len() as u64);
                    // Turning an image upright swaps its sides.
                    let path = pending.path().to_path_buf();
                    dimensions = Some(
                        blocking(move || images::dimensions(&path, format))
                            .await?
                            .map_err(image_error)?,
                    );
                }
            }
        }

        let mut conn = self.db.acquire().await?;
        if conn
            .conn()
            .hash_blocked(&[&upload_sha256, &stored.0])
            .await?
        {
            tracing::info!(user = %actor.id(), sha256 = %upload_sha256, "refused a blocked file");
            return Err(Error::forbidden(
                "file_blocked",
                "this file is not allowed on this server",
            ));
        }
        drop(conn);

        let row = FileRow {
            id: store::new_id(),
            uploader_id: Some(actor.id()),
            name,
            content_type,
            size: i64::try_from(stored.1).unwrap_or(i64::MAX),
            sha256: stored.0,
            upload_sha256,
            width: dimensions.map(|(w, _)| w as i32),
            height: dimensions.map(|(_, h)| h as i32),
            thumbnail_type: None,
            channel_id: None,
            message_id: None,
            quarantined_at: None,
            purpose: policy.purpose.to_owned(),
            created_at: store::now(),
        };
        let key = file_key(row.id);
        self.storage
            .persist(pending, &key)
            .await
            .map_err(io_error)?;
        let saved = self.save_upload(&row, quota).await;
        if saved.is_err()
            && let Err(e) = self.storage.remove(&key).await
        {
            tracing::warn!(error = %e, file = %row.id, "could not remove a refused upload");
        }
        saved?;
        if policy.thumbnail
            && let Some(format) = thumbnail_format(&row.content_type)
        {
            self.thumbnails.spawn(self.clone(), row.id, format);
        }
        Ok(row)
    }

    /// Reserves the quota and writes the row in one transaction.
    async fn save_upload(&self, row: &FileRow, quota: Option<u64>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let uploader = row.uploader_id.unwrap_or_default();
        let limit = quota.map(|q| i64::try_from(q).unwrap_or(i64::MAX));
        if !c.reserve_upload(uploader, row.size, limit).await? {
            return Err(quota_exceeded(quota.unwrap_or_default()));
        }
        c.insert_file(row).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A file the actor may see: their own upload, or one attached to a message
    /// they may read. Everything else — including quarantined files for all but
    /// instance admins — is "no such file".
    pub(crate) async fn readable_file(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        file_id: Uuid,
    ) -> Result<FileRow> {
        let found = c.file_to_read(file_id).await?.ok_or_else(file_not_found)?;
        let row = found.file;
        if row.quarantined_at.is_some() && actor.require_admin().is_err() {
            return Err(file_not_found());
        }
        // Custom emoji are seen by everyone signed in, wherever they are used.
        if row.purpose != ATTACHMENT.purpose {
            return Ok(row);
        }
        // A sent file is read by whoever may read its message.
        if row.message_id.is_some() {
            let channel_id = found.message_channel_id.ok_or_else(file_not_found)?;
            if found.message_deleted_at.is_some() {
                return Err(file_not_found());
            }
            self.channel_access(c, actor, channel_id)
                .await
                .map_err(|_| file_not_found())?;
            return Ok(row);
        }
        if row.uploader_id == Some(actor.id()) {
            return Ok(row);
        }
        Err(file_not_found())
    }

    pub async fn file_meta(&self, actor: &Actor, file_id: Uuid) -> Result<FileView> {
        Ok(file_view(&self.readable_row(actor, file_id).await?))
    }

    /// The bytes of a file the actor may see.
    pub async fn download_file(&self, actor: &Actor, file_id: Uuid) -> Result<Download> {
        let row = self.readable_row(actor, file_id).await?;
        self.original(row, false).await
    }

    async fn readable_row(&self, actor: &Actor, file_id: Uuid) -> Result<FileRow> {
        let mut conn = self.db.acquire().await?;
        self.readable_file(&mut conn.conn(), actor, file_id).await
    }

    /// The stored bytes of a file already checked readable.
    async fn original(&self, row: FileRow, provisional: bool) -> Result<Download> {
        let key = file_key(row.id);
        let parts = self.storage.parts(&key).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => file_not_found(),
            _ => io_error(e),
        })?;
        Ok(Download {
            file: file_view(&row),
            inline: detect::inline_safe(&row.content_type),
            provisional,
            content_type: row.content_type,
            len: parts.size(),
            key,
            parts,
            storage: self.storage.clone(),
        })
    }

    /// An image's thumbnail, or the image itself until the thumbnail is made.
    pub async fn download_thumbnail(&self, actor: &Actor, file_id: Uuid) -> Result<Download> {
        let row = self.readable_row(actor, file_id).await?;
        if detect::kind(&row.content_type) != crate::api::FileKind::Image {
            return Err(Error::not_found(
                "no_thumbnail",
                "only images have thumbnails",
            ));
        }
        let Some(thumbnail_type) = row.thumbnail_type.clone() else {
            // A stand-in only while a thumbnail is still to come (GIFs and emoji get none).
            let coming = row.purpose != emoji::EMOJI.purpose
                && thumbnail_format(&row.content_type).is_some();
            return self.original(row, coming).await;
        };
        let key = thumbnail_key(row.id);
        let parts = self.storage.parts(&key).await.map_err(io_error)?;
        Ok(Download {
            file: file_view(&row),
            content_type: thumbnail_type,
            inline: true,
            provisional: false,
            len: parts.size(),
            key,
            parts,
            storage: self.storage.clone(),
        })
    }

    /// Deletes one's own file (an admin deletes any through the admin API). A file
    /// on a message disappears from it.
    pub async fn delete_file(&self, actor: &Actor, file_id: Uuid) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let row = self.readable_file(&mut c, actor, file_id).await?;
        if row.uploader_id != Some(actor.id()) || row.purpose != ATTACHMENT.purpose {
            return Err(Error::forbidden(
                "not_uploader",
                "only the uploader may delete a file (custom emoji go through their community)",
            ));
        }
        c.delete_file(file_id).await?;
        let message = self.file_message(&mut c, &row).await?;
        tx.commit().await?;
        self.remove_stored(&[row.id]).await;
        self.republish(message);
        Ok(())
    }

    /// The message a file is attached to, as its readers now see it.
    pub(crate) async fn file_message(
        &self,
        c: &mut Conn<'_>,
        file: &FileRow,
    ) -> Result<Option<MessageUpdate>> {
        match file.message_id {
            Some(id) => Ok(Some(self.message_update(c, id).await?)),
            None => Ok(None),
        }
    }

    /// Tells a message's readers (and the cached newest page) that its files changed.
    pub(crate) fn republish(&self, message: Option<MessageUpdate>) {
        if let Some(update) = message {
            self.publish_update(update, None);
        }
    }

    /// Attaches the sender's uploads to a new message inside its transaction.
    pub(crate) async fn attach_files(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        channel_id: Uuid,
        message_id: Uuid,
        file_ids: &[Uuid],
    ) -> Result<()> {
        if file_ids.len() > ATTACHMENTS_MAX {
            return Err(Error::invalid(
                "attachment_ids",
                format!("a message carries at most {ATTACHMENTS_MAX} files"),
            ));
        }
        for (i, id) in file_ids.iter().enumerate() {
            if file_ids[..i].contains(id)
                || !c
                    .attach_file(*id, actor.id(), channel_id, message_id)
                    .await?
            {
                return Err(Error::invalid(
                    "attachment_ids",
                    "each attachment must be your own upload, not sent before",
                ));
            }
        }
        Ok(())
    }

    /// Removes the files of a message being deleted (inside its transaction) and
    /// returns their IDs, whose bytes go once the transaction commits.
    pub(crate) async fn detach_message_files(
        &self,
        c: &mut Conn<'_>,
        message_id: Uuid,
    ) -> Result<Vec<Uuid>> {
        let mut removed = Vec::new();
        for file in c.files_of_message(message_id).await? {
            if c.delete_file(file.id).await?.is_some() {
                removed.push(file.id);
            }
        }
        Ok(removed)
    }

    /// Removes stored bytes (and thumbnails) of files whose rows are gone.
    pub(crate) async fn remove_stored(&self, ids: &[Uuid]) {
        for id in ids {
            for key in [file_key(*id), thumbnail_key(*id)] {
                if let Err(e) = self.storage.remove(&key).await {
                    tracing::warn!(error = %e, %key, "could not remove a stored file; the next sweep will");
                }
            }
        }
    }

    /// A token for file URLs, the same text for hours (see `MediaTokenView`).
    pub fn media_token(&self, actor: &Actor) -> Result<MediaTokenView> {
        let (token, expires_at) = self
            .tokens
            .issue_media(actor.id(), actor.session_id, chrono::Utc::now())
            .map_err(|e| Error::Internal(e.into()))?;
        Ok(MediaTokenView { token, expires_at })
    }

    /// Resolves a media token to its live session and user.
    pub async fn authenticate_media(&self, token: &str) -> Result<Actor> {
        let claims = self.tokens.verify_media(token).map_err(|_| {
            Error::unauthorized("invalid_token", "the media token is invalid or expired")
        })?;
        self.actor_for_session(claims.sub, claims.sid).await
    }

    async fn used_bytes(&self, actor: &Actor) -> Result<i64> {
        let mut conn = self.db.acquire().await?;
        Ok(conn.conn().upload_usage(actor.id()).await?)
    }

    pub async fn storage_usage(&self, actor: &Actor) -> Result<StorageUsageView> {
        let used = self.used_bytes(actor).await?;
        let files = &self.config.files;
        Ok(StorageUsageView {
            used_bytes: used,
            quota_bytes: files.upload_quota_bytes.map(|q| q as i64),
            max_file_size_bytes: files.max_file_size_bytes as i64,
        })
    }

    /// Removes uploads never sent (and files whose message or channel row went),
    /// and stored bytes without a row (a crash between storing and committing).
    pub(crate) async fn sweep_files(&self, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
        let mut conn = self.db.acquire().await?;
        let stale = conn
            .conn()
            .unattached_files(now - UNSENT_LIFETIME, 500)
            .await?;
        drop(conn);
        let mut removed = Vec::new();
        for id in stale {
            let mut tx = self.db.begin().await?;
            if tx.conn().delete_file(id).await?.is_some() {
                removed.push(id);
            }
            tx.commit().await?;
        }
        self.remove_stored(&removed).await;
        let keys = self.storage.keys().await.map_err(io_error)?;
        let mut conn = self.db.acquire().await?;
        for (key, age_secs) in keys {
            let stem = key.split('.').next().unwrap_or_default();
            let Ok(id) = stem.parse::<Uuid>() else {
                continue;
            };
            if age_secs > 3600 && !conn.conn().file_exists(id).await? {
                let _ = self.storage.remove(&key).await;
            }
        }
        Ok(())
    }
}

fn image_error(e: images::ImageError) -> Error {
    match e {
        images::ImageError::TooLarge(..) => {
            Error::client(ErrorKind::PayloadTooLarge, "image_too_large", e.to_string())
        }
        images::ImageError::Unreadable(_) => {
            Error::invalid("file", "the file looks like an image but cannot be read")
        }
    }
}

/// Runs CPU-bound work on the blocking pool.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(anyhow::Error::new(e)))
}
