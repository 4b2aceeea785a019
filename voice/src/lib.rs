//! Chatalot's native call engine (VOICE-4): voice calls in native code, so the
//! desktop app does not depend on the WebRTC of the system's webview.
//!
//! - [`signalling`]: the server's gateway (join, leave, flags, negotiation
//!   messages) and the ICE servers from `GET /api/account/turn-credentials`;
//! - [`engine`]: a [`Call`]: one WebRTC peer connection (webrtc-rs) per other
//!   participant (mesh), perfect negotiation and ICE restarts as the browser client
//!   does them, Opus audio with FEC, a jitter buffer per participant, mute, deafen,
//!   volumes and speaking detection;
//! - [`audio`]: the media traits and their synthetic implementations (tones,
//!   recordings), the codec, the jitter buffer and the level meter;
//! - [`video`]: the camera and video-sink traits, VP8 (libvpx), a test pattern.

pub mod audio;
pub mod engine;
pub mod signalling;
pub mod video;

pub use engine::{Call, CallError, CallEvent, CallOptions, Media, PeerState};

/// A mutex's guard, also after a panic elsewhere poisoned it: the engine's shared
/// state (buffers, lists, pending requests) stays usable, never half-written.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
