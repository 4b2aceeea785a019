//! Instance administration of files (ADM-8): list and search, delete any file,
//! quarantine, blocked hashes, storage statistics. Every change is audited.

use uuid::Uuid;

use super::{file_not_found, file_view};
use crate::api::{AdminFileView, BlockedHashView, StorageStatsView, StorageTotalView};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta};
use crate::store::{self, BlockedHash, FileFilter, FileRow, NewAuditEntry, StorageTotal};

const REASON_MAX: usize = 500;

fn admin_view(row: &FileRow) -> AdminFileView {
    AdminFileView {
        file: file_view(row),
        uploader_id: row.uploader_id,
        channel_id: row.channel_id,
        message_id: row.message_id,
        quarantined_at: row.quarantined_at,
    }
}

fn total_view(t: StorageTotal) -> StorageTotalView {
    StorageTotalView {
        id: t.id,
        name: t.name,
        files: t.files,
        bytes: t.bytes,
    }
}

/// A SHA-256 as 64 lowercase hex digits.
fn normalised_hash(sha256: &str) -> Result<String> {
    let hash = sha256.trim().to_ascii_lowercase();
    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hash)
    } else {
        Err(Error::invalid(
            "sha256",
            "a SHA-256 is 64 hexadecimal digits",
        ))
    }
}

impl Core {
    pub async fn admin_files(
        &self,
        actor: &Actor,
        query: Option<String>,
        uploader_id: Option<Uuid>,
        before: Option<Uuid>,
        limit: Option<i64>,
    ) -> Result<Vec<AdminFileView>> {
        actor.require_admin()?;
        let filter = FileFilter {
            query: query.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
            uploader_id,
            before,
            limit: limit.unwrap_or(50).clamp(1, 200),
        };
        let rows = self.db.acquire().await?.conn().list_files(&filter).await?;
        Ok(rows.iter().map(admin_view).collect())
    }

    /// Deletes any file; with `block`, its hash is refused from now on.
    pub async fn admin_delete_file(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        file_id: Uuid,
        block: bool,
    ) -> Result<()> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let row = c.delete_file(file_id).await?.ok_or_else(file_not_found)?;
        if block {
            c.block_hash(&BlockedHash {
                sha256: row.upload_sha256.clone(),
                reason: format!("deleted file {}", row.id),
                blocked_by: Some(actor.id()),
                created_at: store::now(),
            })
            .await?;
        }
        let entry = NewAuditEntry::by(actor.id(), "admin.file_deleted")
            .target(row.uploader_id)
            .details(serde_json::json!({
                "file_id": row.id, "sha256": row.sha256, "name": row.name, "blocked": block,
            }));
        self.audit(&mut c, meta, entry).await?;
        let message = self.file_message(&mut c, &row).await?;
        tx.commit().await?;
        self.remove_stored(&[row.id]).await;
        self.republish(message);
        Ok(())
    }

    /// Hides a file from everyone but instance admins (`quarantined`), or shows it again.
    pub async fn admin_quarantine_file(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        file_id: Uuid,
        quarantined: bool,
    ) -> Result<AdminFileView> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let at = quarantined.then(store::now);
        if !c.set_file_quarantine(file_id, at).await? {
            return Err(file_not_found());
        }
        let row = c.file(file_id).await?.ok_or_else(file_not_found)?;
        let action = if quarantined {
            "admin.file_quarantined"
        } else {
            "admin.file_released"
        };
        let entry = NewAuditEntry::by(actor.id(), action)
            .target(row.uploader_id)
            .details(serde_json::json!({ "file_id": row.id, "sha256": row.sha256 }));
        self.audit(&mut c, meta, entry).await?;
        let message = self.file_message(&mut c, &row).await?;
        tx.commit().await?;
        // Readers' views drop or regain the file.
        self.republish(message);
        Ok(admin_view(&row))
    }

    pub async fn blocked_hashes(&self, actor: &Actor) -> Result<Vec<BlockedHashView>> {
        actor.require_admin()?;
        let rows = self.db.acquire().await?.conn().blocked_hashes().await?;
        Ok(rows
            .into_iter()
            .map(|b| BlockedHashView {
                sha256: b.sha256,
                reason: b.reason,
                blocked_by: b.blocked_by,
                created_at: b.created_at,
            })
            .collect())
    }

    pub async fn block_hash(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        sha256: &str,
        reason: &str,
    ) -> Result<BlockedHashView> {
        actor.require_admin()?;
        let sha256 = normalised_hash(sha256)?;
        let reason = reason.trim();
        if reason.chars().count() > REASON_MAX {
            return Err(Error::invalid(
                "reason",
                format!("a reason is at most {REASON_MAX} characters"),
            ));
        }
        crate::domain::validate::text("reason", reason)?;
        let blocked = BlockedHash {
            sha256,
            reason: reason.to_owned(),
            blocked_by: Some(actor.id()),
            created_at: store::now(),
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if !c.block_hash(&blocked).await? {
            return Err(Error::conflict(
                "already_blocked",
                "this hash is already blocked",
            ));
        }
        let entry = NewAuditEntry::by(actor.id(), "admin.hash_blocked")
            .details(serde_json::json!({ "sha256": blocked.sha256 }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        Ok(BlockedHashView {
            sha256: blocked.sha256,
            reason: blocked.reason,
            blocked_by: blocked.blocked_by,
            created_at: blocked.created_at,
        })
    }

    pub async fn unblock_hash(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        sha256: &str,
    ) -> Result<()> {
        actor.require_admin()?;
        let sha256 = normalised_hash(sha256)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if !c.unblock_hash(&sha256).await? {
            return Err(Error::not_found(
                "hash_not_blocked",
                "this hash is not blocked",
            ));
        }
        let entry = NewAuditEntry::by(actor.id(), "admin.hash_unblocked")
            .details(serde_json::json!({ "sha256": sha256 }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn storage_stats(&self, actor: &Actor) -> Result<StorageStatsView> {
        actor.require_admin()?;
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let (files, bytes) = c.storage_total().await?;
        let by_user = c.storage_by_user(20).await?;
        let by_community = c.storage_by_community(20).await?;
        Ok(StorageStatsView {
            files,
            bytes,
            by_user: by_user.into_iter().map(total_view).collect(),
            by_community: by_community.into_iter().map(total_view).collect(),
        })
    }
}
