//! New messages of one channel are written and published one at a time.
//!
//! A message's ID (UUIDv7) is made inside its transaction, and a client that comes
//! back after a disconnect asks for what is `after` the last ID it saw
//! (docs/realtime.md). Were two messages of one channel written side by side, the one
//! with the smaller ID could reach readers second, and a reader cut off between the
//! two would never ask for it (seen on PostgreSQL in the load generator's reconnect
//! storm). Taking turns per channel, from before the ID is made until the event is
//! published, keeps the order of IDs the order of delivery.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

#[derive(Default)]
pub(crate) struct ChannelTurns(Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>);

impl ChannelTurns {
    /// Waits for the channel's turn; held until the new message is published.
    pub(crate) async fn take(&self, channel_id: Uuid) -> OwnedMutexGuard<()> {
        let lock = {
            let mut turns = self.0.lock().expect("channel turns lock");
            if turns.len() > 10_000 {
                turns.retain(|_, lock| Arc::strong_count(lock) > 1);
            }
            turns.entry(channel_id).or_default().clone()
        };
        lock.lock_owned().await
    }
}
