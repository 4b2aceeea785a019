//! What the webview hears about the native call (`voice://event`), and the summary
//! the tray shows.

use chatalot_voice::{CallEvent, PeerState};
use serde::Serialize;
use uuid::Uuid;

/// The Tauri event that carries [`VoiceEvent`]s to the webview.
pub const VOICE_EVENT: &str = "voice://event";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VoiceEvent {
    /// Everyone in the call (this user included), in the order they joined.
    Participants {
        participants: Vec<ParticipantView>,
    },
    Speaking {
        user_id: Uuid,
        speaking: bool,
    },
    /// `connecting`, `connected`, `reconnecting` or `failed`.
    Peer {
        user_id: Uuid,
        state: &'static str,
    },
    /// The engine lost the server and is joining again.
    Reconnecting,
    /// `left` (asked for), or the server's reason.
    Ended {
        reason: String,
    },
}

/// An event with the call it belongs to (the webview's tag from `voice_join`): events
/// of a call just left may still be on their way when the next one starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaggedEvent {
    pub call: String,
    #[serde(flatten)]
    pub event: VoiceEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantView {
    pub user_id: Uuid,
    pub call_session_id: Uuid,
    pub self_mute: bool,
    pub self_deaf: bool,
    pub camera: bool,
    pub screen_share: bool,
}

impl From<CallEvent> for VoiceEvent {
    fn from(event: CallEvent) -> VoiceEvent {
        match event {
            CallEvent::Participants(list) => VoiceEvent::Participants {
                participants: list
                    .into_iter()
                    .map(|p| ParticipantView {
                        user_id: p.user_id,
                        call_session_id: p.call_session_id,
                        self_mute: p.flags.self_mute,
                        self_deaf: p.flags.self_deaf,
                        camera: p.flags.camera,
                        screen_share: p.flags.screen_share,
                    })
                    .collect(),
            },
            CallEvent::Speaking { user_id, speaking } => VoiceEvent::Speaking { user_id, speaking },
            CallEvent::Peer { user_id, state } => VoiceEvent::Peer {
                user_id,
                state: match state {
                    PeerState::Connecting => "connecting",
                    PeerState::Connected => "connected",
                    PeerState::Reconnecting => "reconnecting",
                    PeerState::Failed => "failed",
                },
            },
            CallEvent::Reconnecting => VoiceEvent::Reconnecting,
            CallEvent::Ended { reason } => VoiceEvent::Ended { reason },
        }
    }
}

/// The call as the tray sums it up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallSummary {
    pub in_call: bool,
    /// Everyone in the call, this user included.
    pub participants: usize,
    pub muted: bool,
    pub deafened: bool,
    pub reconnecting: bool,
}

impl CallSummary {
    /// Follows the call's events.
    pub fn apply(&mut self, event: &VoiceEvent) {
        match event {
            VoiceEvent::Participants { participants } => {
                self.participants = participants.len();
                self.reconnecting = false;
            }
            VoiceEvent::Reconnecting => self.reconnecting = true,
            VoiceEvent::Ended { .. } => *self = CallSummary::default(),
            VoiceEvent::Speaking { .. } | VoiceEvent::Peer { .. } => {}
        }
    }

    /// The tray's call line.
    pub fn text(&self) -> String {
        if !self.in_call {
            return "Call: none".to_owned();
        }
        if self.reconnecting {
            return "Call: reconnecting…".to_owned();
        }
        let people = match self.participants {
            0 | 1 => "just you".to_owned(),
            n => format!("{n} people"),
        };
        let state = match (self.muted, self.deafened) {
            (_, true) => ", deafened",
            (true, false) => ", muted",
            _ => "",
        };
        format!("Call: {people}{state}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_events_become_webview_events() {
        let user_id = Uuid::new_v4();
        let event = VoiceEvent::from(CallEvent::Peer {
            user_id,
            state: PeerState::Reconnecting,
        });
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            serde_json::json!({"type": "peer", "user_id": user_id, "state": "reconnecting"})
        );
        assert_eq!(
            serde_json::to_value(VoiceEvent::from(CallEvent::Ended {
                reason: "removed".into()
            }))
            .unwrap(),
            serde_json::json!({"type": "ended", "reason": "removed"})
        );
        assert_eq!(
            serde_json::to_value(VoiceEvent::Reconnecting).unwrap(),
            serde_json::json!({"type": "reconnecting"})
        );
    }

    #[test]
    fn events_carry_their_calls_tag() {
        let tagged = TaggedEvent {
            call: "c1".into(),
            event: VoiceEvent::Speaking {
                user_id: Uuid::nil(),
                speaking: true,
            },
        };
        assert_eq!(
            serde_json::to_value(tagged).unwrap(),
            serde_json::json!({"call": "c1", "type": "speaking", "user_id": Uuid::nil(), "speaking": true})
        );
    }

    #[test]
    fn the_tray_line_follows_the_call() {
        let mut summary = CallSummary::default();
        assert_eq!(summary.text(), "Call: none");
        summary.in_call = true;
        summary.apply(&VoiceEvent::Participants {
            participants: vec![],
        });
        assert_eq!(summary.text(), "Call: just you");
        let someone = |n: u128| ParticipantView {
            user_id: Uuid::from_u128(n),
            call_session_id: Uuid::from_u128(n),
            self_mute: false,
            self_deaf: false,
            camera: false,
            screen_share: false,
        };
        summary.apply(&VoiceEvent::Participants {
            participants: vec![someone(1), someone(2), someone(3)],
        });
        summary.muted = true;
        assert_eq!(summary.text(), "Call: 3 people, muted");
        summary.deafened = true;
        assert_eq!(summary.text(), "Call: 3 people, deafened");
        summary.apply(&VoiceEvent::Reconnecting);
        assert_eq!(summary.text(), "Call: reconnecting…");
        summary.apply(&VoiceEvent::Ended {
            reason: "connection_lost".into(),
        });
        assert_eq!(summary.text(), "Call: none");
    }
}
