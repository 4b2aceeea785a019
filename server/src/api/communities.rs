use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::community::{
    CommunityAccess, CommunityChanges, CommunityRole, MemberChanges, NewCommunity,
};
use crate::store::{
    BanEntry, CommunityInvite, CommunityMember, CommunitySummary, MemberProfile, Warning,
};

/// A community as its members (or, when public, anyone) see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityView {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub welcome_message: Option<String>,
    /// `public` or `private`.
    pub visibility: String,
    pub discoverable: bool,
    /// Lowest role that may create invites: `member`, `moderator` or `admin`.
    pub who_can_create_invites: String,
    pub owner_id: Uuid,
    pub member_count: i64,
    /// The caller's role, when they are a member.
    pub my_role: Option<CommunityRole>,
    pub created_at: DateTime<Utc>,
}

impl CommunityView {
    pub fn new(s: CommunitySummary, my_role: Option<CommunityRole>) -> CommunityView {
        let c = s.community;
        CommunityView {
            id: c.id,
            name: c.name,
            description: c.description,
            welcome_message: c.welcome_message,
            visibility: c.visibility,
            discoverable: c.discoverable,
            who_can_create_invites: c.who_can_create_invites,
            owner_id: c.owner_id,
            member_count: s.member_count,
            my_role,
            created_at: c.created_at,
        }
    }

    pub fn with_access(s: CommunitySummary, access: &CommunityAccess) -> CommunityView {
        CommunityView::new(s, access.role())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommunityRequest {
    /// 1–100 characters.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub welcome_message: Option<String>,
    /// `public` or `private` (default).
    #[serde(default)]
    pub visibility: Option<String>,
    /// Listed in discovery (public communities only); default false.
    #[serde(default)]
    pub discoverable: Option<bool>,
    /// `member`, `moderator` (default) or `admin`.
    #[serde(default)]
    pub who_can_create_invites: Option<String>,
}

impl From<CreateCommunityRequest> for NewCommunity {
    fn from(r: CreateCommunityRequest) -> Self {
        NewCommunity {
            name: r.name,
            description: r.description,
            welcome_message: r.welcome_message,
            visibility: r.visibility,
            discoverable: r.discoverable,
            who_can_create_invites: r.who_can_create_invites,
        }
    }
}

/// A partial settings update: absent fields stay, `null` clears optional ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommunityRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub welcome_message: Option<Option<String>>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub discoverable: Option<bool>,
    #[serde(default)]
    pub who_can_create_invites: Option<String>,
}

impl From<UpdateCommunityRequest> for CommunityChanges {
    fn from(r: UpdateCommunityRequest) -> Self {
        CommunityChanges {
            name: r.name,
            description: r.description,
            welcome_message: r.welcome_message,
            visibility: r.visibility,
            discoverable: r.discoverable,
            who_can_create_invites: r.who_can_create_invites,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiscoverParams {
    /// Part of the name.
    pub query: Option<String>,
    /// Cursor: communities older than this ID.
    pub before: Option<Uuid>,
    /// 1–100, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIdRequest {
    pub user_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub nickname: Option<String>,
    pub role: CommunityRole,
    /// Set while a timeout lasts (it may already have passed).
    pub timed_out_until: Option<DateTime<Utc>>,
    pub joined_at: DateTime<Utc>,
}

impl From<MemberProfile> for MemberView {
    fn from(p: MemberProfile) -> Self {
        MemberView {
            user_id: p.member.user_id,
            username: p.username,
            display_name: p.display_name,
            nickname: p.member.nickname,
            role: CommunityRole::parse(&p.member.role),
            timed_out_until: p.member.timed_out_until,
            joined_at: p.member.joined_at,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MemberListParams {
    /// Cursor: members with a user ID after this one.
    pub after: Option<Uuid>,
    /// 1–200, default 100.
    pub limit: Option<u32>,
}

/// Changes a member's role (admins and up) or nickname (`null` clears).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    #[serde(default)]
    pub role: Option<CommunityRole>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub nickname: Option<Option<String>>,
}

impl From<UpdateMemberRequest> for MemberChanges {
    fn from(r: UpdateMemberRequest) -> Self {
        MemberChanges {
            role: r.role,
            nickname: r.nickname,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityInviteView {
    pub id: Uuid,
    pub community_id: Uuid,
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

impl From<CommunityInvite> for CommunityInviteView {
    fn from(i: CommunityInvite) -> Self {
        CommunityInviteView {
            id: i.id,
            community_id: i.community_id,
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

/// What an invite leads to, shown before joining.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvitePreview {
    pub code: String,
    pub community_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub member_count: i64,
    pub expires_at: Option<DateTime<Utc>>,
}

impl InvitePreview {
    pub fn new(invite: CommunityInvite, community: CommunitySummary) -> InvitePreview {
        InvitePreview {
            code: invite.code,
            community_id: community.community.id,
            name: community.community.name,
            description: community.community.description,
            member_count: community.member_count,
            expires_at: invite.expires_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarnRequest {
    /// Why (1–500 characters); the member can read their warnings.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WarningView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub issued_by: Option<Uuid>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

impl From<Warning> for WarningView {
    fn from(w: Warning) -> Self {
        WarningView {
            id: w.id,
            user_id: w.user_id,
            issued_by: w.issued_by,
            reason: w.reason,
            created_at: w.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeoutRequest {
    /// 60 seconds to 28 days.
    pub duration_secs: u32,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimeoutView {
    pub user_id: Uuid,
    pub timed_out_until: Option<DateTime<Utc>>,
}

impl From<CommunityMember> for TimeoutView {
    fn from(m: CommunityMember) -> Self {
        TimeoutView {
            user_id: m.user_id,
            timed_out_until: m.timed_out_until,
        }
    }
}

/// An optional reason for a kick or ban.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BanView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub banned_by: Option<Uuid>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<BanEntry> for BanView {
    fn from(b: BanEntry) -> Self {
        BanView {
            user_id: b.ban.user_id,
            username: b.username,
            display_name: b.display_name,
            banned_by: b.ban.banned_by,
            reason: b.ban.reason,
            created_at: b.ban.created_at,
        }
    }
}
