//! Negotiation messages between two participants of one call (VOICE-2): checked,
//! then handed to the recipient's call connection and nobody else.

use uuid::Uuid;

use super::calls::RouteError;
use crate::api::{ServerEvent, VoiceSignal};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core};
use crate::events::{ConnectionId, Outgoing};

/// Largest session description forwarded (a mesh offer with audio, video and
/// screen share is a few KiB).
pub const SDP_MAX_BYTES: usize = 64 * 1024;
/// Largest ICE candidate line.
pub const CANDIDATE_MAX_CHARS: usize = 1024;
const MID_MAX_CHARS: usize = 64;

/// SDP lines end in CRLF; any other control character is refused.
fn check_sdp(sdp: &str) -> Result<()> {
    if sdp.len() > SDP_MAX_BYTES {
        return Err(Error::invalid("signal.sdp", "at most 64 KiB of SDP"));
    }
    if sdp
        .chars()
        .any(|c| c.is_control() && c != '\r' && c != '\n')
    {
        return Err(Error::invalid(
            "signal.sdp",
            "SDP must not contain control characters other than CR and LF",
        ));
    }
    Ok(())
}

fn check_signal(signal: &VoiceSignal) -> Result<()> {
    match signal {
        VoiceSignal::Offer { sdp } | VoiceSignal::Answer { sdp } => check_sdp(sdp),
        VoiceSignal::Candidate {
            candidate,
            sdp_mid,
            username_fragment,
            ..
        } => {
            if candidate.chars().count() > CANDIDATE_MAX_CHARS {
                return Err(Error::invalid(
                    "signal.candidate",
                    "at most 1024 characters",
                ));
            }
            let too_long = |field: &Option<String>| {
                field
                    .as_ref()
                    .is_some_and(|v| v.chars().count() > MID_MAX_CHARS)
            };
            if too_long(sdp_mid) || too_long(username_fragment) {
                return Err(Error::invalid(
                    "signal",
                    "sdp_mid and username_fragment have at most 64 characters",
                ));
            }
            Ok(())
        }
    }
}

impl Core {
    /// Forwards `signal` from the caller's call connection to `to_user_id`'s.
    pub fn voice_signal(
        &self,
        actor: &Actor,
        connection: ConnectionId,
        channel_id: Uuid,
        to_user_id: Uuid,
        signal: VoiceSignal,
    ) -> Result<()> {
        check_signal(&signal)?;
        let route = self
            .calls
            .route(channel_id, (actor.id(), connection), to_user_id)
            .map_err(|err| match err {
                RouteError::SenderNotInCall => {
                    Error::conflict("not_in_call", "join this call from this connection first")
                }
                RouteError::RecipientAbsent => Error::not_found(
                    "participant_not_found",
                    "this person is not connected to this call",
                ),
            })?;
        let event = ServerEvent::VoiceSignal {
            channel_id,
            from_user_id: actor.id(),
            from_call_session_id: route.from_call_session_id,
            signal,
        };
        let json =
            serde_json::to_string(&event).map_err(|e| Error::Internal(anyhow::Error::from(e)))?;
        let delivered = self
            .events
            .hub
            .connections_of(to_user_id)
            .into_iter()
            .find(|c| c.id == route.to_connection)
            .is_some_and(|c| c.send(Outgoing::Urgent(json.into())));
        if !delivered {
            return Err(Error::not_found(
                "participant_not_found",
                "this person is not connected to this call",
            ));
        }
        Ok(())
    }
}
