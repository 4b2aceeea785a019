//! The live side of the domain: opening and closing gateway connections, keeping
//! each user's subscriptions equal to what they may see, presence, typing.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::{Actor, Core};
use crate::api::realtime::MAX_WATCHED_USERS;
use crate::api::{PresenceStatus, PresenceView, ServerEvent, UserProfile};
use crate::domain::error::{Error, Result};
use crate::events::{
    CloseReason, Connection, ConnectionId, Outgoing, PresenceWatch, Privacy, Registered, Topic,
    user_topics,
};
use crate::store::{self, Conn};

/// At most one typing event per user and channel in this interval.
const TYPING_INTERVAL: Duration = Duration::from_secs(3);

#[derive(Clone, Default)]
pub(crate) struct TypingThrottle(Arc<Mutex<HashMap<(Uuid, Uuid), Instant>>>);

impl TypingThrottle {
    /// Whether a typing event may go out now (and records it).
    fn allow(&self, user: Uuid, channel: Uuid) -> bool {
        let mut last = self.0.lock().expect("typing lock");
        let now = Instant::now();
        if last.len() > 10_000 {
            last.retain(|_, at| now.duration_since(*at) < TYPING_INTERVAL);
        }
        match last.get(&(user, channel)) {
            Some(at) if now.duration_since(*at) < TYPING_INTERVAL => false,
            _ => {
                last.insert((user, channel), now);
                true
            }
        }
    }

    /// The user sent a message here: readers stop showing them as typing, so the next
    /// keystroke may announce typing again at once.
    pub(crate) fn reset(&self, user: Uuid, channel: Uuid) {
        self.0.lock().expect("typing lock").remove(&(user, channel));
    }
}

/// Everyone on either side of a block with `user_id`: they see nothing of each
/// other's presence.
async fn estranged(c: &mut crate::store::Conn<'_>, user_id: Uuid) -> Result<HashSet<Uuid>> {
    let mut set: HashSet<Uuid> = c.blocked_by(user_id).await?.into_iter().collect();
    set.extend(c.blockers_of(user_id).await?);
    Ok(set)
}

impl Core {
    /// Refuses a message when the user sends faster than the per-user rate (MSG-10),
    /// on top of the per-IP and per-connection limits.
    pub(crate) fn check_send_rate(&self, user_id: Uuid) -> Result<()> {
        self.send_limiter
            .check(user_id, "you are sending messages too fast")
    }

    /// Registers an authenticated connection, subscribes it and builds its `ready`.
    pub async fn open_connection(&self, actor: &Actor) -> Result<(Registered, ServerEvent)> {
        let max = self.config.tuning.ws_max_connections_per_user;
        let Some(registered) = self.events.hub.register(actor.id(), actor.session_id, max) else {
            return Err(Error::too_many(
                "too_many_connections",
                format!("at most {max} connections per user"),
                5,
            ));
        };
        let first = self.events.hub.connections_of(actor.id()).len() == 1;
        if let Err(err) = self.refresh_subscriptions(actor.id()).await {
            self.events.hub.unregister(&registered.connection);
            return Err(err);
        }
        if first {
            self.broadcast_presence(actor.id(), self.events.presences.visible(actor.id()))
                .await?;
        }
        let ready = ServerEvent::Ready {
            user: UserProfile::from(actor.user.clone()),
            session_id: actor.session_id,
            heartbeat_interval_ms: self.config.tuning.ws_heartbeat.as_millis() as u64,
            presences: self.dm_presences(actor.id()).await?,
            voice: self.visible_calls(&registered.connection),
        };
        Ok((registered, ready))
    }

    /// Unregisters a connection; the user's last one makes them offline.
    pub async fn close_connection(&self, connection: &Connection) {
        self.voice_connection_closed(connection);
        if self.events.hub.unregister(connection) {
            let was_visible =
                self.events.presences.visible(connection.user_id) != PresenceStatus::Offline;
            self.events.presences.forget(connection.user_id);
            // Invisible people were never seen: their last seen stays as it was.
            if was_visible && let Err(err) = self.record_last_seen(connection.user_id).await {
                tracing::warn!(error = %err, "last seen not recorded");
            }
            if was_visible
                && let Err(err) = self
                    .broadcast_presence(connection.user_id, PresenceStatus::Offline)
                    .await
            {
                tracing::warn!(error = %err, "presence broadcast failed");
            }
        }
    }

    async fn record_last_seen(&self, user_id: Uuid) -> Result<()> {
        let mut conn = self.db.acquire().await?;
        conn.conn().set_last_seen(user_id, store::now()).await?;
        Ok(())
    }

    /// Recomputes a connected user's topics (and blocked users) from the database.
    /// Call after committing any change to what they may see.
    pub(crate) async fn refresh_subscriptions(&self, user_id: Uuid) -> Result<()> {
        if !self.events.hub.is_online(user_id) {
            return Ok(());
        }
        let lock = self.events.hub.refresh_lock(user_id);
        let _guard = lock.lock().await;
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let communities = c.community_ids_of_user(user_id).await?;
        let channels = c.readable_channel_ids(user_id).await?;
        self.remove_from_voice(user_id, |channel, _| !channels.contains(&channel));
        let blocked: HashSet<Uuid> = c.blocked_by(user_id).await?.into_iter().collect();
        let mut estranged = blocked.clone();
        estranged.extend(c.blockers_of(user_id).await?);
        self.events.hub.set_user_topics(
            user_id,
            &user_topics(user_id, &communities, &channels),
            &Privacy { blocked, estranged },
        );
        Ok(())
    }

    /// Refreshes several users (e.g. everyone in a community after a channel change).
    pub(crate) async fn refresh_many(&self, users: &[Uuid]) -> Result<()> {
        for user in self.events.hub.online_among(users) {
            self.refresh_subscriptions(user).await?;
        }
        Ok(())
    }

    /// Closes the live connections of ended sessions.
    pub(crate) fn end_sessions(&self, session_ids: &[Uuid]) {
        if !session_ids.is_empty() {
            self.remove_sessions_from_voice(session_ids);
            self.events
                .hub
                .close_sessions(session_ids, CloseReason::SESSION_ENDED);
        }
    }

    /// Sets the caller's presence and tells everyone who shares a community or DM.
    pub async fn set_presence(&self, actor: &Actor, status: PresenceStatus) -> Result<()> {
        if status == PresenceStatus::Offline {
            return Err(Error::invalid(
                "status",
                "choose online, idle, dnd or invisible",
            ));
        }
        let before = self.events.presences.visible(actor.id());
        self.events.presences.set(actor.id(), status);
        let after = self.events.presences.visible(actor.id());
        if before != after && self.events.hub.is_online(actor.id()) {
            self.broadcast_presence(actor.id(), after).await?;
        }
        Ok(())
    }

    /// What others see of a user right now.
    pub fn presence_of(&self, user_id: Uuid) -> PresenceStatus {
        if self.events.hub.is_online(user_id) {
            self.events.presences.visible(user_id)
        } else {
            PresenceStatus::Offline
        }
    }

    /// Tells the user's DM partners and own devices at once; their communities'
    /// members see it in the next `community_presence` of a member list they show.
    async fn broadcast_presence(&self, user_id: Uuid, status: PresenceStatus) -> Result<()> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let communities = c.community_ids_of_user(user_id).await?;
        let mut topics: Vec<Topic> = c
            .dm_channel_ids(user_id)
            .await?
            .into_iter()
            .map(Topic::Channel)
            .collect();
        topics.push(Topic::User(user_id));
        self.events.publish(
            topics,
            &ServerEvent::Presence { user_id, status },
            Some(user_id),
        );
        self.events
            .presence_feed
            .changed(&communities, user_id, status);
        Ok(())
    }

    /// Shows `community_id`'s member presence on this connection (or none), of all
    /// its members or only of `users`: the complete list now, changes as they come.
    pub async fn watch_presence(
        &self,
        actor: &Actor,
        connection: ConnectionId,
        community_id: Option<Uuid>,
        users: Option<Vec<Uuid>>,
    ) -> Result<()> {
        if users
            .as_ref()
            .is_some_and(|users| users.len() > MAX_WATCHED_USERS)
        {
            return Err(Error::invalid(
                "users",
                format!("a member list can name at most {MAX_WATCHED_USERS} members"),
            ));
        }
        let hub = &self.events.hub;
        let Some(watcher) = hub.connection(actor.id(), connection) else {
            return Ok(());
        };
        let Some(community_id) = community_id else {
            hub.watch_presence(&watcher, None);
            return Ok(());
        };
        // A connection's subscriptions follow membership (refresh_subscriptions), so
        // one subscribed to the community is a member's: thousands of clients asking
        // at once after a restart cost no queries. Otherwise the store decides, with
        // the refusal of the REST twin.
        if !watcher.subscribed(Topic::Community(community_id)) {
            self.member_access(&mut self.db.acquire().await?.conn(), actor, community_id)
                .await?;
        }
        let watch = PresenceWatch {
            community: community_id,
            users: users.map(|users| Arc::new(users.into_iter().collect())),
        };
        // Watching first: a change from now on reaches this connection, in the list
        // below or in a later frame.
        hub.watch_presence(&watcher, Some(watch.clone()));
        let feed = &self.events.presence_feed;
        if let Some(frame) = feed.complete_list(hub, &self.events.presences, &watcher, &watch) {
            watcher.send(Outgoing::Text(frame));
        }
        Ok(())
    }

    /// Presence of the caller's DM partners (community presence is per community).
    async fn dm_presences(&self, user_id: Uuid) -> Result<Vec<PresenceView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let partners = c.dm_partner_ids(user_id).await?;
        let estranged = estranged(&mut c, user_id).await?;
        let online = self.events.hub.online_among(&partners);
        Ok(self.shown_presences(online, &estranged))
    }

    /// What others see of these users: their presence, leaving out the offline, the
    /// invisible and `hidden` (people on either side of a block).
    fn shown_presences(&self, users: Vec<Uuid>, hidden: &HashSet<Uuid>) -> Vec<PresenceView> {
        users
            .into_iter()
            .filter(|u| !hidden.contains(u))
            .map(|u| PresenceView {
                user_id: u,
                status: self.events.presences.visible(u),
            })
            .filter(|p| p.status != PresenceStatus::Offline)
            .collect()
    }

    /// Online members of a community the caller belongs to, with their presence.
    pub async fn community_presence(
        &self,
        actor: &Actor,
        community_id: Uuid,
    ) -> Result<Vec<PresenceView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.member_access(&mut c, actor, community_id).await?;
        let members = c.community_member_ids(community_id).await?;
        let estranged = estranged(&mut c, actor.id()).await?;
        let online = self.events.hub.online_among(&members);
        Ok(self.shown_presences(online, &estranged))
    }

    /// Announces that the caller is typing (throttled; silently dropped when too soon).
    pub async fn typing(&self, actor: &Actor, channel_id: Uuid) -> Result<()> {
        let mut conn = self.db.acquire().await?;
        let access = self
            .channel_access(&mut conn.conn(), actor, channel_id)
            .await?;
        access.require_post(crate::store::now())?;
        if self.typing.allow(actor.id(), channel_id) {
            let event = ServerEvent::Typing {
                channel_id,
                user_id: actor.id(),
            };
            self.events.to_channel(channel_id, &event, Some(actor.id()));
        }
        Ok(())
    }
}

impl Core {
    /// After someone joined or left a community, or changed role: their
    /// subscriptions follow, and the community hears about it.
    pub(crate) async fn member_changed(
        &self,
        community_id: Uuid,
        user_id: Uuid,
        event: Option<ServerEvent>,
    ) -> Result<()> {
        self.refresh_subscriptions(user_id).await?;
        if let Some(event) = event {
            self.events.publish(
                vec![Topic::Community(community_id), Topic::User(user_id)],
                &event,
                None,
            );
        }
        Ok(())
    }

    /// After a member was removed (left, kicked, banned): they stop receiving the
    /// community's events at once, and everyone is told.
    pub(crate) async fn member_removed(
        &self,
        community_id: Uuid,
        user_id: Uuid,
        reason: &str,
    ) -> Result<()> {
        self.remove_from_voice(user_id, |_, community| community == Some(community_id));
        self.refresh_subscriptions(user_id).await?;
        self.events.to_user(
            user_id,
            &ServerEvent::CommunityRemoved {
                community_id,
                reason: reason.to_owned(),
            },
        );
        self.events.publish(
            vec![Topic::Community(community_id)],
            &ServerEvent::MemberLeft {
                community_id,
                user_id,
            },
            None,
        );
        Ok(())
    }

    /// After a change to groups or channels: every online member's subscriptions follow.
    pub(crate) async fn community_changed(&self, community_id: Uuid) -> Result<()> {
        let members = self
            .db
            .acquire()
            .await?
            .conn()
            .community_member_ids(community_id)
            .await?;
        self.refresh_many(&members).await?;
        self.events.publish(
            vec![Topic::Community(community_id)],
            &ServerEvent::AccessChanged,
            None,
        );
        Ok(())
    }
}

/// Where a user is shown: their communities, their DMs and their own devices.
pub(crate) async fn user_audience(c: &mut Conn<'_>, user_id: Uuid) -> Result<Vec<Topic>> {
    let mut topics: Vec<Topic> = c
        .community_ids_of_user(user_id)
        .await?
        .into_iter()
        .map(Topic::Community)
        .collect();
    topics.extend(
        c.dm_channel_ids(user_id)
            .await?
            .into_iter()
            .map(Topic::Channel),
    );
    topics.push(Topic::User(user_id));
    Ok(topics)
}
