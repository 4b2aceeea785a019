use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One ICE server, shaped like WebRTC's `RTCIceServer` (pass it to
/// `RTCPeerConnection` as it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IceServerView {
    /// `stun:`, `turn:` or `turns:` URLs.
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// The ICE servers for a call. TURN credentials are short-lived: fetch them again
/// for each call (or before `expires_at`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IceConfigView {
    pub ice_servers: Vec<IceServerView>,
    /// When the TURN credential stops working; absent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}
