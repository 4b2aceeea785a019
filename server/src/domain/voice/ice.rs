//! Calls (VOICE): the ICE servers a signed-in user connects through.

use crate::api::{IceConfigView, IceServerView};
use crate::domain::{Actor, Core};
use crate::store;

impl Core {
    /// ICE servers for the actor's next call; TURN credentials name the user and
    /// expire after `TURN_CREDENTIAL_TTL_SECS`.
    pub fn ice_config(&self, actor: &Actor) -> IceConfigView {
        let now = store::now();
        let ice = crate::turn::ice_servers(&self.config.turn, actor.id(), now.timestamp() as u64);
        IceConfigView {
            ice_servers: ice
                .servers
                .into_iter()
                .map(|s| IceServerView {
                    urls: s.urls,
                    username: s.username,
                    credential: s.credential,
                })
                .collect(),
            expires_at: ice
                .expires_at
                .and_then(|at| chrono::DateTime::from_timestamp(at as i64, 0)),
        }
    }
}
