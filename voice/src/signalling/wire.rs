//! The JSON frames of the gateway that calls use, as a client sees them. Frames the
//! engine does not use are read as [`ServerFrame::Other`].

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A WebRTC negotiation message, forwarded between two participants as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    /// Empty `candidate`: the end of candidates.
    Candidate {
        candidate: String,
        #[serde(default)]
        sdp_mid: Option<String>,
        #[serde(default)]
        sdp_m_line_index: Option<u16>,
        #[serde(default)]
        username_fragment: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags {
    pub self_mute: bool,
    pub self_deaf: bool,
    pub camera: bool,
    pub screen_share: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Participant {
    pub user_id: Uuid,
    /// New every time they (re)join: a new value means a new peer connection.
    pub call_session_id: Uuid,
    #[serde(flatten)]
    pub flags: Flags,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CallView {
    pub channel_id: Uuid,
    pub participants: Vec<Participant>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UserRef {
    pub id: Uuid,
}

/// What the engine sends.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    Authenticate {
        token: String,
    },
    VoiceJoin {
        channel_id: Uuid,
        self_mute: bool,
        self_deaf: bool,
        nonce: String,
    },
    VoiceLeave {
        nonce: String,
    },
    VoiceUpdate {
        self_mute: bool,
        self_deaf: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        camera: Option<bool>,
        nonce: String,
    },
    VoiceSignal {
        channel_id: Uuid,
        to_user_id: Uuid,
        signal: Signal,
    },
    Ping,
}

/// What the engine reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    Ready {
        user: UserRef,
        heartbeat_interval_ms: u64,
    },
    Ack {
        nonce: String,
        #[serde(default)]
        call: Option<CallView>,
    },
    Error {
        #[serde(default)]
        nonce: Option<String>,
        code: String,
        message: String,
    },
    VoiceState {
        channel_id: Uuid,
        user_id: Uuid,
        #[serde(default)]
        participant: Option<Participant>,
        #[serde(default)]
        reason: Option<String>,
    },
    VoiceSignal {
        channel_id: Uuid,
        from_user_id: Uuid,
        from_call_session_id: Uuid,
        signal: Signal,
    },
    #[serde(other)]
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_match_the_gateway_protocol() {
        let channel = Uuid::now_v7();
        let frame = ClientFrame::VoiceSignal {
            channel_id: channel,
            to_user_id: channel,
            signal: Signal::Candidate {
                candidate: String::new(),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0),
                username_fragment: None,
            },
        };
        assert_eq!(
            serde_json::to_value(&frame).unwrap(),
            json!({"type": "voice_signal", "channel_id": channel, "to_user_id": channel,
                   "signal": {"kind": "candidate", "candidate": "", "sdp_mid": "0",
                              "sdp_m_line_index": 0, "username_fragment": null}})
        );
        let state: ServerFrame = serde_json::from_value(json!({
            "type": "voice_state", "channel_id": channel, "user_id": channel,
            "participant": {"user_id": channel, "call_session_id": channel,
                            "joined_at": "2026-12-04T00:00:00Z", "self_mute": true,
                            "self_deaf": false, "camera": false, "screen_share": false}
        }))
        .unwrap();
        let ServerFrame::VoiceState {
            participant: Some(p),
            ..
        } = state
        else {
            panic!("a voice_state with a participant: {state:?}");
        };
        assert!(p.flags.self_mute);
        let other: ServerFrame =
            serde_json::from_value(json!({"type": "typing", "channel_id": channel})).unwrap();
        assert!(matches!(other, ServerFrame::Other));
    }
}
