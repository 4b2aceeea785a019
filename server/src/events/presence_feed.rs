//! Community presence, sent only to the connections that show it.
//!
//! Telling every member of a community at once about each presence change costs
//! N²/2 frames when N members connect (a restart, the morning rush). Instead a change
//! waits here, per community, and goes out as one `community_presence` frame per
//! interval to the connections showing that community's member list (they asked with
//! `watch_presence`). A community with many watchers is flushed less often, so that it
//! never sends more than `frames_per_second` of these frames a second: the frames
//! grow with the people connecting, not with their square.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};
use uuid::Uuid;

use super::{Hub, Outgoing};
use crate::api::{PresenceStatus, PresenceView, ServerEvent};

/// A community's last frame is forgotten after this long (its spacing is shorter
/// unless it has tens of thousands of watchers).
const FORGET_SENT_AFTER: Duration = Duration::from_secs(60);

/// How often, and at most how many frames a second per community.
#[derive(Debug, Clone, Copy)]
pub struct FeedPace {
    pub interval: Duration,
    pub frames_per_second: u32,
}

impl FeedPace {
    /// The shortest time between two frames of a community with `watchers`.
    fn spacing(self, watchers: usize) -> Duration {
        let budget = f64::from(self.frames_per_second.max(1));
        self.interval
            .max(Duration::from_secs_f64(watchers as f64 / budget))
    }
}

#[derive(Default)]
pub struct PresenceFeed {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The latest status of each member whose presence changed, per community.
    pending: HashMap<Uuid, HashMap<Uuid, PresenceStatus>>,
    /// When each community's last frame went out.
    sent: HashMap<Uuid, Instant>,
}

impl PresenceFeed {
    /// Notes a change of `user`'s presence for the members of `communities`.
    pub fn changed(&self, communities: &[Uuid], user: Uuid, status: PresenceStatus) {
        let mut state = self.state.lock().expect("presence feed lock");
        for community in communities {
            state
                .pending
                .entry(*community)
                .or_default()
                .insert(user, status);
        }
    }

    /// Sends what is due every interval until `stop`.
    pub async fn run(&self, hub: &Hub, pace: FeedPace, mut stop: watch::Receiver<bool>) {
        let mut ticker = tokio::time::interval(pace.interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                at = ticker.tick() => self.flush(hub, pace, at),
                _ = stop.changed() => return,
            }
        }
    }

    /// Sends each community's changes whose time has come (`now` is the tick's
    /// scheduled instant, so spacing is counted in whole intervals).
    pub fn flush(&self, hub: &Hub, pace: FeedPace, now: Instant) {
        let due = {
            let mut guard = self.state.lock().expect("presence feed lock");
            let State { pending, sent } = &mut *guard;
            let mut due = Vec::new();
            pending.retain(|community, changes| {
                let watchers = hub.presence_watcher_count(*community);
                if watchers == 0 {
                    // Nobody shows it; whoever starts gets a complete list.
                    return false;
                }
                let spacing = pace.spacing(watchers);
                if sent
                    .get(community)
                    .is_some_and(|last| now.saturating_duration_since(*last) < spacing)
                {
                    return true;
                }
                sent.insert(*community, now);
                due.push((*community, std::mem::take(changes)));
                false
            });
            sent.retain(|_, last| now.saturating_duration_since(*last) < FORGET_SENT_AFTER);
            due
        };
        for (community, changes) in due {
            send_changes(hub, community, changes);
        }
    }
}

/// One frame of changes to each watcher, without the people they are estranged from.
fn send_changes(hub: &Hub, community_id: Uuid, changes: HashMap<Uuid, PresenceStatus>) {
    let presences: Vec<PresenceView> = changes
        .into_iter()
        .map(|(user_id, status)| PresenceView { user_id, status })
        .collect();
    let shared = presence_frame(community_id, presences.clone(), false);
    for watcher in hub.presence_watchers(community_id) {
        let hidden = watcher.estranged_among(presences.iter().map(|p| p.user_id));
        let frame = if hidden.is_empty() {
            shared.clone()
        } else {
            let visible: Vec<PresenceView> = presences
                .iter()
                .filter(|p| !hidden.contains(&p.user_id))
                .cloned()
                .collect();
            (!visible.is_empty())
                .then(|| presence_frame(community_id, visible, false))
                .flatten()
        };
        if let Some(frame) = frame {
            watcher.send(Outgoing::Text(frame));
        }
    }
}

/// A `community_presence` frame: the complete list when `complete`.
pub fn presence_frame(
    community_id: Uuid,
    presences: Vec<PresenceView>,
    complete: bool,
) -> Option<Bytes> {
    let event = ServerEvent::CommunityPresence {
        community_id,
        presences,
        complete,
    };
    match serde_json::to_vec(&event) {
        Ok(json) => Some(Bytes::from(json)),
        Err(err) => {
            tracing::error!(error = %err, "cannot serialize community presence");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::Value;

    use super::*;
    use crate::events::{Privacy, Registered, Topic};

    const PACE: FeedPace = FeedPace {
        interval: Duration::from_secs(1),
        frames_per_second: 2,
    };

    fn watcher(hub: &Hub, user: Uuid, community: Uuid, estranged: &[Uuid]) -> Registered {
        let registered = hub.register(user, Uuid::now_v7(), 8).unwrap();
        let privacy = Privacy {
            blocked: HashSet::new(),
            estranged: estranged.iter().copied().collect(),
        };
        hub.set_user_topics(
            user,
            &HashSet::from([Topic::Community(community)]),
            &privacy,
        );
        hub.watch_presence(&registered.connection, Some(community));
        registered
    }

    fn frames(registered: &mut Registered) -> Vec<Value> {
        let mut seen = Vec::new();
        while let Ok(Outgoing::Text(text)) = registered.outgoing.try_recv() {
            seen.push(serde_json::from_slice(&text).unwrap());
        }
        seen
    }

    #[tokio::test]
    async fn coalesces_per_community_paces_by_watchers_and_leaves_out_the_estranged() {
        let hub = Hub::new(16);
        let feed = PresenceFeed::default();
        let (community, quiet) = (Uuid::now_v7(), Uuid::now_v7());
        let (ann, bob, troll) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut ann_ws = watcher(&hub, ann, community, &[]);
        let mut bob_ws = watcher(&hub, bob, community, &[troll]);
        let start = Instant::now();

        feed.changed(&[community, quiet], troll, PresenceStatus::Online);
        feed.changed(&[community, quiet], troll, PresenceStatus::Idle);
        feed.changed(&[community], ann, PresenceStatus::Dnd);
        feed.flush(&hub, PACE, start);
        let ann_frames = frames(&mut ann_ws);
        assert_eq!(ann_frames.len(), 1, "one frame for three changes");
        let mut listed: Vec<(String, String)> = ann_frames[0]["presences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["user_id"].as_str().unwrap().into(),
                    p["status"].as_str().unwrap().into(),
                )
            })
            .collect();
        listed.sort();
        let mut expected = vec![
            (troll.to_string(), "idle".to_owned()),
            (ann.to_string(), "dnd".to_owned()),
        ];
        expected.sort();
        assert_eq!(listed, expected, "the latest status of each");
        assert_eq!(ann_frames[0]["complete"], false);
        let bob_frames = frames(&mut bob_ws);
        assert_eq!(bob_frames.len(), 1);
        assert!(
            !bob_frames[0].to_string().contains(&troll.to_string()),
            "estranged from the troll: {bob_frames:?}"
        );

        // Two watchers at two frames a second: one frame a second at most, so a
        // change half a second later waits for the next whole interval.
        feed.changed(&[community], bob, PresenceStatus::Idle);
        feed.flush(&hub, PACE, start + Duration::from_millis(500));
        assert!(frames(&mut ann_ws).is_empty(), "too soon");
        feed.flush(&hub, PACE, start + Duration::from_secs(1));
        assert_eq!(frames(&mut ann_ws).len(), 1, "sent at the next interval");

        // Nobody watches `quiet`: its changes were dropped, not kept forever.
        assert!(feed.state.lock().unwrap().pending.is_empty());
        // With 4 watchers at 2 frames a second, frames come every 2 s.
        let _more = [
            watcher(&hub, Uuid::now_v7(), community, &[]),
            watcher(&hub, Uuid::now_v7(), community, &[]),
        ];
        feed.changed(&[community], ann, PresenceStatus::Online);
        feed.flush(&hub, PACE, start + Duration::from_secs(2));
        assert!(frames(&mut ann_ws).is_empty(), "paced by watchers");
        feed.flush(&hub, PACE, start + Duration::from_secs(3));
        assert_eq!(frames(&mut ann_ws).len(), 1);
        // A connection that stops watching gets nothing more.
        hub.watch_presence(&ann_ws.connection, None);
        feed.changed(&[community], bob, PresenceStatus::Online);
        feed.flush(&hub, PACE, start + Duration::from_secs(6));
        assert!(frames(&mut ann_ws).is_empty());
        assert_eq!(frames(&mut bob_ws).len(), 3);
    }
}
