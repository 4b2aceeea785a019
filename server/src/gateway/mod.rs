//! The WebSocket gateway at `/ws` (RT-1..5): first-frame authentication, one writer
//! task per connection draining its bounded queue, a reader that turns client frames
//! into the same domain calls as the REST API, and a heartbeat.
//!
//! The protocol is described in [`crate::api::realtime`].

mod actions;
mod session;

pub use session::run;
