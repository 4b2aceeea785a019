//! Community presence, sent only to the connections that show it.
//!
//! Telling every member of a community at once about each presence change costs
//! N²/2 frames when N members connect (a restart, the morning rush). Instead a change
//! waits here, per community, and goes out as one `community_presence` frame per
//! interval to the connections showing that community's member list (they asked with
//! `watch_presence`). A community with many watchers is flushed less often, so that it
//! never sends more than `frames_per_second` of these frames a second: the frames
//! grow with the people connecting, not with their square.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};
use uuid::Uuid;

use super::{Connection, Hub, Outgoing, Presences, Topic};
use crate::api::{PresenceStatus, PresenceView, ServerEvent};

/// A community's last frame is forgotten after this long (its spacing is shorter
/// unless it has tens of thousands of watchers).
const FORGET_SENT_AFTER: Duration = Duration::from_secs(60);

/// How long a community's count of members online serves the lists that start.
const COUNT_KEPT: Duration = Duration::from_secs(1);

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

/// What a connection's member list shows (`watch_presence`): a community, and all
/// of its members or only those it named (the rows on screen). Naming them keeps a
/// large community's lists small: 10,000 people showing the whole list of 10,000
/// would get 10,000² entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceWatch {
    pub community: Uuid,
    pub users: Option<Arc<HashSet<Uuid>>>,
}

impl PresenceWatch {
    fn shows(&self, user: Uuid) -> bool {
        self.users
            .as_ref()
            .is_none_or(|users| users.contains(&user))
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
    /// When each community's last frame went out, and how many were online then.
    sent: HashMap<Uuid, (Instant, usize)>,
    /// Each community's count of members online, and when it was made.
    counts: HashMap<Uuid, (Instant, usize)>,
    /// Communities whose next frame must carry a fresh count to every watcher.
    recount: HashSet<Uuid>,
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
    pub async fn run(
        &self,
        hub: &Hub,
        presences: &Presences,
        pace: FeedPace,
        mut stop: watch::Receiver<bool>,
    ) {
        let mut ticker = tokio::time::interval(pace.interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                at = ticker.tick() => self.flush(hub, presences, pace, at),
                _ = stop.changed() => return,
            }
        }
    }

    /// Sends each community's changes whose time has come (`now` is the tick's
    /// scheduled instant, so spacing is counted in whole intervals).
    pub fn flush(&self, hub: &Hub, presences: &Presences, pace: FeedPace, now: Instant) {
        let due = {
            let mut guard = self.state.lock().expect("presence feed lock");
            let State {
                pending,
                sent,
                counts,
                recount,
            } = &mut *guard;
            let mut due = Vec::new();
            pending.retain(|community, changes| {
                let watchers = hub.presence_watcher_count(*community);
                if watchers == 0 {
                    // Nobody shows it; whoever starts gets a complete list.
                    return false;
                }
                let spacing = pace.spacing(watchers);
                let last = sent.get(community).copied();
                if last.is_some_and(|(at, _)| now.saturating_duration_since(at) < spacing) {
                    return true;
                }
                let online = online_members(hub, presences, *community);
                sent.insert(*community, (now, online.len()));
                counts.insert(*community, (now, online.len()));
                let count_changed = recount.remove(community)
                    || last.is_none_or(|(_, count)| count != online.len());
                due.push(Due {
                    community: *community,
                    changes: std::mem::take(changes),
                    online,
                    count_changed,
                });
                false
            });
            sent.retain(|_, (at, _)| now.saturating_duration_since(*at) < FORGET_SENT_AFTER);
            counts.retain(|_, (at, _)| now.saturating_duration_since(*at) < COUNT_KEPT);
            due
        };
        for due in due {
            due.send(hub);
        }
    }
}

impl PresenceFeed {
    /// The complete list a connection starting to show `watch` gets: the members it
    /// shows who are online, leaving out those it is estranged from. A list that
    /// names its rows costs a lookup per row, not per member online: after a restart
    /// thousands of lists start at once.
    pub fn complete_list(
        &self,
        hub: &Hub,
        presences: &Presences,
        watcher: &Connection,
        watch: &PresenceWatch,
    ) -> Option<Bytes> {
        let topic = Topic::Community(watch.community);
        let shown_online = |user: Uuid| {
            hub.user_subscribed(user, topic) && presences.visible(user) != PresenceStatus::Offline
        };
        let (online, count) = match &watch.users {
            None => {
                let online = online_members(hub, presences, watch.community);
                let count = online.len();
                (online, count)
            }
            Some(users) => {
                let online = users.iter().copied().filter(|u| shown_online(*u)).collect();
                (online, self.online_count(hub, presences, watch.community))
            }
        };
        let hidden_online = watcher.estranged_count(shown_online);
        let hidden = watcher.estranged_among(online.iter().copied());
        let list = online
            .into_iter()
            .filter(|user| !hidden.contains(user))
            .map(|user_id| PresenceView {
                user_id,
                status: presences.visible(user_id),
            })
            .collect();
        let count = count.saturating_sub(hidden_online);
        presence_frame(watch.community, list, true, count)
    }

    /// How many members of `community` are online, counted at most once a second:
    /// a count made earlier may miss a change since, so the community's next frame
    /// then carries a fresh count to every watcher.
    fn online_count(&self, hub: &Hub, presences: &Presences, community: Uuid) -> usize {
        let mut state = self.state.lock().expect("presence feed lock");
        let now = Instant::now();
        if let Some((at, count)) = state.counts.get(&community).copied()
            && now.saturating_duration_since(at) < COUNT_KEPT
        {
            state.recount.insert(community);
            state.pending.entry(community).or_default();
            return count;
        }
        let count = online_members(hub, presences, community).len();
        state.counts.insert(community, (now, count));
        count
    }
}

/// One community's changes on their way to its watchers.
struct Due {
    community: Uuid,
    changes: HashMap<Uuid, PresenceStatus>,
    /// Who is online now, as others see them (sorted).
    online: Vec<Uuid>,
    count_changed: bool,
}

impl Due {
    /// To each watcher, one frame of the changes it shows, without the people it is
    /// estranged from; to those showing everyone and estranged from nobody, one
    /// shared frame.
    fn send(self, hub: &Hub) {
        let all: Vec<PresenceView> = self
            .changes
            .iter()
            .map(|(user_id, status)| PresenceView {
                user_id: *user_id,
                status: *status,
            })
            .collect();
        let mut shared = None;
        for watcher in hub.presence_watchers(self.community) {
            let Some(watch) = watcher.presence_watch() else {
                continue;
            };
            let hidden_online =
                watcher.estranged_count(|user| self.online.binary_search(&user).is_ok());
            let estranged_from_none = hidden_online == 0
                && watcher
                    .estranged_among(self.changes.keys().copied())
                    .is_empty();
            let frame = if watch.users.is_none() && estranged_from_none {
                shared
                    .get_or_insert_with(|| {
                        presence_frame(self.community, all.clone(), false, self.online.len())
                    })
                    .clone()
            } else {
                let shown = self.shown_to(&watcher, &watch);
                (self.count_changed || !shown.is_empty())
                    .then(|| {
                        let count = self.online.len() - hidden_online;
                        presence_frame(self.community, shown, false, count)
                    })
                    .flatten()
            };
            if let Some(frame) = frame {
                watcher.send(Outgoing::Text(frame));
            }
        }
    }

    /// The changes `watcher` shows: of the members it named (looked up from the
    /// smaller side), leaving out those it is estranged from.
    fn shown_to(&self, watcher: &Connection, watch: &PresenceWatch) -> Vec<PresenceView> {
        let named: Vec<PresenceView> = match &watch.users {
            Some(users) if users.len() < self.changes.len() => users
                .iter()
                .filter_map(|user_id| {
                    self.changes.get(user_id).map(|status| PresenceView {
                        user_id: *user_id,
                        status: *status,
                    })
                })
                .collect(),
            _ => self
                .changes
                .iter()
                .filter(|(user_id, _)| watch.shows(**user_id))
                .map(|(user_id, status)| PresenceView {
                    user_id: *user_id,
                    status: *status,
                })
                .collect(),
        };
        let hidden = watcher.estranged_among(named.iter().map(|p| p.user_id));
        named
            .into_iter()
            .filter(|p| !hidden.contains(&p.user_id))
            .collect()
    }
}

/// A community's members online as others see them (not invisible), sorted: its
/// online members are the users subscribed to it, since subscriptions follow
/// membership.
fn online_members(hub: &Hub, presences: &Presences, community: Uuid) -> Vec<Uuid> {
    let mut online = hub.users_subscribed(Topic::Community(community));
    online.retain(|user| presences.visible(*user) != PresenceStatus::Offline);
    online
}

/// A `community_presence` frame: the complete list when `complete`.
fn presence_frame(
    community_id: Uuid,
    presences: Vec<PresenceView>,
    complete: bool,
    online: usize,
) -> Option<Bytes> {
    let event = ServerEvent::CommunityPresence {
        community_id,
        presences,
        complete,
        online: u32::try_from(online).unwrap_or(u32::MAX),
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

    /// A connected member of `community` who shows no member list.
    fn member(hub: &Hub, user: Uuid, community: Uuid, estranged: &[Uuid]) -> Registered {
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
        registered
    }

    fn watcher(hub: &Hub, user: Uuid, community: Uuid, estranged: &[Uuid]) -> Registered {
        let registered = member(hub, user, community, estranged);
        let watch = PresenceWatch {
            community,
            users: None,
        };
        hub.watch_presence(&registered.connection, Some(watch));
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
        let presences = Presences::default();
        let (community, quiet) = (Uuid::now_v7(), Uuid::now_v7());
        let (ann, bob, troll) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut ann_ws = watcher(&hub, ann, community, &[]);
        let mut bob_ws = watcher(&hub, bob, community, &[troll]);
        let start = Instant::now();

        feed.changed(&[community, quiet], troll, PresenceStatus::Online);
        feed.changed(&[community, quiet], troll, PresenceStatus::Idle);
        feed.changed(&[community], ann, PresenceStatus::Dnd);
        feed.flush(&hub, &presences, PACE, start);
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
        feed.flush(&hub, &presences, PACE, start + Duration::from_millis(500));
        assert!(frames(&mut ann_ws).is_empty(), "too soon");
        feed.flush(&hub, &presences, PACE, start + Duration::from_secs(1));
        assert_eq!(frames(&mut ann_ws).len(), 1, "sent at the next interval");

        // Nobody watches `quiet`: its changes were dropped, not kept forever.
        assert!(feed.state.lock().unwrap().pending.is_empty());
        // With 4 watchers at 2 frames a second, frames come every 2 s.
        let _more = [
            watcher(&hub, Uuid::now_v7(), community, &[]),
            watcher(&hub, Uuid::now_v7(), community, &[]),
        ];
        feed.changed(&[community], ann, PresenceStatus::Online);
        feed.flush(&hub, &presences, PACE, start + Duration::from_secs(2));
        assert!(frames(&mut ann_ws).is_empty(), "paced by watchers");
        feed.flush(&hub, &presences, PACE, start + Duration::from_secs(3));
        assert_eq!(frames(&mut ann_ws).len(), 1);
        // A connection that stops watching gets nothing more.
        hub.watch_presence(&ann_ws.connection, None);
        feed.changed(&[community], bob, PresenceStatus::Online);
        feed.flush(&hub, &presences, PACE, start + Duration::from_secs(6));
        assert!(frames(&mut ann_ws).is_empty());
        assert_eq!(frames(&mut bob_ws).len(), 3);
    }

    #[tokio::test]
    async fn a_list_naming_its_rows_gets_their_changes_and_the_count() {
        let hub = Hub::new(16);
        let feed = PresenceFeed::default();
        let presences = Presences::default();
        let community = Uuid::now_v7();
        let (ann, bob, cat) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut ann_ws = watcher(&hub, ann, community, &[]);
        let watch = PresenceWatch {
            community,
            users: Some(Arc::new(HashSet::from([ann, bob]))),
        };
        hub.watch_presence(&ann_ws.connection, Some(watch.clone()));
        let complete: Value = serde_json::from_slice(
            &feed
                .complete_list(&hub, &presences, &ann_ws.connection, &watch)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(complete["complete"], true);
        assert_eq!(complete["online"], 1);
        assert_eq!(complete["presences"][0]["user_id"], ann.to_string());
        let start = Instant::now();

        // Cat is not a row: the frame carries the count alone.
        let _cat_ws = member(&hub, cat, community, &[]);
        feed.changed(&[community], cat, PresenceStatus::Online);
        feed.flush(&hub, &presences, PACE, start);
        let got = frames(&mut ann_ws);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["presences"], serde_json::json!([]));
        assert_eq!(got[0]["online"], 2);

        // Cat goes idle: neither a row nor a change of the count, so nothing.
        feed.changed(&[community], cat, PresenceStatus::Idle);
        feed.flush(&hub, &presences, PACE, start + Duration::from_secs(1));
        assert!(frames(&mut ann_ws).is_empty());

        // Bob is a row: listed, with the count.
        let _bob_ws = member(&hub, bob, community, &[]);
        feed.changed(&[community], bob, PresenceStatus::Online);
        feed.changed(&[community], cat, PresenceStatus::Online);
        feed.flush(&hub, &presences, PACE, start + Duration::from_secs(2));
        let got = frames(&mut ann_ws);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0]["presences"],
            serde_json::json!([{"user_id": bob, "status": "online"}])
        );
        assert_eq!(got[0]["online"], 3);
    }

    #[tokio::test]
    async fn a_count_reused_for_a_starting_list_is_made_afresh_in_the_next_frame() {
        let hub = Hub::new(16);
        let feed = PresenceFeed::default();
        let presences = Presences::default();
        let community = Uuid::now_v7();
        let (ann, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let mut ann_ws = member(&hub, ann, community, &[]);
        let watch = PresenceWatch {
            community,
            users: Some(Arc::new(HashSet::from([ann]))),
        };
        hub.watch_presence(&ann_ws.connection, Some(watch.clone()));
        let count = |frame: Option<Bytes>| {
            serde_json::from_slice::<Value>(&frame.unwrap()).unwrap()["online"].clone()
        };
        let list = feed.complete_list(&hub, &presences, &ann_ws.connection, &watch);
        assert_eq!(count(list), 1);
        assert!(frames(&mut ann_ws).is_empty());

        // Bob is online, but no change of his is pending (it went out before): the
        // next list within the second reuses the count, so the next frame fixes it.
        let _bob_ws = member(&hub, bob, community, &[]);
        let list = feed.complete_list(&hub, &presences, &ann_ws.connection, &watch);
        assert_eq!(count(list), 1, "the count made a moment ago");
        feed.flush(&hub, &presences, PACE, Instant::now());
        let got = frames(&mut ann_ws);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["online"], 2);
        assert_eq!(got[0]["presences"], serde_json::json!([]));
    }
}
