//! The live connections of this process and their topic subscriptions.
//!
//! Every connection has a bounded queue of outgoing frames. Delivery never waits: a
//! full queue means the client reads too slowly, and that connection is closed with
//! the resync code instead of buffering without bound.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use bytes::Bytes;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

use super::{Delivery, PresenceWatch, Topic};
use crate::api::realtime::close_code;

pub type ConnectionId = u64;

/// Why the server closes a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseReason {
    pub code: u16,
    pub reason: &'static str,
}

impl CloseReason {
    pub const RESYNC: CloseReason = CloseReason {
        code: close_code::RESYNC,
        reason: "too slow: reconnect and catch up",
    };
    pub const SESSION_ENDED: CloseReason = CloseReason {
        code: close_code::SESSION_ENDED,
        reason: "session ended",
    };
    pub const RESTART: CloseReason = CloseReason {
        code: close_code::SERVICE_RESTART,
        reason: "server restarting",
    };
}

/// A frame on its way to one connection; the gateway turns it into a WebSocket
/// frame, so this layer knows nothing of the WebSocket library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// A JSON document (UTF-8).
    Text(Bytes),
    /// A JSON document written at once, without waiting for the connection's write
    /// interval (negotiation messages: every millisecond delays a call's setup).
    Urgent(Bytes),
    /// A keep-alive ping.
    Ping,
}

impl Outgoing {
    pub fn is_urgent(&self) -> bool {
        matches!(self, Outgoing::Urgent(_))
    }
}

/// One authenticated WebSocket.
pub struct Connection {
    pub id: ConnectionId,
    pub user_id: Uuid,
    pub session_id: Uuid,
    sender: mpsc::Sender<Outgoing>,
    /// Set once, by the first close request; every waiter sees it.
    close: watch::Sender<Option<CloseReason>>,
    topics: Mutex<HashSet<Topic>>,
    privacy: RwLock<Privacy>,
    /// The member list this connection shows (`watch_presence`).
    watching: Mutex<Option<PresenceWatch>>,
}

/// Whose events a user's connections skip (MSG-9).
#[derive(Debug, Clone, Default)]
pub struct Privacy {
    /// Users this user blocks: none of their events arrive.
    pub blocked: HashSet<Uuid>,
    /// Users on either side of a block with this user: their personal events
    /// (presence, typing, read receipts) do not arrive.
    pub estranged: HashSet<Uuid>,
}

impl Connection {
    /// Queues a frame; a full queue closes the connection with the resync code.
    pub fn send(&self, frame: Outgoing) -> bool {
        match self.sender.try_send(frame) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.close(CloseReason::RESYNC);
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    /// The member list this connection shows, if any.
    pub fn presence_watch(&self) -> Option<PresenceWatch> {
        self.watching.lock().expect("watching lock").clone()
    }

    /// How many of the people this connection's user is estranged from are `counted`.
    pub fn estranged_count(&self, counted: impl Fn(Uuid) -> bool) -> usize {
        let privacy = self.privacy.read().expect("privacy lock");
        privacy
            .estranged
            .iter()
            .filter(|u| **u != self.user_id && counted(**u))
            .count()
    }

    /// Those of `users` this connection's user is on either side of a block with,
    /// so sees nothing of as people (presence, typing, read receipts).
    pub fn estranged_among(&self, users: impl Iterator<Item = Uuid>) -> HashSet<Uuid> {
        let privacy = self.privacy.read().expect("privacy lock");
        if privacy.estranged.is_empty() {
            return HashSet::new();
        }
        users
            .filter(|u| *u != self.user_id && privacy.estranged.contains(u))
            .collect()
    }

    fn deliver(&self, payload: &Bytes, author: Option<Uuid>, personal: bool) {
        if let Some(author) = author
            && author != self.user_id
        {
            let privacy = self.privacy.read().expect("privacy lock");
            let skip = if personal {
                &privacy.estranged
            } else {
                &privacy.blocked
            };
            if skip.contains(&author) {
                return;
            }
        }
        self.send(Outgoing::Text(payload.clone()));
    }

    /// Asks the connection to close (the first reason wins).
    pub fn close(&self, reason: CloseReason) {
        self.close.send_if_modified(|current| {
            if current.is_some() {
                return false;
            }
            *current = Some(reason);
            true
        });
    }

    /// Resolves once a close was asked for, with the reason.
    pub async fn closed(&self) -> CloseReason {
        let mut receiver = self.close.subscribe();
        match receiver.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().expect("waited for Some"),
            Err(_) => CloseReason::RESTART,
        }
    }

    /// Whether the connection receives the events of `topic`.
    pub fn subscribed(&self, topic: Topic) -> bool {
        self.topics.lock().expect("topics lock").contains(&topic)
    }

    pub fn set_privacy(&self, privacy: Privacy) {
        *self.privacy.write().expect("privacy lock") = privacy;
    }
}

/// A newly registered connection and the receiving end of its queue.
pub struct Registered {
    pub connection: Arc<Connection>,
    pub outgoing: mpsc::Receiver<Outgoing>,
}

#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    queue_capacity: usize,
    next_id: AtomicU64,
    topics: RwLock<HashMap<Topic, Vec<Arc<Connection>>>>,
    users: RwLock<HashMap<Uuid, Vec<Arc<Connection>>>>,
    /// Connections showing each community's member list.
    watchers: RwLock<HashMap<Uuid, Vec<Arc<Connection>>>>,
    /// Serialises topic refreshes per user, so a slower, older refresh never
    /// overwrites a newer one.
    refresh_locks: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
}

impl Hub {
    pub fn new(queue_capacity: usize) -> Hub {
        Hub {
            inner: Arc::new(Inner {
                queue_capacity,
                next_id: AtomicU64::new(1),
                topics: RwLock::default(),
                users: RwLock::default(),
                watchers: RwLock::default(),
                refresh_locks: Mutex::default(),
            }),
        }
    }

    /// Adds a connection for a user unless they already have `max_per_user`.
    pub fn register(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        max_per_user: usize,
    ) -> Option<Registered> {
        let (sender, outgoing) = mpsc::channel(self.inner.queue_capacity);
        let connection = Arc::new(Connection {
            id: self.inner.next_id.fetch_add(1, Ordering::Relaxed),
            user_id,
            session_id,
            sender,
            close: watch::channel(None).0,
            topics: Mutex::default(),
            privacy: RwLock::default(),
            watching: Mutex::default(),
        });
        let mut users = self.inner.users.write().expect("users lock");
        let list = users.entry(user_id).or_default();
        if list.len() >= max_per_user {
            return None;
        }
        list.push(connection.clone());
        Some(Registered {
            connection,
            outgoing,
        })
    }

    /// Removes a connection and its subscriptions; true when it was the user's last.
    pub fn unregister(&self, connection: &Connection) -> bool {
        let topics: Vec<Topic> = connection
            .topics
            .lock()
            .expect("topics lock")
            .drain()
            .collect();
        {
            let mut map = self.inner.topics.write().expect("topics lock");
            for topic in topics {
                remove_from(&mut map, topic, connection.id);
            }
        }
        self.stop_watching(connection);
        let mut users = self.inner.users.write().expect("users lock");
        let Some(list) = users.get_mut(&connection.user_id) else {
            return true;
        };
        list.retain(|c| c.id != connection.id);
        if list.is_empty() {
            users.remove(&connection.user_id);
            true
        } else {
            false
        }
    }

    /// The lock under which a user's topics are recomputed and applied.
    pub fn refresh_lock(&self, user_id: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.inner.refresh_locks.lock().expect("refresh locks");
        if locks.len() > 10_000 {
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry(user_id).or_default().clone()
    }

    /// Makes every connection of the user subscribed to exactly `topics`.
    pub fn set_user_topics(&self, user_id: Uuid, topics: &HashSet<Topic>, privacy: &Privacy) {
        let connections = self.connections_of(user_id);
        if connections.is_empty() {
            return;
        }
        {
            let mut map = self.inner.topics.write().expect("topics lock");
            for connection in &connections {
                connection.set_privacy(privacy.clone());
                let mut current = connection.topics.lock().expect("topics lock");
                for gone in current.difference(topics) {
                    remove_from(&mut map, *gone, connection.id);
                }
                for new in topics.difference(&current) {
                    map.entry(*new).or_default().push(connection.clone());
                }
                *current = topics.clone();
            }
        }
        // Someone who left a community stops seeing its members' presence.
        for connection in connections {
            let watching = connection.presence_watch().map(|w| w.community);
            if let Some(community) = watching
                && !topics.contains(&Topic::Community(community))
            {
                self.stop_watching(&connection);
            }
        }
    }

    /// One of the user's connections, while it is open.
    pub fn connection(&self, user_id: Uuid, id: ConnectionId) -> Option<Arc<Connection>> {
        self.connections_of(user_id)
            .into_iter()
            .find(|c| c.id == id)
    }

    /// Makes the connection show a community's member presence (or none).
    pub fn watch_presence(&self, connection: &Arc<Connection>, watch: Option<PresenceWatch>) {
        let mut watchers = self.inner.watchers.write().expect("watchers lock");
        let mut watching = connection.watching.lock().expect("watching lock");
        let old = watching.as_ref().map(|w| w.community);
        let new = watch.as_ref().map(|w| w.community);
        if old != new {
            if let Some(old) = old {
                remove_from(&mut watchers, old, connection.id);
            }
            if let Some(new) = new {
                watchers.entry(new).or_default().push(connection.clone());
            }
        }
        *watching = watch;
    }

    fn stop_watching(&self, connection: &Connection) {
        let mut watchers = self.inner.watchers.write().expect("watchers lock");
        if let Some(old) = connection.watching.lock().expect("watching lock").take() {
            remove_from(&mut watchers, old.community, connection.id);
        }
    }

    /// The users with a connection subscribed to `topic` (for a community: its
    /// online members, since subscriptions follow membership).
    pub fn users_subscribed(&self, topic: Topic) -> Vec<Uuid> {
        let map = self.inner.topics.read().expect("topics lock");
        let mut users: Vec<Uuid> = map
            .get(&topic)
            .into_iter()
            .flatten()
            .map(|c| c.user_id)
            .collect();
        users.sort_unstable();
        users.dedup();
        users
    }

    /// The connections showing `community`'s member presence.
    pub fn presence_watchers(&self, community: Uuid) -> Vec<Arc<Connection>> {
        self.inner
            .watchers
            .read()
            .expect("watchers lock")
            .get(&community)
            .cloned()
            .unwrap_or_default()
    }

    pub fn presence_watcher_count(&self, community: Uuid) -> usize {
        self.inner
            .watchers
            .read()
            .expect("watchers lock")
            .get(&community)
            .map_or(0, Vec::len)
    }

    pub fn connections_of(&self, user_id: Uuid) -> Vec<Arc<Connection>> {
        self.inner
            .users
            .read()
            .expect("users lock")
            .get(&user_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Whether `user_id` has a connection subscribed to `topic` (for a community:
    /// is one of its members online).
    pub fn user_subscribed(&self, user_id: Uuid, topic: Topic) -> bool {
        self.inner
            .users
            .read()
            .expect("users lock")
            .get(&user_id)
            .is_some_and(|list| list.iter().any(|c| c.subscribed(topic)))
    }

    pub fn is_online(&self, user_id: Uuid) -> bool {
        self.inner
            .users
            .read()
            .expect("users lock")
            .contains_key(&user_id)
    }

    /// Hands a delivery to every subscriber of its topics, once per connection.
    pub fn deliver(&self, delivery: &Delivery) {
        let map = self.inner.topics.read().expect("topics lock");
        if let [topic] = delivery.topics.as_slice() {
            for connection in map.get(topic).into_iter().flatten() {
                connection.deliver(&delivery.payload, delivery.author, delivery.personal);
            }
            return;
        }
        let mut seen = HashSet::new();
        for topic in &delivery.topics {
            for connection in map.get(topic).into_iter().flatten() {
                if seen.insert(connection.id) {
                    connection.deliver(&delivery.payload, delivery.author, delivery.personal);
                }
            }
        }
    }

    /// Closes the connections of these sessions (revocation, logout).
    pub fn close_sessions(&self, session_ids: &[Uuid], reason: CloseReason) {
        let users = self.inner.users.read().expect("users lock");
        for connection in users.values().flatten() {
            if session_ids.contains(&connection.session_id) {
                connection.close(reason.clone());
            }
        }
    }

    pub fn close_user(&self, user_id: Uuid, reason: CloseReason) {
        for connection in self.connections_of(user_id) {
            connection.close(reason.clone());
        }
    }

    pub fn close_all(&self, reason: CloseReason) {
        let users = self.inner.users.read().expect("users lock");
        for connection in users.values().flatten() {
            connection.close(reason.clone());
        }
    }

    pub fn connection_count(&self) -> usize {
        self.inner
            .users
            .read()
            .expect("users lock")
            .values()
            .map(Vec::len)
            .sum()
    }

    /// Users with at least one connection, among `candidates`.
    pub fn online_among(&self, candidates: &[Uuid]) -> Vec<Uuid> {
        let users = self.inner.users.read().expect("users lock");
        candidates
            .iter()
            .copied()
            .filter(|u| users.contains_key(u))
            .collect()
    }
}

fn remove_from<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, Vec<Arc<Connection>>>,
    key: K,
    id: ConnectionId,
) {
    if let Some(list) = map.get_mut(&key) {
        list.retain(|c| c.id != id);
        if list.is_empty() {
            map.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(m: Outgoing) -> String {
        match m {
            Outgoing::Text(t) => String::from_utf8(t.to_vec()).unwrap(),
            other => panic!("not text: {other:?}"),
        }
    }

    #[tokio::test]
    async fn delivers_once_per_connection_and_follows_subscriptions() {
        let hub = Hub::new(8);
        let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let mut a = hub.register(alice, Uuid::now_v7(), 8).unwrap();
        let mut b = hub.register(bob, Uuid::now_v7(), 8).unwrap();
        let channel = Topic::Channel(Uuid::now_v7());
        let community = Topic::Community(Uuid::now_v7());
        hub.set_user_topics(
            alice,
            &HashSet::from([channel, community]),
            &Privacy::default(),
        );
        hub.set_user_topics(bob, &HashSet::from([community]), &Privacy::default());

        let payload = Bytes::from("hello");
        hub.deliver(&Delivery {
            topics: vec![channel, community],
            payload: payload.clone(),
            author: None,
            personal: false,
        });
        assert_eq!(text(a.outgoing.try_recv().unwrap()), "hello");
        assert!(a.outgoing.try_recv().is_err(), "deduplicated across topics");
        assert_eq!(text(b.outgoing.try_recv().unwrap()), "hello");

        hub.set_user_topics(alice, &HashSet::from([community]), &Privacy::default());
        hub.deliver(&Delivery {
            topics: vec![channel],
            payload,
            author: None,
            personal: false,
        });
        assert!(a.outgoing.try_recv().is_err(), "unsubscribed at once");
    }

    #[tokio::test]
    async fn a_full_queue_closes_with_resync_and_blocked_authors_are_filtered() {
        let hub = Hub::new(2);
        let (user, troll) = (Uuid::now_v7(), Uuid::now_v7());
        let registered = hub.register(user, Uuid::now_v7(), 8).unwrap();
        let topic = Topic::User(user);
        let privacy = Privacy {
            blocked: HashSet::from([troll]),
            estranged: HashSet::from([troll]),
        };
        hub.set_user_topics(user, &HashSet::from([topic]), &privacy);
        let payload = Bytes::from("x");
        hub.deliver(&Delivery {
            topics: vec![topic],
            payload: payload.clone(),
            author: Some(troll),
            personal: false,
        });
        for _ in 0..3 {
            hub.deliver(&Delivery {
                topics: vec![topic],
                payload: payload.clone(),
                author: None,
                personal: false,
            });
        }
        assert_eq!(registered.connection.closed().await, CloseReason::RESYNC);
        let mut outgoing = registered.outgoing;
        assert_eq!(
            text(outgoing.try_recv().unwrap()),
            "x",
            "the blocked author's event was skipped"
        );
    }

    #[test]
    fn caps_connections_per_user() {
        let hub = Hub::new(2);
        let user = Uuid::now_v7();
        let first = hub.register(user, Uuid::now_v7(), 2).unwrap();
        let _second = hub.register(user, Uuid::now_v7(), 2).unwrap();
        assert!(hub.register(user, Uuid::now_v7(), 2).is_none());
        assert!(!hub.unregister(&first.connection));
        assert!(hub.register(user, Uuid::now_v7(), 2).is_some());
    }
}
