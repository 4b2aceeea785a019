//! Change counters: one per channel, bumped by every event published to it, and one
//! for changes that can touch every channel (an author renamed or deleted).
//!
//! Whatever a channel shows changes only together with an event to that channel
//! (that is how live clients learn of it), so a value computed from the store
//! after reading [`Revisions::of`] stays correct while that revision is current.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use uuid::Uuid;

/// A channel's change counter together with the global one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    global: u64,
    channel: u64,
}

#[derive(Debug, Default)]
pub struct Revisions {
    global: AtomicU64,
    channels: Mutex<HashMap<Uuid, u64>>,
}

impl Revisions {
    /// Read this before reading the store; a bump after it makes the result stale.
    pub fn of(&self, channel_id: Uuid) -> Revision {
        let global = self.global.load(Ordering::Acquire);
        let channel = self
            .channels
            .lock()
            .expect("revisions lock")
            .get(&channel_id)
            .copied()
            .unwrap_or(0);
        Revision { global, channel }
    }

    /// Called after the change is committed.
    pub fn bump_channel(&self, channel_id: Uuid) {
        *self
            .channels
            .lock()
            .expect("revisions lock")
            .entry(channel_id)
            .or_default() += 1;
    }

    /// Something every channel may show changed (after it is committed).
    pub fn bump_all(&self) {
        self.global.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_change_only_what_they_name() {
        let revisions = Revisions::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let (a0, b0) = (revisions.of(a), revisions.of(b));
        revisions.bump_channel(a);
        assert_ne!(revisions.of(a), a0);
        assert_eq!(revisions.of(b), b0);
        let b1 = revisions.of(b);
        revisions.bump_all();
        assert_ne!(revisions.of(b), b1);
    }
}
