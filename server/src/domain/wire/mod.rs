//! The domain's side of the wire: how stored rows and domain values become the
//! request and response bodies of `api`, and requests become domain inputs. `api`
//! itself knows nothing of either.

mod account;
mod admin;
mod auth;
mod communities;
mod groups;
mod messages;
