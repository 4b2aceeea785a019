//! Who is in which call, in this process's memory: calls are live things, and a
//! restart ends them all. Each participant is bound to the one connection that
//! joined, so negotiation messages reach exactly one device.
//!
//! Only bookkeeping lives here; who may do what is decided by the caller
//! (`participation.rs`, `signalling.rs`).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::{CallTopology, VoiceCallView, VoiceFlags, VoiceParticipantView};
use crate::events::ConnectionId;

/// Participants of one mesh call: each sends its media to every other, so the
/// uplink grows with the call.
pub const MESH_MAX_PARTICIPANTS: usize = 25;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Participant {
    pub user_id: Uuid,
    /// The sign-in session that joined (ending it removes the participant).
    pub session_id: Uuid,
    /// The connection in the call; `None` while it is gone and the grace period runs.
    pub connection: Option<ConnectionId>,
    pub call_session_id: Uuid,
    pub joined_at: DateTime<Utc>,
    pub flags: VoiceFlags,
}

impl Participant {
    pub fn view(&self) -> VoiceParticipantView {
        VoiceParticipantView {
            user_id: self.user_id,
            call_session_id: self.call_session_id,
            joined_at: self.joined_at,
            flags: self.flags,
        }
    }
}

#[derive(Debug)]
struct Call {
    community_id: Option<Uuid>,
    topology: CallTopology,
    participants: Vec<Participant>,
}

impl Call {
    fn view(&self, channel_id: Uuid) -> VoiceCallView {
        VoiceCallView {
            channel_id,
            community_id: self.community_id,
            topology: self.topology,
            max_participants: MESH_MAX_PARTICIPANTS as u32,
            participants: self.participants.iter().map(Participant::view).collect(),
        }
    }

    fn position(&self, user_id: Uuid) -> Option<usize> {
        self.participants.iter().position(|p| p.user_id == user_id)
    }
}

#[derive(Default)]
struct State {
    calls: HashMap<Uuid, Call>,
    /// The channel each participant is in.
    channel_of: HashMap<Uuid, Uuid>,
}

impl State {
    fn remove(&mut self, user_id: Uuid) -> Option<(Uuid, Participant)> {
        let channel_id = self.channel_of.remove(&user_id)?;
        let call = self.calls.get_mut(&channel_id)?;
        let at = call.position(user_id)?;
        let participant = call.participants.remove(at);
        if call.participants.is_empty() {
            self.calls.remove(&channel_id);
        }
        Some((channel_id, participant))
    }

    fn find(&self, user_id: Uuid) -> Option<(Uuid, &Participant)> {
        let channel_id = *self.channel_of.get(&user_id)?;
        let call = self.calls.get(&channel_id)?;
        let at = call.position(user_id)?;
        Some((channel_id, &call.participants[at]))
    }

    fn find_mut(&mut self, user_id: Uuid) -> Option<(Uuid, &mut Participant)> {
        let channel_id = *self.channel_of.get(&user_id)?;
        let call = self.calls.get_mut(&channel_id)?;
        let at = call.position(user_id)?;
        Some((channel_id, &mut call.participants[at]))
    }
}

/// Someone joining a call.
pub(crate) struct Joining {
    pub channel_id: Uuid,
    pub community_id: Option<Uuid>,
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub connection: ConnectionId,
    pub self_mute: bool,
    pub self_deaf: bool,
    pub now: DateTime<Utc>,
}

/// What a join did.
pub(crate) struct Joined {
    /// The call the user was in before, when it was another one.
    pub moved_from: Option<Uuid>,
    pub participant: Participant,
    pub call: VoiceCallView,
}

/// The call is full.
#[derive(Debug)]
pub(crate) struct CallFull;

/// Why a negotiation message cannot be delivered.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RouteError {
    /// The sender is not in this call from this connection.
    SenderNotInCall,
    /// The recipient is not in this call, or their connection is gone for now.
    RecipientAbsent,
}

/// Where a negotiation message goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Route {
    pub from_call_session_id: Uuid,
    pub to_connection: ConnectionId,
}

#[derive(Default)]
pub(crate) struct Calls {
    state: Mutex<State>,
}

impl Calls {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("calls lock")
    }

    /// Puts the user in the call (out of any other first). Joining the call one is
    /// in again binds it to the new connection with a new call session, keeping the
    /// place and the flags other than the ones given.
    pub fn join(&self, joining: Joining) -> Result<Joined, CallFull> {
        let mut state = self.state();
        let current = state.channel_of.get(&joining.user_id).copied();
        let size = state
            .calls
            .get(&joining.channel_id)
            .map_or(0, |c| c.participants.len());
        if current != Some(joining.channel_id) && size >= MESH_MAX_PARTICIPANTS {
            return Err(CallFull);
        }
        let mut moved_from = None;
        if let Some(previous) = current
            && previous != joining.channel_id
        {
            state.remove(joining.user_id);
            moved_from = Some(previous);
        }
        let call_session_id = Uuid::now_v7();
        let participant = if let Some((_, existing)) = state.find_mut(joining.user_id) {
            existing.session_id = joining.session_id;
            existing.connection = Some(joining.connection);
            existing.call_session_id = call_session_id;
            existing.flags.self_mute = joining.self_mute;
            existing.flags.self_deaf = joining.self_deaf;
            existing.clone()
        } else {
            let participant = Participant {
                user_id: joining.user_id,
                session_id: joining.session_id,
                connection: Some(joining.connection),
                call_session_id,
                joined_at: joining.now,
                flags: VoiceFlags {
                    self_mute: joining.self_mute,
                    self_deaf: joining.self_deaf,
                    ..VoiceFlags::default()
                },
            };
            state
                .calls
                .entry(joining.channel_id)
                .or_insert_with(|| Call {
                    community_id: joining.community_id,
                    topology: CallTopology::Mesh,
                    participants: Vec::new(),
                })
                .participants
                .push(participant.clone());
            state.channel_of.insert(joining.user_id, joining.channel_id);
            participant
        };
        let call = state.calls[&joining.channel_id].view(joining.channel_id);
        Ok(Joined {
            moved_from,
            participant,
            call,
        })
    }

    /// Takes the user out of their call; the channel they were in.
    pub fn leave(&self, user_id: Uuid) -> Option<Uuid> {
        self.state().remove(user_id).map(|(channel, _)| channel)
    }

    /// Takes the user out of this call only.
    pub fn leave_channel(&self, user_id: Uuid, channel_id: Uuid) -> bool {
        let mut state = self.state();
        if state.channel_of.get(&user_id) != Some(&channel_id) {
            return false;
        }
        state.remove(user_id).is_some()
    }

    /// Changes the flags of the participant in the call from this connection.
    pub fn update(
        &self,
        user_id: Uuid,
        connection: ConnectionId,
        change: impl FnOnce(&mut VoiceFlags),
    ) -> Option<(Uuid, Participant)> {
        let mut state = self.state();
        let (channel_id, participant) = state.find_mut(user_id)?;
        if participant.connection != Some(connection) {
            return None;
        }
        let before = participant.flags;
        change(&mut participant.flags);
        // A deafened participant hears nothing and so says nothing either.
        if participant.flags.self_deaf && !before.self_deaf {
            participant.flags.self_mute = true;
        }
        Some((channel_id, participant.clone()))
    }

    /// The connection closed: the participant stays, without a connection, until
    /// they join again or [`Calls::expire`] removes them. Their call session then.
    pub fn detach(&self, user_id: Uuid, connection: ConnectionId) -> Option<Uuid> {
        let mut state = self.state();
        let (_, participant) = state.find_mut(user_id)?;
        if participant.connection != Some(connection) {
            return None;
        }
        participant.connection = None;
        Some(participant.call_session_id)
    }

    /// Removes a participant whose connection did not come back (same call session,
    /// still detached); the channel they were in.
    pub fn expire(&self, user_id: Uuid, call_session_id: Uuid) -> Option<Uuid> {
        let mut state = self.state();
        let (_, participant) = state.find(user_id)?;
        if participant.connection.is_some() || participant.call_session_id != call_session_id {
            return None;
        }
        state.remove(user_id).map(|(channel, _)| channel)
    }

    /// Removes the participants who joined from these sign-in sessions.
    pub fn remove_sessions(&self, session_ids: &[Uuid]) -> Vec<(Uuid, Uuid)> {
        let mut state = self.state();
        let users: Vec<Uuid> = state
            .calls
            .values()
            .flat_map(|c| &c.participants)
            .filter(|p| session_ids.contains(&p.session_id))
            .map(|p| p.user_id)
            .collect();
        users
            .into_iter()
            .filter_map(|user| state.remove(user).map(|(channel, _)| (channel, user)))
            .collect()
    }

    /// The channel the user is in and the community it belongs to.
    pub fn whereabouts(&self, user_id: Uuid) -> Option<(Uuid, Option<Uuid>)> {
        let state = self.state();
        let channel_id = *state.channel_of.get(&user_id)?;
        Some((channel_id, state.calls.get(&channel_id)?.community_id))
    }

    /// Routes a negotiation message between two participants of one call.
    pub fn route(
        &self,
        channel_id: Uuid,
        from: (Uuid, ConnectionId),
        to: Uuid,
    ) -> Result<Route, RouteError> {
        let state = self.state();
        let call = state
            .calls
            .get(&channel_id)
            .ok_or(RouteError::SenderNotInCall)?;
        let sender = call
            .position(from.0)
            .map(|at| &call.participants[at])
            .filter(|p| p.connection == Some(from.1))
            .ok_or(RouteError::SenderNotInCall)?;
        let to_connection = call
            .position(to)
            .filter(|_| to != from.0)
            .and_then(|at| call.participants[at].connection)
            .ok_or(RouteError::RecipientAbsent)?;
        Ok(Route {
            from_call_session_id: sender.call_session_id,
            to_connection,
        })
    }

    pub fn call(&self, channel_id: Uuid) -> Option<VoiceCallView> {
        self.state()
            .calls
            .get(&channel_id)
            .map(|c| c.view(channel_id))
    }

    /// The calls in channels for which `visible` says yes.
    pub fn calls_where(&self, visible: impl Fn(Uuid) -> bool) -> Vec<VoiceCallView> {
        let state = self.state();
        let mut calls: Vec<VoiceCallView> = state
            .calls
            .iter()
            .filter(|(channel, _)| visible(**channel))
            .map(|(channel, call)| call.view(*channel))
            .collect();
        calls.sort_by_key(|c| c.channel_id);
        calls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joining(channel_id: Uuid, user_id: Uuid, connection: ConnectionId) -> Joining {
        Joining {
            channel_id,
            community_id: None,
            user_id,
            session_id: Uuid::nil(),
            connection,
            self_mute: false,
            self_deaf: false,
            now: Utc::now(),
        }
    }

    #[test]
    fn joining_another_call_leaves_the_first_and_rejoining_keeps_the_place() {
        let calls = Calls::default();
        let (one, two) = (Uuid::now_v7(), Uuid::now_v7());
        let (ann, bob) = (Uuid::now_v7(), Uuid::now_v7());
        calls.join(joining(one, ann, 1)).unwrap();
        calls.join(joining(one, bob, 2)).unwrap();
        let first = calls.call(one).unwrap().participants[0].clone();

        let again = calls.join(joining(one, ann, 3)).unwrap();
        assert_eq!(again.moved_from, None);
        assert_eq!(again.call.participants[0].user_id, ann, "same place");
        assert_ne!(again.participant.call_session_id, first.call_session_id);
        assert_eq!(again.participant.joined_at, first.joined_at);

        let moved = calls.join(joining(two, ann, 3)).unwrap();
        assert_eq!(moved.moved_from, Some(one));
        assert_eq!(calls.call(one).unwrap().participants.len(), 1);
        assert_eq!(calls.whereabouts(ann).map(|w| w.0), Some(two));
        assert_eq!(calls.leave(bob), Some(one));
        assert!(calls.call(one).is_none(), "an empty call ends");
    }

    #[test]
    fn a_full_call_refuses_newcomers_but_not_its_participants() {
        let calls = Calls::default();
        let channel = Uuid::now_v7();
        let users: Vec<Uuid> = (0..MESH_MAX_PARTICIPANTS).map(|_| Uuid::now_v7()).collect();
        for (i, user) in users.iter().enumerate() {
            calls.join(joining(channel, *user, i as u64)).unwrap();
        }
        assert!(calls.join(joining(channel, Uuid::now_v7(), 99)).is_err());
        assert!(calls.join(joining(channel, users[3], 100)).is_ok());
    }

    #[test]
    fn signals_route_between_participants_of_one_call_from_the_joined_connection() {
        let calls = Calls::default();
        let (one, two) = (Uuid::now_v7(), Uuid::now_v7());
        let (ann, bob, cat) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        calls.join(joining(one, ann, 1)).unwrap();
        calls.join(joining(one, bob, 2)).unwrap();
        calls.join(joining(two, cat, 3)).unwrap();

        let route = calls.route(one, (ann, 1), bob).unwrap();
        assert_eq!(route.to_connection, 2);
        assert_eq!(
            calls.route(one, (ann, 9), bob),
            Err(RouteError::SenderNotInCall),
            "another device of the sender"
        );
        assert_eq!(
            calls.route(one, (cat, 3), bob),
            Err(RouteError::SenderNotInCall)
        );
        assert_eq!(
            calls.route(one, (ann, 1), cat),
            Err(RouteError::RecipientAbsent)
        );
        assert_eq!(
            calls.route(one, (ann, 1), ann),
            Err(RouteError::RecipientAbsent)
        );

        let session = calls.detach(bob, 2).unwrap();
        assert_eq!(
            calls.route(one, (ann, 1), bob),
            Err(RouteError::RecipientAbsent)
        );
        calls.join(joining(one, bob, 4)).unwrap();
        assert_eq!(calls.expire(bob, session), None, "came back in time");
        let session = calls.detach(bob, 4).unwrap();
        assert_eq!(calls.expire(bob, session), Some(one));
    }

    #[test]
    fn flags_change_only_from_the_joined_connection_and_deafening_mutes() {
        let calls = Calls::default();
        let (channel, ann) = (Uuid::now_v7(), Uuid::now_v7());
        calls.join(joining(channel, ann, 1)).unwrap();
        assert!(calls.update(ann, 2, |f| f.camera = true).is_none());
        let (_, p) = calls.update(ann, 1, |f| f.self_deaf = true).unwrap();
        assert!(p.flags.self_deaf && p.flags.self_mute);
        let (_, p) = calls.update(ann, 1, |f| f.self_deaf = false).unwrap();
        assert!(
            !p.flags.self_deaf && p.flags.self_mute,
            "unmuting is separate"
        );
    }
}
