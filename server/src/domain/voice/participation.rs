//! Joining, leaving and being removed from voice channels' calls (VOICE-1), and
//! telling the channel's readers about it.

use uuid::Uuid;

use super::calls::{CallFull, Joining};
use crate::api::{ServerEvent, VoiceCallView, VoiceLeaveReason};
use crate::domain::community::Rank;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta};
use crate::events::{Connection, ConnectionId};
use crate::store::{self, NewAuditEntry};

/// Flags to change; `None` keeps a flag.
#[derive(Debug, Clone, Copy, Default)]
pub struct VoiceFlagChanges {
    pub self_mute: Option<bool>,
    pub self_deaf: Option<bool>,
    pub camera: Option<bool>,
    pub screen_share: Option<bool>,
}

fn not_in_call() -> Error {
    Error::conflict("not_in_call", "join the call from this connection first")
}

impl Core {
    /// Joins a voice channel's call from `connection`.
    pub async fn join_voice(
        &self,
        actor: &Actor,
        connection: ConnectionId,
        channel_id: Uuid,
        self_mute: bool,
        self_deaf: bool,
    ) -> Result<VoiceCallView> {
        let mut conn = self.db.acquire().await?;
        let access = self
            .channel_access(&mut conn.conn(), actor, channel_id)
            .await?;
        let now = store::now();
        access.require_voice(now)?;
        let joined = self
            .calls
            .join(Joining {
                channel_id,
                community_id: access.community_id(),
                user_id: actor.id(),
                session_id: actor.session_id,
                connection,
                self_mute,
                self_deaf,
                now,
            })
            .map_err(|CallFull| {
                Error::conflict(
                    "call_full",
                    format!(
                        "this call already has {} participants",
                        super::calls::MESH_MAX_PARTICIPANTS
                    ),
                )
            })?;
        if let Some(previous) = joined.moved_from {
            self.announce_left(previous, actor.id(), VoiceLeaveReason::Moved);
        }
        self.events.to_channel(
            channel_id,
            &ServerEvent::VoiceState {
                channel_id,
                user_id: actor.id(),
                participant: Some(joined.participant.view()),
                reason: None,
            },
            None,
        );
        Ok(joined.call)
    }

    /// Leaves the caller's call, whichever connection joined it.
    pub fn leave_voice(&self, actor: &Actor) -> Result<()> {
        let channel = self.calls.leave(actor.id()).ok_or_else(not_in_call)?;
        self.announce_left(channel, actor.id(), VoiceLeaveReason::Left);
        Ok(())
    }

    /// Changes the caller's flags in the call joined from `connection`.
    pub fn update_voice(
        &self,
        actor: &Actor,
        connection: ConnectionId,
        changes: VoiceFlagChanges,
    ) -> Result<()> {
        let (channel_id, participant) = self
            .calls
            .update(actor.id(), connection, |flags| {
                let set = |flag: &mut bool, value: Option<bool>| {
                    if let Some(value) = value {
                        *flag = value;
                    }
                };
                set(&mut flags.self_mute, changes.self_mute);
                set(&mut flags.self_deaf, changes.self_deaf);
                set(&mut flags.camera, changes.camera);
                set(&mut flags.screen_share, changes.screen_share);
            })
            .ok_or_else(not_in_call)?;
        self.events.to_channel(
            channel_id,
            &ServerEvent::VoiceState {
                channel_id,
                user_id: actor.id(),
                participant: Some(participant.view()),
                reason: None,
            },
            None,
        );
        Ok(())
    }

    /// The call in a voice channel the caller may read (empty when nobody is in it).
    pub async fn voice_call(&self, actor: &Actor, channel_id: Uuid) -> Result<VoiceCallView> {
        let mut conn = self.db.acquire().await?;
        let access = self
            .channel_access(&mut conn.conn(), actor, channel_id)
            .await?;
        access.require_voice_channel()?;
        Ok(self
            .calls
            .call(channel_id)
            .unwrap_or_else(|| VoiceCallView {
                channel_id,
                community_id: access.community_id(),
                topology: crate::api::CallTopology::Mesh,
                max_participants: super::calls::MESH_MAX_PARTICIPANTS as u32,
                participants: Vec::new(),
            }))
    }

    /// The participants of a voice channel's call, for channel lists.
    pub fn voice_participants(&self, channel_id: Uuid) -> Vec<crate::api::VoiceParticipantView> {
        self.calls
            .call(channel_id)
            .map(|call| call.participants)
            .unwrap_or_default()
    }

    /// A moderator disconnects someone from a call in their community (the rank
    /// rule applies: only people below them).
    pub async fn disconnect_from_voice(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        let group = access.in_group()?;
        if !access.is_moderator() {
            return Err(Error::forbidden(
                "insufficient_role",
                "only moderators disconnect people from voice",
            ));
        }
        if self.calls.whereabouts(user_id).map(|w| w.0) != Some(channel_id) {
            return Err(Error::not_found(
                "participant_not_found",
                "this person is not in this call",
            ));
        }
        if user_id != actor.id()
            && let Some(rank) = Rank::of(&mut c, group.community.community.id, user_id).await?
        {
            group.community.require_above_person(&rank)?;
        }
        let entry = NewAuditEntry::by(actor.id(), "voice.disconnected")
            .target(Some(user_id))
            .community(group.community.community.id)
            .details(serde_json::json!({ "channel_id": channel_id, "channel_name": access.channel.name }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        if self.calls.leave_channel(user_id, channel_id) {
            self.announce_left(channel_id, user_id, VoiceLeaveReason::Disconnected);
        }
        Ok(())
    }

    /// The calls in channels this connection may read, for `ready`.
    pub(crate) fn visible_calls(&self, connection: &Connection) -> Vec<VoiceCallView> {
        self.calls
            .calls_where(|channel| connection.subscribed(crate::events::Topic::Channel(channel)))
    }

    /// A connection closed: if it was in a call, the participant waits there for
    /// the grace period, then leaves unless they joined again meanwhile.
    pub(crate) fn voice_connection_closed(&self, connection: &Connection) {
        let Some(call_session) = self.calls.detach(connection.user_id, connection.id) else {
            return;
        };
        let core = self.clone();
        let user_id = connection.user_id;
        let grace = self.config.tuning.voice_reconnect_grace;
        tokio::spawn(async move {
            tokio::time::sleep(grace).await;
            if let Some(channel) = core.calls.expire(user_id, call_session) {
                core.announce_left(channel, user_id, VoiceLeaveReason::ConnectionLost);
            }
        });
    }

    /// Removes the user from a call they may no longer be in: one in `community`
    /// (kicked, banned, timed out there), or one outside `readable` channels.
    pub(crate) fn remove_from_voice(
        &self,
        user_id: Uuid,
        no_longer: impl Fn(Uuid, Option<Uuid>) -> bool,
    ) {
        if let Some((channel, community)) = self.calls.whereabouts(user_id)
            && no_longer(channel, community)
            && self.calls.leave_channel(user_id, channel)
        {
            self.announce_left(channel, user_id, VoiceLeaveReason::Removed);
        }
    }

    /// Removes the participants whose sign-in sessions ended.
    pub(crate) fn remove_sessions_from_voice(&self, session_ids: &[Uuid]) {
        for (channel, user) in self.calls.remove_sessions(session_ids) {
            self.announce_left(channel, user, VoiceLeaveReason::Removed);
        }
    }

    fn announce_left(&self, channel_id: Uuid, user_id: Uuid, reason: VoiceLeaveReason) {
        let event = ServerEvent::VoiceState {
            channel_id,
            user_id,
            participant: None,
            reason: Some(reason),
        };
        // The person who left hears it too, even when they can no longer read the
        // channel (kicked, lost access): their client ends the call.
        self.events.publish(
            vec![
                crate::events::Topic::Channel(channel_id),
                crate::events::Topic::User(user_id),
            ],
            &event,
            None,
        );
    }
}
