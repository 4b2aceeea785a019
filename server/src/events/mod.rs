//! The event bus (RT-6): domain code publishes an event once, to topics; every
//! connection subscribed to one of those topics gets the same serialized bytes.
//!
//! [`EventBus`] is the one interface. [`InProcessBus`] delivers to this process's
//! [`Hub`]; a cross-node bus (Redis, NATS, PostgreSQL NOTIFY) would forward the same
//! [`Delivery`] to every node, each handing it to its own hub (and moving its own
//! channel [`Revisions`], which caches of channel contents rely on).

mod hub;
mod presence;
mod presence_feed;
mod revisions;

pub use hub::{CloseReason, Connection, ConnectionId, Hub, Outgoing, Privacy, Registered};
pub use presence::Presences;
pub use presence_feed::{FeedPace, PresenceFeed, PresenceWatch};
pub use revisions::{Revision, Revisions};

use std::collections::HashSet;
use std::sync::Arc;

use bytes::Bytes;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::api::ServerEvent;

/// Who an event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Everyone who may read a channel.
    Channel(Uuid),
    /// Every member of a community.
    Community(Uuid),
    /// All connections of one user.
    User(Uuid),
    /// Every connection (instance-wide announcements).
    Everyone,
}

/// One serialized event on its way to the subscribers of `topics`.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub topics: Vec<Topic>,
    pub payload: Bytes,
    /// The user the event is about, for recipients who block them (MSG-9).
    pub author: Option<Uuid>,
    /// About the author as a person (presence, typing, read receipts): withheld
    /// from anyone on either side of a block with them.
    pub personal: bool,
}

pub trait EventBus: Send + Sync + 'static {
    fn publish(&self, delivery: Delivery);
}

/// Delivers in this process.
pub struct InProcessBus {
    hub: Hub,
}

impl InProcessBus {
    pub fn new(hub: Hub) -> InProcessBus {
        InProcessBus { hub }
    }
}

impl EventBus for InProcessBus {
    fn publish(&self, delivery: Delivery) {
        self.hub.deliver(&delivery);
    }
}

/// The domain's handle: publish events, manage live subscriptions and presence.
#[derive(Clone)]
pub struct Events {
    bus: Arc<dyn EventBus>,
    pub hub: Hub,
    pub presences: Presences,
    /// Community presence for the connections showing it.
    pub presence_feed: Arc<PresenceFeed>,
    pub revisions: Arc<Revisions>,
    /// WebSocket sessions still open or closing: shutting down waits for them, so
    /// that the last seen and presence of everyone connected are written before the
    /// database closes.
    pub sessions: TaskTracker,
}

impl Events {
    pub fn in_process(queue_capacity: usize) -> Events {
        let hub = Hub::new(queue_capacity);
        Events {
            bus: Arc::new(InProcessBus::new(hub.clone())),
            hub,
            presences: Presences::default(),
            presence_feed: Arc::default(),
            revisions: Arc::default(),
            sessions: TaskTracker::new(),
        }
    }

    /// Serializes `event` once and publishes it to `topics` (after the change it
    /// reports is committed: channel revisions move here).
    pub fn publish(&self, topics: Vec<Topic>, event: &ServerEvent, author: Option<Uuid>) {
        // Typing, read receipts and calls change nothing a channel's history shows.
        let ephemeral = matches!(
            event,
            ServerEvent::Typing { .. }
                | ServerEvent::ReadReceipt { .. }
                | ServerEvent::VoiceState { .. }
        );
        let personal = ephemeral || matches!(event, ServerEvent::Presence { .. });
        for topic in &topics {
            if let Topic::Channel(channel_id) = topic
                && !ephemeral
            {
                self.revisions.bump_channel(*channel_id);
            }
        }
        match serde_json::to_string(event) {
            Ok(json) => self.bus.publish(Delivery {
                topics,
                payload: Bytes::from(json),
                author,
                personal,
            }),
            Err(err) => tracing::error!(error = %err, "cannot serialize an event"),
        }
    }

    pub fn to_channel(&self, channel_id: Uuid, event: &ServerEvent, author: Option<Uuid>) {
        self.publish(vec![Topic::Channel(channel_id)], event, author);
    }

    pub fn to_user(&self, user_id: Uuid, event: &ServerEvent) {
        self.publish(vec![Topic::User(user_id)], event, None);
    }
}

/// The topics of a user: everyone's, their own, their communities, the channels they
/// may read.
pub fn user_topics(user_id: Uuid, communities: &[Uuid], channels: &[Uuid]) -> HashSet<Topic> {
    let mut topics = HashSet::with_capacity(2 + communities.len() + channels.len());
    topics.insert(Topic::Everyone);
    topics.insert(Topic::User(user_id));
    topics.extend(communities.iter().map(|c| Topic::Community(*c)));
    topics.extend(channels.iter().map(|c| Topic::Channel(*c)));
    topics
}
