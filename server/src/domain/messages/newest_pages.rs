//! The newest page of recently read channels, serialized once.
//!
//! Opening a channel asks for its newest page, so this is the most frequent read
//! by far. A page does not depend on who reads it (apart from blocked authors, whose
//! readers skip this cache), so one copy serves everyone allowed to read the
//! channel. Each entry keeps the channel's revision read before the store was; any
//! event to the channel, or a rename or deletion of an account, moves the revision
//! and the entry is stale from then on.

use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use uuid::Uuid;

use crate::events::Revision;

/// Bytes of serialized pages kept at most.
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;
/// Roughly how many pages fit (quick_cache sizes its tables with it).
const ESTIMATED_PAGES: usize = 1024;

#[derive(Clone)]
struct Entry {
    revision: Revision,
    json: Bytes,
}

#[derive(Clone)]
struct ByLength;

impl Weighter<(Uuid, u32), Entry> for ByLength {
    fn weight(&self, _key: &(Uuid, u32), entry: &Entry) -> u64 {
        entry.json.len().max(1) as u64
    }
}

pub struct NewestPages {
    pages: Cache<(Uuid, u32), Entry, ByLength>,
}

impl Default for NewestPages {
    fn default() -> NewestPages {
        NewestPages {
            pages: Cache::with_weighter(ESTIMATED_PAGES, CAPACITY_BYTES, ByLength),
        }
    }
}

impl NewestPages {
    /// The page of `limit` messages, if it was stored at the `current` revision.
    pub fn get(&self, channel_id: Uuid, limit: u32, current: Revision) -> Option<Bytes> {
        self.pages
            .get(&(channel_id, limit))
            .filter(|entry| entry.revision == current)
            .map(|entry| entry.json)
    }

    /// Keeps a page read from the store after `revision` was read.
    pub fn put(&self, channel_id: Uuid, limit: u32, revision: Revision, json: Bytes) {
        self.pages
            .insert((channel_id, limit), Entry { revision, json });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Revisions;

    #[test]
    fn a_page_is_served_until_its_channel_moves_on() {
        let (pages, revisions) = (NewestPages::default(), Revisions::default());
        let (channel, other) = (Uuid::now_v7(), Uuid::now_v7());
        let read_at = revisions.of(channel);
        pages.put(channel, 50, read_at, Bytes::from_static(b"[1]"));
        assert_eq!(
            pages.get(channel, 50, revisions.of(channel)).as_deref(),
            Some(&b"[1]"[..])
        );
        assert_eq!(pages.get(channel, 20, revisions.of(channel)), None);
        revisions.bump_channel(other);
        assert!(pages.get(channel, 50, revisions.of(channel)).is_some());
        revisions.bump_channel(channel);
        assert_eq!(pages.get(channel, 50, revisions.of(channel)), None);
        pages.put(
            channel,
            50,
            revisions.of(channel),
            Bytes::from_static(b"[2]"),
        );
        revisions.bump_all();
        assert_eq!(pages.get(channel, 50, revisions.of(channel)), None);
    }
}
