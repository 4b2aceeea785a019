//! New messages of one channel reach readers in the order of their IDs.
//!
//! A client that comes back after a disconnect asks for what is `after` the last
//! message ID it saw (docs/realtime.md), so nothing may reach a reader, live or in a
//! page of history, while a message of its channel with a smaller ID could still
//! follow. A new message takes a ticket first: its ID, in order. Transactions then
//! run side by side (one channel's writes used to wait for each other, and under
//! load every await inside that wait stretched it), and each message is published
//! once every earlier ticket of its channel is published or given up. Pages of
//! history end at the channel's first open ticket (see [`ChannelTurns::horizon`]).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use tokio::sync::oneshot;
use uuid::Uuid;

use crate::api::MessageView;
use crate::domain::Core;

/// The tickets of every channel with messages on their way, by channel.
pub(crate) struct ChannelTurns<P = Publication> {
    lines: Mutex<HashMap<Uuid, Line<P>>>,
}

/// What a written message publishes: itself and its thread root's new count.
pub(crate) type Publication = (MessageView, Option<MessageView>);

struct Line<P> {
    /// Tickets not yet published, oldest first; a written message's carries what
    /// it publishes.
    open: VecDeque<(Uuid, Option<Ready<P>>)>,
    /// Whether a caller is publishing the front of the line: it also publishes what
    /// becomes ready behind it, so one channel's events go out one at a time.
    publishing: bool,
}

/// A written message waiting for its turn, and who waits for it to go out.
struct Ready<P> {
    publication: P,
    published: oneshot::Sender<()>,
}

impl<P> Default for Line<P> {
    fn default() -> Self {
        Line {
            open: VecDeque::new(),
            publishing: false,
        }
    }
}

impl<P> Default for ChannelTurns<P> {
    fn default() -> Self {
        ChannelTurns {
            lines: Mutex::default(),
        }
    }
}

impl<P> ChannelTurns<P> {
    /// A ticket: the new message's ID, larger than every earlier ticket's.
    pub(crate) fn take(&self, channel_id: Uuid) -> Uuid {
        let mut lines = self.lines.lock().expect("channel turns lock");
        // Made under the lock, so tickets are in the order of their IDs.
        let id = crate::store::new_id();
        lines
            .entry(channel_id)
            .or_default()
            .open
            .push_back((id, None));
        id
    }

    /// Where a page of the channel's history read from now on must end: its first
    /// open ticket, or, with none open, an ID above every ticket taken so far. Every
    /// message below it is written (or given up) already, so a page read after this
    /// call that stops here has no holes a later commit could fill.
    pub(crate) fn horizon(&self, channel_id: Uuid) -> Uuid {
        let lines = self.lines.lock().expect("channel turns lock");
        match lines.get(&channel_id).and_then(|line| line.open.front()) {
            Some((open, _)) => *open,
            None => crate::store::new_id(),
        }
    }

    #[cfg(test)]
    fn first_open(&self, channel_id: Uuid) -> Option<Uuid> {
        let lines = self.lines.lock().expect("channel turns lock");
        lines.get(&channel_id)?.open.front().map(|(id, _)| *id)
    }

    /// Settles a ticket: `Some` publishes it once every earlier one is settled,
    /// `None` gives it up (its message was not written). Whoever settles the front
    /// of the line publishes, outside the lock, everything ready from there on. The
    /// answer resolves when a publication has gone out.
    pub(crate) fn settle(
        &self,
        channel_id: Uuid,
        id: Uuid,
        publication: Option<P>,
        publish: impl Fn(P),
    ) -> Option<oneshot::Receiver<()>> {
        let mut lines = self.lines.lock().expect("channel turns lock");
        let line = lines.get_mut(&channel_id)?;
        let at = line.open.iter().position(|(open, _)| *open == id)?;
        let mut answer = None;
        match publication {
            Some(publication) => {
                let (published, receiver) = oneshot::channel();
                line.open[at].1 = Some(Ready {
                    publication,
                    published,
                });
                answer = Some(receiver);
            }
            None => {
                line.open.remove(at);
            }
        }
        if line.publishing {
            return answer;
        }
        loop {
            let line = lines.get_mut(&channel_id).expect("a publishing line stays");
            if !line.open.front().is_some_and(|(_, ready)| ready.is_some()) {
                line.publishing = false;
                if line.open.is_empty() {
                    lines.remove(&channel_id);
                }
                return answer;
            }
            line.publishing = true;
            let (_, ready) = line.open.pop_front().expect("a ready front");
            let ready = ready.expect("a ready front");
            drop(lines);
            publish(ready.publication);
            // The sender may have gone away meanwhile: nobody to tell then.
            let _ = ready.published.send(());
            lines = self.lines.lock().expect("channel turns lock");
        }
    }
}

/// A new message's place in its channel's line; given up when dropped unpublished
/// (an error, or the request went away), so the messages behind it still go out.
pub(crate) struct MessageTicket<'a> {
    core: &'a Core,
    channel_id: Uuid,
    id: Uuid,
    settled: bool,
}

impl<'a> MessageTicket<'a> {
    pub(crate) fn take(core: &'a Core, channel_id: Uuid) -> MessageTicket<'a> {
        MessageTicket {
            core,
            channel_id,
            id: core.message_turns.take(channel_id),
            settled: false,
        }
    }

    /// The ID the new message is written with.
    pub(crate) fn id(&self) -> Uuid {
        self.id
    }

    /// Publishes the written (and committed) message in its turn, and returns once
    /// it has gone out: its sender learns of it no earlier than anyone else.
    pub(crate) async fn publish(mut self, message: MessageView, root: Option<MessageView>) {
        if let Some(published) = self.settle(Some((message, root))) {
            // Published even if this request goes away while it waits.
            let _ = published.await;
        }
    }

    fn settle(&mut self, publication: Option<Publication>) -> Option<oneshot::Receiver<()>> {
        self.settled = true;
        let core = self.core;
        core.message_turns
            .settle(self.channel_id, self.id, publication, |(message, root)| {
                core.publish_new_message(&message, root)
            })
    }
}

impl Drop for MessageTicket<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.settle(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[test]
    fn tickets_are_published_in_the_order_of_their_ids() {
        let turns = ChannelTurns::<&str>::default();
        let channel = Uuid::now_v7();
        let ids: Vec<Uuid> = (0..4).map(|_| turns.take(channel)).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        let out = RefCell::new(Vec::new());
        let publish = |p| out.borrow_mut().push(p);
        // The second and fourth are written first: nothing may go out yet.
        let mut b = turns.settle(channel, ids[1], Some("b"), publish).unwrap();
        let mut d = turns.settle(channel, ids[3], Some("d"), publish).unwrap();
        assert!(out.borrow().is_empty());
        assert!(b.try_recv().is_err());
        assert_eq!(turns.first_open(channel), Some(ids[0]));
        // The first is written: it and the second go out, the third still holds the fourth.
        let mut a = turns.settle(channel, ids[0], Some("a"), publish).unwrap();
        assert_eq!(*out.borrow(), ["a", "b"]);
        assert!(a.try_recv().is_ok() && b.try_recv().is_ok());
        assert!(d.try_recv().is_err());
        assert_eq!(turns.first_open(channel), Some(ids[2]));
        // The third fails: the fourth goes out and the line is gone.
        assert!(turns.settle(channel, ids[2], None, publish).is_none());
        assert_eq!(*out.borrow(), ["a", "b", "d"]);
        assert!(d.try_recv().is_ok());
        assert_eq!(turns.first_open(channel), None);
        assert!(turns.lines.lock().unwrap().is_empty());
    }

    #[test]
    fn channels_do_not_wait_for_each_other() {
        let turns = ChannelTurns::<u8>::default();
        let (one, two) = (Uuid::now_v7(), Uuid::now_v7());
        let first = turns.take(one);
        let second = turns.take(two);
        let out = RefCell::new(Vec::new());
        turns.settle(two, second, Some(2), |p| out.borrow_mut().push(p));
        assert_eq!(*out.borrow(), [2]);
        assert_eq!(turns.first_open(one), Some(first));
        assert_eq!(turns.first_open(two), None);
        assert_eq!(turns.horizon(one), first);
        // With nothing open, pages end above every ticket taken so far.
        assert!(turns.horizon(two) > second);
        assert!(turns.horizon(two) < turns.take(two));
    }

    #[test]
    fn what_becomes_ready_while_publishing_goes_out_with_it() {
        let turns = ChannelTurns::<u8>::default();
        let channel = Uuid::now_v7();
        let (a, b) = (turns.take(channel), turns.take(channel));
        let out = RefCell::new(Vec::new());
        // While the first is published, the second is settled by someone else: it
        // must wait for the publisher, who then sends it too.
        turns.settle(channel, a, Some(1), |p| {
            out.borrow_mut().push(p);
            if p == 1 {
                turns.settle(channel, b, Some(2), |_| panic!("published twice at once"));
                assert_eq!(*out.borrow(), [1]);
            }
        });
        assert_eq!(*out.borrow(), [1, 2]);
        assert_eq!(turns.first_open(channel), None);
    }
}
