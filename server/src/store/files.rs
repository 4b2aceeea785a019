//! Rows about uploaded files, each user's stored bytes, and blocked hashes.
//! Reserving quota is one conditional UPDATE on the user's counter row, which
//! serialises parallel uploads of one user on both backends.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub id: Uuid,
    pub uploader_id: Option<Uuid>,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub upload_sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumbnail_type: Option<String>,
    pub channel_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    pub quarantined_at: Option<DateTime<Utc>>,
    /// `attachment` or `emoji`.
    pub purpose: String,
    pub created_at: DateTime<Utc>,
}

macro_rules! file_columns {
    () => {
        "f.id, f.uploader_id, f.name, f.content_type, f.size, f.sha256, f.upload_sha256, \
         f.width, f.height, f.thumbnail_type, f.channel_id, f.message_id, f.quarantined_at, \
         f.purpose, f.created_at"
    };
}

/// A file with what decides who may read it: the channel and deletion of the
/// message that carries it (both `None` while unsent or once the message row is
/// gone).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileToRead {
    #[sqlx(flatten)]
    pub file: FileRow,
    pub message_channel_id: Option<Uuid>,
    pub message_deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockedHash {
    pub sha256: String,
    pub reason: String,
    pub blocked_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Stored bytes and file count of one owner (a user or a community).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StorageTotal {
    pub id: Uuid,
    pub name: String,
    pub files: i64,
    pub bytes: i64,
}

/// What the admin's file list is filtered by.
#[derive(Debug, Clone, Default)]
pub struct FileFilter {
    /// Matches the file name (case-insensitive) or the exact SHA-256.
    pub query: Option<String>,
    pub uploader_id: Option<Uuid>,
    pub before: Option<Uuid>,
    pub limit: i64,
}

impl Conn<'_> {
    pub async fn insert_file(&mut self, f: &FileRow) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO files (id, uploader_id, name, content_type, size, sha256, upload_sha256, \
                 width, height, thumbnail_type, channel_id, message_id, quarantined_at, purpose, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(f.id)
            .bind(f.uploader_id)
            .bind(&f.name)
            .bind(&f.content_type)
            .bind(f.size)
            .bind(&f.sha256)
            .bind(&f.upload_sha256)
            .bind(f.width)
            .bind(f.height)
            .bind(&f.thumbnail_type)
            .bind(f.channel_id)
            .bind(f.message_id)
            .bind(f.quarantined_at)
            .bind(&f.purpose)
            .bind(f.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn file(&mut self, id: Uuid) -> StoreResult<Option<FileRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(concat!(
                "SELECT ",
                file_columns!(),
                " FROM files f WHERE f.id = $1"
            ))
            .bind(id)
            .fetch_optional(e)
            .await?
        }))
    }

    /// A file and its message's channel and deletion, in one query (file reads
    /// are frequent: media players fetch ranges).
    pub async fn file_to_read(&mut self, id: Uuid) -> StoreResult<Option<FileToRead>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(concat!(
                "SELECT ",
                file_columns!(),
                ", m.channel_id AS message_channel_id, m.deleted_at AS message_deleted_at \
                 FROM files f LEFT JOIN messages m ON m.id = f.message_id WHERE f.id = $1"
            ))
            .bind(id)
            .fetch_optional(e)
            .await?
        }))
    }

    /// Adds `bytes` to the user's stored total unless that passes `quota`
    /// (`None`: no quota); false when refused.
    pub async fn reserve_upload(
        &mut self,
        user_id: Uuid,
        bytes: i64,
        quota: Option<i64>,
    ) -> StoreResult<bool> {
        let reserved = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO upload_usage (user_id, used_bytes) VALUES ($1, 0) \
                 ON CONFLICT (user_id) DO NOTHING",
            )
            .bind(user_id)
            .execute(&mut *e)
            .await?;
            sqlx::query(
                "UPDATE upload_usage SET used_bytes = used_bytes + $2 \
                 WHERE user_id = $1 AND ($3 IS NULL OR used_bytes + $2 <= $3)",
            )
            .bind(user_id)
            .bind(bytes)
            .bind(quota)
            .execute(&mut *e)
            .await?
            .rows_affected()
        });
        Ok(reserved == 1)
    }

    /// Gives back the bytes of removed files.
    pub async fn release_upload(&mut self, user_id: Uuid, bytes: i64) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE upload_usage SET used_bytes = \
                 CASE WHEN used_bytes > $2 THEN used_bytes - $2 ELSE 0 END WHERE user_id = $1",
            )
            .bind(user_id)
            .bind(bytes)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn upload_usage(&mut self, user_id: Uuid) -> StoreResult<i64> {
        let used: Option<i64> = db_run!(self, |e| {
            sqlx::query_scalar("SELECT used_bytes FROM upload_usage WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(e)
                .await?
        });
        Ok(used.unwrap_or(0))
    }

    /// Attaches an upload of `uploader` that is not attached yet; false otherwise.
    pub async fn attach_file(
        &mut self,
        file_id: Uuid,
        uploader: Uuid,
        channel_id: Uuid,
        message_id: Uuid,
    ) -> StoreResult<bool> {
        let attached = db_run!(self, |e| {
            sqlx::query(
                "UPDATE files SET channel_id = $3, message_id = $4 \
                 WHERE id = $1 AND uploader_id = $2 AND message_id IS NULL \
                 AND channel_id IS NULL AND quarantined_at IS NULL AND purpose = 'attachment'",
            )
            .bind(file_id)
            .bind(uploader)
            .bind(channel_id)
            .bind(message_id)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(attached == 1)
    }

    /// Files attached to messages of a channel with IDs in `from..=to`, in upload order.
    pub async fn files_in_range(
        &mut self,
        channel_id: Uuid,
        from: Uuid,
        to: Uuid,
    ) -> StoreResult<Vec<FileRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(concat!(
                "SELECT ",
                file_columns!(),
                " FROM files f WHERE f.channel_id = $1 AND f.message_id >= $2 AND f.message_id <= $3 \
                 ORDER BY f.message_id, f.id"
            ))
            .bind(channel_id)
            .bind(from)
            .bind(to)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn files_of_message(&mut self, message_id: Uuid) -> StoreResult<Vec<FileRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(concat!(
                "SELECT ",
                file_columns!(),
                " FROM files f WHERE f.message_id = $1 ORDER BY f.id"
            ))
            .bind(message_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Removes a file's row and gives its bytes back to the uploader; `None` when
    /// it was already gone.
    pub async fn delete_file(&mut self, id: Uuid) -> StoreResult<Option<FileRow>> {
        let Some(row) = self.file(id).await? else {
            return Ok(None);
        };
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM files WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?
                .rows_affected()
        });
        if deleted == 0 {
            return Ok(None);
        }
        if let Some(uploader) = row.uploader_id {
            self.release_upload(uploader, row.size).await?;
        }
        super::access_changed();
        Ok(Some(row))
    }

    pub async fn set_thumbnail(&mut self, id: Uuid, content_type: &str) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("UPDATE files SET thumbnail_type = $2 WHERE id = $1")
                .bind(id)
                .bind(content_type)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    pub async fn set_file_quarantine(
        &mut self,
        id: Uuid,
        at: Option<DateTime<Utc>>,
    ) -> StoreResult<bool> {
        let changed = db_run!(self, |e| {
            sqlx::query("UPDATE files SET quarantined_at = $2 WHERE id = $1")
                .bind(id)
                .bind(at)
                .execute(e)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Files used by nothing since before `before`: unsent uploads, attachments
    /// whose channel or message row was removed, emoji whose community went.
    pub async fn unattached_files(
        &mut self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Uuid>> {
        Ok(db_run!(self, |e| {
            sqlx::query_scalar(
                "SELECT f.id FROM files f WHERE f.created_at < $1 AND \
                 ((f.purpose = 'attachment' AND f.message_id IS NULL) \
                 OR (f.purpose = 'emoji' AND NOT EXISTS (SELECT 1 FROM custom_emoji e WHERE e.file_id = f.id)) \
                 OR (f.purpose IN ('avatar', 'profile_banner') AND NOT EXISTS (SELECT 1 FROM users u \
                    WHERE u.avatar_file_id = f.id OR u.banner_file_id = f.id)) \
                 OR (f.purpose IN ('community_icon', 'community_banner') AND NOT EXISTS (SELECT 1 FROM communities c \
                    WHERE c.icon_file_id = f.id OR c.banner_file_id = f.id)) \
                 OR (f.purpose IN ('group_icon', 'group_banner') AND NOT EXISTS (SELECT 1 FROM community_groups g \
                    WHERE g.icon_file_id = f.id OR g.banner_file_id = f.id))) \
                 ORDER BY f.created_at LIMIT $2",
            )
            .bind(before)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// Whether any of the file IDs has a row.
    pub async fn file_exists(&mut self, id: Uuid) -> StoreResult<bool> {
        let found: Option<i64> = db_run!(self, |e| {
            sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM files WHERE id = $1")
                .bind(id)
                .fetch_optional(e)
                .await?
        });
        Ok(found.is_some())
    }

    pub async fn hash_blocked(&mut self, hashes: &[&str]) -> StoreResult<bool> {
        for hash in hashes {
            let found: Option<i64> = db_run!(self, |e| {
                sqlx::query_scalar(
                    "SELECT CAST(1 AS BIGINT) FROM blocked_file_hashes WHERE sha256 = $1",
                )
                .bind(*hash)
                .fetch_optional(e)
                .await?
            });
            if found.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Blocks a hash; false when it already was.
    pub async fn block_hash(&mut self, b: &BlockedHash) -> StoreResult<bool> {
        let inserted = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO blocked_file_hashes (sha256, reason, blocked_by, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(&b.sha256)
            .bind(&b.reason)
            .bind(b.blocked_by)
            .bind(b.created_at)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    pub async fn unblock_hash(&mut self, sha256: &str) -> StoreResult<bool> {
        let deleted = db_run!(self, |e| {
            sqlx::query("DELETE FROM blocked_file_hashes WHERE sha256 = $1")
                .bind(sha256)
                .execute(e)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }

    pub async fn blocked_hashes(&mut self) -> StoreResult<Vec<BlockedHash>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT sha256, reason, blocked_by, created_at FROM blocked_file_hashes \
                 ORDER BY created_at DESC LIMIT 1000",
            )
            .fetch_all(e)
            .await?
        }))
    }

    /// Files for the admin list, newest first.
    pub async fn list_files(&mut self, f: &FileFilter) -> StoreResult<Vec<FileRow>> {
        let pattern = f.query.as_ref().map(|q| {
            let escaped = q
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        Ok(db_run!(self, |e| {
            sqlx::query_as(concat!(
                "SELECT ",
                file_columns!(),
                " FROM files f WHERE ($1 IS NULL OR LOWER(f.name) LIKE $1 ESCAPE '\\' OR f.sha256 = $2) \
                 AND ($3 IS NULL OR f.uploader_id = $3) AND ($4 IS NULL OR f.id < $4) \
                 ORDER BY f.id DESC LIMIT $5"
            ))
            .bind(&pattern)
            .bind(&f.query)
            .bind(f.uploader_id)
            .bind(f.before)
            .bind(f.limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// The users storing the most bytes.
    pub async fn storage_by_user(&mut self, limit: i64) -> StoreResult<Vec<StorageTotal>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT u.id, u.username AS name, CAST(COUNT(f.id) AS BIGINT) AS files, \
                 CAST(SUM(f.size) AS BIGINT) AS bytes \
                 FROM files f JOIN users u ON u.id = f.uploader_id \
                 GROUP BY u.id, u.username ORDER BY bytes DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// The communities whose channels hold the most bytes.
    pub async fn storage_by_community(&mut self, limit: i64) -> StoreResult<Vec<StorageTotal>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT co.id, co.name, CAST(COUNT(f.id) AS BIGINT) AS files, \
                 CAST(SUM(f.size) AS BIGINT) AS bytes \
                 FROM files f JOIN channels c ON c.id = f.channel_id \
                 JOIN communities co ON co.id = c.community_id \
                 GROUP BY co.id, co.name ORDER BY bytes DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// Every file's count and bytes.
    pub async fn storage_total(&mut self) -> StoreResult<(i64, i64)> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM files",
            )
            .fetch_one(e)
            .await?
        }))
    }
}
