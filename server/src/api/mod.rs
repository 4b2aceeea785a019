//! Wire types of the REST API: the request and response bodies, shared by the
//! handlers, the OpenAPI document and the tests (and later the desktop app and the
//! load generator). Domain types convert into these at the edge.

mod account;
mod admin;
mod auth;
mod communities;
mod groups;
mod messages;
pub mod realtime;
mod system;

pub use account::*;
pub use admin::*;
pub use auth::*;
pub use communities::*;
pub use groups::*;
pub use messages::*;
pub use realtime::{ClientFrame, ServerEvent};
pub use system::*;

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
