use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

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

/// How a call's media flows. Today every call is a full mesh: each participant
/// keeps one peer connection to every other. A selective forwarding unit would be
/// another topology, with the same signalling frames addressed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallTopology {
    Mesh,
}

/// What a participant shows the others (set by the participant).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoiceFlags {
    pub self_mute: bool,
    pub self_deaf: bool,
    pub camera: bool,
    pub screen_share: bool,
}

/// One person in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoiceParticipantView {
    pub user_id: Uuid,
    /// Changes every time the user (re)joins, from whichever device: a peer that
    /// sees a new value drops its old peer connection to them and starts anew.
    pub call_session_id: Uuid,
    pub joined_at: DateTime<Utc>,
    #[serde(flatten)]
    pub flags: VoiceFlags,
}

/// A voice channel's call: who is in it, in the order they joined.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VoiceCallView {
    pub channel_id: Uuid,
    pub community_id: Option<Uuid>,
    pub topology: CallTopology,
    /// At most 25 in a mesh call.
    pub max_participants: u32,
    pub participants: Vec<VoiceParticipantView>,
}

/// Why someone left a call (in `voice_state` without a participant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoiceLeaveReason {
    /// They left.
    Left,
    /// They joined another voice channel.
    Moved,
    /// A moderator disconnected them.
    Disconnected,
    /// They may no longer be there: kicked, banned, timed out, lost access to the
    /// channel, the channel was deleted or archived, or their session ended.
    Removed,
    /// Their connection dropped and did not come back within the grace period.
    ConnectionLost,
}

/// A WebRTC negotiation message for one peer, forwarded as it is (VOICE-2).
/// Descriptions carry SDP with its CRLF line ends; the end of candidates is a
/// candidate with an empty `candidate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum VoiceSignal {
    /// Up to 64 KiB of SDP.
    Offer { sdp: String },
    /// Up to 64 KiB of SDP.
    Answer { sdp: String },
    /// Shaped like `RTCIceCandidateInit`, with snake_case names.
    Candidate {
        /// Up to 1024 characters; empty for the end of candidates.
        candidate: String,
        #[serde(default)]
        sdp_mid: Option<String>,
        #[serde(default)]
        sdp_m_line_index: Option<u16>,
        #[serde(default)]
        username_fragment: Option<String>,
    },
}
