//! Client frames → the same domain calls as the REST API, so every action is
//! authorised exactly like its REST twin (RT-3).

use super::session::error;
use crate::api::{ClientFrame, ServerEvent};
use crate::domain::error::Error;
use crate::domain::messages::NewMessage;
use crate::domain::{Actor, Core, VoiceFlagChanges, validate};
use crate::events::ConnectionId;

/// Parses a text frame; a malformed one gets an error answer.
pub fn parse(text: &str) -> Result<ClientFrame, Box<ServerEvent>> {
    if validate::json_has_forbidden_text(text.as_bytes())
        && let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text)
        && let Some(field) = {
            // SDP lines end in CRLF: the domain checks that field itself.
            if value["type"] == "voice_signal"
                && let Some(sdp) = value.pointer_mut("/signal/sdp")
            {
                *sdp = serde_json::Value::Null;
            }
            validate::json_field_with_forbidden_text(&value)
        }
    {
        let nonce = value["nonce"].as_str().map(str::to_owned);
        return Err(Box::new(ServerEvent::Error {
            nonce,
            code: "invalid_input".into(),
            message: format!(
                "{field} must not contain control characters other than tab and newline"
            ),
        }));
    }
    serde_json::from_str(text).map_err(|err| {
        Box::new(error(
            None,
            &Error::bad_request("invalid_frame", format!("not a valid frame: {err}")),
        ))
    })
}

/// Handles one client frame from `connection`; returns the answer to send back, if any.
pub async fn handle(
    core: &Core,
    actor: &Actor,
    connection: ConnectionId,
    frame: ClientFrame,
) -> Option<ServerEvent> {
    let mut call = None;
    let (nonce, result) = match frame {
        ClientFrame::Authenticate { .. } => {
            return Some(error(
                None,
                &Error::bad_request("already_authenticated", "this connection is authenticated"),
            ));
        }
        ClientFrame::Ping => return Some(ServerEvent::Pong),
        ClientFrame::Typing { channel_id } => {
            (None, core.typing(actor, channel_id).await.map(|()| None))
        }
        ClientFrame::SendMessage {
            channel_id,
            content,
            attachment_ids,
            reply_to_id,
            thread_id,
            nonce,
        } => {
            let input = NewMessage {
                content,
                attachment_ids,
                reply_to_id,
                thread_id,
            };
            (
                nonce,
                core.send_message(actor, channel_id, input).await.map(Some),
            )
        }
        ClientFrame::EditMessage {
            message_id,
            content,
            nonce,
        } => (
            nonce,
            core.edit_message(actor, message_id, &content)
                .await
                .map(Some),
        ),
        ClientFrame::DeleteMessage { message_id, nonce } => (
            nonce,
            core.delete_message(actor, message_id).await.map(|()| None),
        ),
        ClientFrame::AddReaction {
            message_id,
            emoji,
            nonce,
        } => (
            nonce,
            core.add_reaction(actor, message_id, &emoji)
                .await
                .map(|()| None),
        ),
        ClientFrame::RemoveReaction {
            message_id,
            emoji,
            nonce,
        } => (
            nonce,
            core.remove_reaction(actor, message_id, &emoji)
                .await
                .map(|()| None),
        ),
        ClientFrame::SetPresence { status, nonce } => {
            (nonce, core.set_presence(actor, status).await.map(|()| None))
        }
        ClientFrame::WatchPresence {
            community_id,
            users,
            nonce,
        } => (
            nonce,
            core.watch_presence(actor, connection, community_id, users)
                .await
                .map(|()| None),
        ),
        ClientFrame::MarkRead {
            channel_id,
            message_id,
            nonce,
        } => (
            nonce,
            core.mark_read(actor, channel_id, message_id)
                .await
                .map(|()| None),
        ),
        ClientFrame::VoiceJoin {
            channel_id,
            self_mute,
            self_deaf,
            nonce,
        } => {
            let joined = core
                .join_voice(actor, connection, channel_id, self_mute, self_deaf)
                .await;
            (
                nonce,
                joined.map(|joined| {
                    call = Some(joined);
                    None
                }),
            )
        }
        ClientFrame::VoiceLeave { nonce } => (nonce, core.leave_voice(actor).map(|()| None)),
        ClientFrame::VoiceUpdate {
            self_mute,
            self_deaf,
            camera,
            screen_share,
            nonce,
        } => {
            let changes = VoiceFlagChanges {
                self_mute,
                self_deaf,
                camera,
                screen_share,
            };
            (
                nonce,
                core.update_voice(actor, connection, changes).map(|()| None),
            )
        }
        ClientFrame::VoiceSignal {
            channel_id,
            to_user_id,
            signal,
            nonce,
        } => (
            nonce,
            core.voice_signal(actor, connection, channel_id, to_user_id, signal)
                .map(|()| None),
        ),
    };
    match (result, nonce) {
        (Ok(message), Some(nonce)) => Some(ServerEvent::Ack {
            nonce,
            message,
            call,
        }),
        (Ok(_), None) => None,
        (Err(err), nonce) => Some(error(nonce, &err)),
    }
}
