use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::{AuditQuery, NewInvite};
use crate::store::{AuditEntry, RegistrationInvite};

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    /// 1–10000 uses; unlimited when absent.
    #[serde(default)]
    pub max_uses: Option<u32>,
    /// 1–8760 hours; never expires when absent.
    #[serde(default)]
    pub expires_in_hours: Option<u32>,
}

impl From<CreateInviteRequest> for NewInvite {
    fn from(r: CreateInviteRequest) -> Self {
        NewInvite {
            max_uses: r.max_uses,
            expires_in_hours: r.expires_in_hours,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegistrationInviteView {
    pub id: Uuid,
    pub code: String,
    pub created_by: Option<Uuid>,
    /// The creator's username; null once their account is deleted.
    pub created_by_username: Option<String>,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub created_at: DateTime<Utc>,
}

impl From<RegistrationInvite> for RegistrationInviteView {
    fn from(i: RegistrationInvite) -> Self {
        RegistrationInviteView {
            id: i.id,
            code: i.code,
            created_by: i.created_by,
            created_by_username: i.created_by_username,
            max_uses: i.max_uses,
            uses: i.uses,
            expires_at: i.expires_at,
            revoked: i.revoked_at.is_some(),
            created_at: i.created_at,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditLogParams {
    /// Only this action, e.g. `login.failed`.
    pub action: Option<String>,
    /// Entries where this user is the actor or the target.
    pub user_id: Option<Uuid>,
    /// Entries about this community (moderation).
    pub community_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Cursor: entries older than this entry ID.
    pub before: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<u32>,
}

impl From<AuditLogParams> for AuditQuery {
    fn from(p: AuditLogParams) -> Self {
        AuditQuery {
            action: p.action,
            user_id: p.user_id,
            community_id: p.community_id,
            since: p.since,
            until: p.until,
            before: p.before,
            limit: p.limit,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    pub action: String,
    pub actor_id: Option<Uuid>,
    /// The actor's current username and display name; absent once the account is deleted.
    pub actor_username: Option<String>,
    pub actor_display_name: Option<String>,
    pub target_user_id: Option<Uuid>,
    /// The target's current username and display name; absent once the account is deleted.
    pub target_username: Option<String>,
    pub target_display_name: Option<String>,
    pub community_id: Option<Uuid>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        AuditEntryView {
            id: e.id,
            action: e.action,
            actor_id: e.actor_id,
            actor_username: e.actor_username,
            actor_display_name: e.actor_display_name,
            target_user_id: e.target_user_id,
            target_username: e.target_username,
            target_display_name: e.target_display_name,
            community_id: e.community_id,
            ip: e.ip,
            user_agent: e.user_agent,
            details: e.details.0,
            created_at: e.created_at,
        }
    }
}

/// An account as instance administrators see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AdminUserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    #[schema(value_type = crate::domain::InstanceRole)]
    pub instance_role: String,
    pub suspended_at: Option<DateTime<Utc>>,
    pub suspended_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<crate::store::User> for AdminUserView {
    fn from(u: crate::store::User) -> Self {
        AdminUserView {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            instance_role: u.instance_role,
            suspended_at: u.suspended_at,
            suspended_reason: u.suspended_reason,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserSearchParams {
    /// Part of a username, display name or email.
    pub query: Option<String>,
    /// Cursor: users with an ID after this one.
    pub after: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetInstanceRoleRequest {
    /// `admin` or `user`.
    pub role: crate::domain::InstanceRole,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TemporaryPassword {
    /// Give this to the user; they should change it after signing in.
    pub temporary_password: String,
}
