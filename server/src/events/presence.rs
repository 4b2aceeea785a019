//! Presence chosen by each user (online, idle, dnd, invisible), kept in memory while
//! they are connected. What others see is `offline` for absent or invisible users.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use uuid::Uuid;

use crate::api::PresenceStatus;

#[derive(Clone, Default)]
pub struct Presences {
    chosen: Arc<RwLock<HashMap<Uuid, PresenceStatus>>>,
}

impl Presences {
    /// The status a user chose (online when they chose nothing).
    pub fn chosen(&self, user_id: Uuid) -> PresenceStatus {
        self.chosen
            .read()
            .expect("presence lock")
            .get(&user_id)
            .copied()
            .unwrap_or(PresenceStatus::Online)
    }

    pub fn set(&self, user_id: Uuid, status: PresenceStatus) {
        self.chosen
            .write()
            .expect("presence lock")
            .insert(user_id, status);
    }

    /// Forgets a user who went offline.
    pub fn forget(&self, user_id: Uuid) {
        self.chosen.write().expect("presence lock").remove(&user_id);
    }

    /// What others see of a connected user.
    pub fn visible(&self, user_id: Uuid) -> PresenceStatus {
        match self.chosen(user_id) {
            PresenceStatus::Invisible | PresenceStatus::Offline => PresenceStatus::Offline,
            status => status,
        }
    }
}
