//! Conversions between the stored and domain types and the wire types of
//! `api::account`.

use uuid::Uuid;

use crate::api::*;
use crate::domain::{InstanceRole, ProfileChanges};
use crate::store::{ProfileCard, Session, User};

impl From<User> for UserProfile {
    fn from(u: User) -> Self {
        UserProfile {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            instance_role: InstanceRole::parse(&u.instance_role).as_str().to_owned(),
            bio: u.bio,
            pronouns: u.pronouns,
            custom_status: u.custom_status,
            avatar_file_id: u.avatar_file_id,
            banner_file_id: u.banner_file_id,
            read_receipts: u.read_receipts,
            show_last_seen: u.show_last_seen,
            two_factor_enabled: u.two_factor_enabled,
            has_password: u.password_hash.is_some(),
            created_at: u.created_at,
        }
    }
}

impl From<ProfileCard> for UserCardView {
    fn from(p: ProfileCard) -> Self {
        UserCardView {
            id: p.id,
            username: p.username,
            display_name: p.display_name,
            avatar_file_id: p.avatar_file_id,
            banner_file_id: p.banner_file_id,
            bio: p.bio,
            pronouns: p.pronouns,
            custom_status: p.custom_status,
            last_seen_at: p.last_seen_at,
            created_at: p.created_at,
        }
    }
}

impl From<ProfileUpdateRequest> for ProfileChanges {
    fn from(r: ProfileUpdateRequest) -> Self {
        ProfileChanges {
            display_name: r.display_name,
            bio: r.bio,
            pronouns: r.pronouns,
            custom_status: r.custom_status,
            read_receipts: r.read_receipts,
            show_last_seen: r.show_last_seen,
        }
    }
}

impl SessionInfo {
    pub fn new(s: Session, current: Uuid) -> SessionInfo {
        SessionInfo {
            current: s.id == current,
            id: s.id,
            user_agent: s.user_agent,
            ip: s.ip,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
        }
    }
}
