//! Conversions between the stored and domain types and the wire types of
//! `api::admin`.

use crate::api::*;
use crate::domain::{AuditQuery, NewInvite};
use crate::store::{AuditEntry, RegistrationInvite};

impl From<CreateInviteRequest> for NewInvite {
    fn from(r: CreateInviteRequest) -> Self {
        NewInvite {
            max_uses: r.max_uses,
            expires_in_hours: r.expires_in_hours,
        }
    }
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
            community_name: e.community_name,
            ip: e.ip,
            user_agent: e.user_agent,
            details: e.details.0,
            created_at: e.created_at,
        }
    }
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
            two_factor_enabled: u.two_factor_enabled,
            sso_linked: u.sso_linked,
            created_at: u.created_at,
        }
    }
}
