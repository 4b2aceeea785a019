//! Wire types of the REST API: the request and response bodies, shared by the
//! handlers, the OpenAPI document and the tests (and later the desktop app and the
//! load generator). This module is a leaf: it knows nothing of the domain or the
//! store; the domain converts its types into these (`domain/wire/`).

mod account;
mod admin;
mod announcements;
mod auth;
mod communities;
mod files;
mod groups;
mod integrations;
mod link_previews;
mod meetings;
mod messages;
mod notifications;
mod preferences;
mod purges;
pub mod realtime;
mod reports;
mod roles;
mod security;
mod system;
mod updates;
mod voice;

pub use account::*;
pub use admin::*;
pub use announcements::*;
pub use auth::*;
pub use communities::*;
pub use files::*;
pub use groups::*;
pub use integrations::*;
pub use link_previews::*;
pub use meetings::*;
pub use messages::*;
pub use notifications::*;
pub use preferences::*;
pub use purges::*;
pub use realtime::{ClientFrame, ServerEvent};
pub use reports::*;
pub use roles::{CommunityRole, GroupRole, InstanceRole};
pub use security::*;
pub use system::*;
pub use updates::*;
pub use voice::*;

/// Deserializes a field that distinguishes "absent" (`None`) from `null`
/// (`Some(None)`), for partial updates.
pub(crate) fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Deserializes an optional time, refusing years outside 0000–9999: RFC 3339 (the
/// documented `date-time` format) cannot write them, and PostgreSQL cannot compare
/// with times before 4713 BC.
pub(crate) fn optional_time<'de, D>(
    deserializer: D,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use chrono::Datelike;
    use serde::Deserialize;
    let time = Option::<chrono::DateTime<chrono::Utc>>::deserialize(deserializer)?;
    if time.is_some_and(|t| !(0..=9999).contains(&t.year())) {
        return Err(serde::de::Error::custom(
            "expected an RFC 3339 time with a year from 0000 to 9999",
        ));
    }
    Ok(time)
}
