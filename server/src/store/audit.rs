//! The audit log of security events and administrative actions.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: Uuid,
    pub action: String,
    pub actor_id: Option<Uuid>,
    /// The accounts' current names (`None` once an account is deleted).
    pub actor_username: Option<String>,
    pub actor_display_name: Option<String>,
    pub target_user_id: Option<Uuid>,
    pub target_username: Option<String>,
    pub target_display_name: Option<String>,
    pub community_id: Option<Uuid>,
    /// The community's current name (`None` once it is deleted).
    pub community_name: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: Json<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub action: &'static str,
    pub actor_id: Option<Uuid>,
    pub target_user_id: Option<Uuid>,
    pub community_id: Option<Uuid>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: serde_json::Value,
}

impl NewAuditEntry {
    /// An action taken by a signed-in user.
    pub fn by(actor_id: Uuid, action: &'static str) -> NewAuditEntry {
        NewAuditEntry {
            actor_id: Some(actor_id),
            ..NewAuditEntry::anonymous(action)
        }
    }

    /// An action without a known actor (failed logins, start-up tasks).
    pub fn anonymous(action: &'static str) -> NewAuditEntry {
        NewAuditEntry {
            action,
            actor_id: None,
            target_user_id: None,
            community_id: None,
            ip: None,
            user_agent: None,
            details: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn target(mut self, user_id: Option<Uuid>) -> NewAuditEntry {
        self.target_user_id = user_id;
        self
    }

    pub fn community(mut self, community_id: Uuid) -> NewAuditEntry {
        self.community_id = Some(community_id);
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> NewAuditEntry {
        self.details = details;
        self
    }
}

/// Filters for listing; entries come newest first, `before` is an entry ID cursor.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub user_id: Option<Uuid>,
    pub community_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub before: Option<Uuid>,
    pub limit: i64,
}

impl Conn<'_> {
    pub async fn insert_audit_entry(
        &mut self,
        entry: &NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO audit_log (id, action, actor_id, target_user_id, community_id, ip, user_agent, details, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(super::new_id())
            .bind(entry.action)
            .bind(entry.actor_id)
            .bind(entry.target_user_id)
            .bind(entry.community_id)
            .bind(&entry.ip)
            .bind(&entry.user_agent)
            .bind(Json(&entry.details))
            .bind(now)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn audit_entries(&mut self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT a.id, a.action, a.actor_id, actor.username AS actor_username, \
                 actor.display_name AS actor_display_name, a.target_user_id, target.username AS target_username, \
                 target.display_name AS target_display_name, a.community_id, community.name AS community_name, \
                 a.ip, a.user_agent, a.details, a.created_at \
                 FROM audit_log a \
                 LEFT JOIN users actor ON actor.id = a.actor_id \
                 LEFT JOIN users target ON target.id = a.target_user_id \
                 LEFT JOIN communities community ON community.id = a.community_id \
                 WHERE ($1 IS NULL OR a.action = $1) \
                 AND ($2 IS NULL OR a.actor_id = $2 OR a.target_user_id = $2) \
                 AND ($3 IS NULL OR a.created_at >= $3) \
                 AND ($4 IS NULL OR a.created_at < $4) \
                 AND ($5 IS NULL OR a.id < $5) \
                 AND ($7 IS NULL OR a.community_id = $7) \
                 ORDER BY a.id DESC LIMIT $6",
            )
            .bind(&filter.action)
            .bind(filter.user_id)
            .bind(filter.since)
            .bind(filter.until)
            .bind(filter.before)
            .bind(filter.limit)
            .bind(filter.community_id)
            .fetch_all(e)
            .await?
        }))
    }
}
