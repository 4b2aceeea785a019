//! Live sessions and channel contexts as the store last returned them.
//!
//! Every authenticated request reads its session and account, and every message
//! read or write its channel context: two queries that answer the same while nobody
//! signs out, changes an account, a membership or a channel. Each result is kept
//! with the store's access epoch taken before its query, and served only while the
//! epoch has not moved (see `store::epoch`), so a sign-out, suspension, role change
//! or removal applies to the very next request, as without the cache.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use quick_cache::sync::Cache;
use uuid::Uuid;

use crate::store::{ChannelContext, SessionWithUser, access_epoch};

/// Results kept at most, of each kind (a few hundred bytes each).
const CAPACITY: usize = 4096;

#[derive(Clone)]
struct Kept<T> {
    epoch: u64,
    value: Arc<T>,
}

pub struct AccessCache {
    sessions: Cache<Uuid, Kept<SessionWithUser>>,
    channels: Cache<(Uuid, Uuid), Kept<ChannelContext>>,
}

impl Default for AccessCache {
    fn default() -> AccessCache {
        AccessCache {
            sessions: Cache::new(CAPACITY),
            channels: Cache::new(CAPACITY),
        }
    }
}

/// The epoch to keep a result with: taken before the query that reads it.
#[derive(Debug, Clone, Copy)]
pub struct ReadAt(u64);

impl ReadAt {
    pub fn now() -> ReadAt {
        ReadAt(access_epoch())
    }
}

impl AccessCache {
    /// The session, if kept since the last change and not past its kept expiry.
    pub fn session(&self, session_id: Uuid, now: DateTime<Utc>) -> Option<SessionWithUser> {
        let kept = self.sessions.get(&session_id)?;
        let live = kept.value.session.expires_at > now;
        (kept.epoch == access_epoch() && live).then(|| SessionWithUser::clone(&kept.value))
    }

    pub fn keep_session(&self, read_at: ReadAt, found: &SessionWithUser) {
        self.sessions.insert(
            found.session.id,
            Kept {
                epoch: read_at.0,
                value: Arc::new(found.clone()),
            },
        );
    }

    /// The channel context of `user_id`, if kept since the last change.
    pub fn channel(&self, channel_id: Uuid, user_id: Uuid) -> Option<ChannelContext> {
        let kept = self.channels.get(&(channel_id, user_id))?;
        (kept.epoch == access_epoch()).then(|| ChannelContext::clone(&kept.value))
    }

    pub fn keep_channel(&self, read_at: ReadAt, user_id: Uuid, found: &ChannelContext) {
        self.channels.insert(
            (found.channel.id, user_id),
            Kept {
                epoch: read_at.0,
                value: Arc::new(found.clone()),
            },
        );
    }
}
