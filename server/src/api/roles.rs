//! Roles as they appear on the wire (and are stored, by `as_str`): on the instance,
//! in a community, in a group. Higher variants outrank lower ones.

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InstanceRole {
    User,
    Admin,
    Owner,
}

impl InstanceRole {
    pub fn parse(raw: &str) -> InstanceRole {
        match raw {
            "owner" => InstanceRole::Owner,
            "admin" => InstanceRole::Admin,
            _ => InstanceRole::User,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InstanceRole::Owner => "owner",
            InstanceRole::Admin => "admin",
            InstanceRole::User => "user",
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CommunityRole {
    Member,
    Moderator,
    Admin,
    Owner,
}

impl CommunityRole {
    pub fn parse(raw: &str) -> CommunityRole {
        match raw {
            "owner" => CommunityRole::Owner,
            "admin" => CommunityRole::Admin,
            "moderator" => CommunityRole::Moderator,
            _ => CommunityRole::Member,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CommunityRole::Owner => "owner",
            CommunityRole::Admin => "admin",
            CommunityRole::Moderator => "moderator",
            CommunityRole::Member => "member",
        }
    }

    pub fn level(self) -> u8 {
        self as u8
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GroupRole {
    Member,
    Admin,
    Owner,
}

impl GroupRole {
    pub fn parse(raw: &str) -> GroupRole {
        match raw {
            "owner" => GroupRole::Owner,
            "admin" => GroupRole::Admin,
            _ => GroupRole::Member,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GroupRole::Owner => "owner",
            GroupRole::Admin => "admin",
            GroupRole::Member => "member",
        }
    }
}
