//! Conversions between the stored and domain types and the wire types of
//! `api::communities`.

use crate::api::*;
use crate::domain::community::{
    CommunityAccess, CommunityChanges, CommunityRole, InviteLanding, MemberChanges, NewCommunity,
};
use crate::store::{
    BanEntry, CommunityInvite, CommunityMember, CommunitySummary, MemberProfile, Warning,
};

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
            icon_file_id: c.icon_file_id,
            banner_file_id: c.banner_file_id,
            member_count: s.member_count,
            my_role,
            theme: CommunityTheme {
                palette: c.theme_palette.as_deref().map(Palette::parse),
                accent: c.theme_accent,
            },
            created_at: c.created_at,
        }
    }

    pub fn with_access(s: CommunitySummary, access: &CommunityAccess) -> CommunityView {
        CommunityView::new(s, access.role())
    }
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

impl From<UpdateCommunityRequest> for CommunityChanges {
    fn from(r: UpdateCommunityRequest) -> Self {
        CommunityChanges {
            name: r.name,
            description: r.description,
            welcome_message: r.welcome_message,
            visibility: r.visibility,
            discoverable: r.discoverable,
            who_can_create_invites: r.who_can_create_invites,
            theme: r.theme,
        }
    }
}

impl From<MemberProfile> for MemberView {
    fn from(p: MemberProfile) -> Self {
        MemberView {
            user_id: p.member.user_id,
            username: p.username,
            display_name: p.display_name,
            avatar_file_id: p.avatar_file_id,
            bot: p.bot,
            nickname: p.member.nickname,
            role: CommunityRole::parse(&p.member.role),
            timed_out_until: p.member.timed_out_until,
            joined_at: p.member.joined_at,
        }
    }
}

impl From<UpdateMemberRequest> for MemberChanges {
    fn from(r: UpdateMemberRequest) -> Self {
        MemberChanges {
            role: r.role,
            nickname: r.nickname,
        }
    }
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

impl InvitePreview {
    pub fn new(landing: InviteLanding) -> InvitePreview {
        let InviteLanding {
            invite,
            community,
            invited_by,
            admits_new_accounts,
        } = landing;
        InvitePreview {
            invited_by,
            admits_new_accounts,
            code: invite.code,
            community_id: community.community.id,
            name: community.community.name,
            description: community.community.description,
            icon_file_id: community.community.icon_file_id,
            member_count: community.member_count,
            expires_at: invite.expires_at,
        }
    }
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

impl From<CommunityMember> for TimeoutView {
    fn from(m: CommunityMember) -> Self {
        TimeoutView {
            user_id: m.user_id,
            timed_out_until: m.timed_out_until,
        }
    }
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
