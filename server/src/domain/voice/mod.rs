//! Calls (VOICE-1..3): the ICE servers a signed-in user connects through, who is in
//! which voice channel's call, and the negotiation messages between them.

mod calls;
mod ice;
mod participation;
mod signalling;

pub(crate) use calls::Calls;
pub use participation::VoiceFlagChanges;
