//! Writing and reading the audit log (ADM-5).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Actor, Core, RequestMeta};
use crate::domain::error::Result;
use crate::store::{self, AuditEntry, AuditFilter, Conn, NewAuditEntry};

/// Filters an administrator may apply; `limit` is clamped to 1..=200.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub user_id: Option<Uuid>,
    pub community_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub before: Option<Uuid>,
    pub limit: Option<u32>,
}

impl Core {
    /// Records an entry inside the caller's transaction, stamped with the request's
    /// address and user agent.
    pub(super) async fn audit(
        &self,
        c: &mut Conn<'_>,
        meta: &RequestMeta,
        mut entry: NewAuditEntry,
    ) -> Result<()> {
        entry.ip = meta.ip_string();
        entry.user_agent = meta.user_agent.clone();
        c.insert_audit_entry(&entry, store::now()).await?;
        Ok(())
    }

    pub async fn audit_log(&self, actor: &Actor, query: AuditQuery) -> Result<Vec<AuditEntry>> {
        actor.require_admin()?;
        let filter = AuditFilter {
            action: query.action,
            user_id: query.user_id,
            community_id: query.community_id,
            since: query.since,
            until: query.until,
            before: query.before,
            limit: i64::from(query.limit.unwrap_or(50).clamp(1, 200)),
        };
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .audit_entries(&filter)
            .await?)
    }
}
