//! A jitter buffer for one remote audio stream: packets arrive out of order, late or
//! not at all; playback takes exactly one frame every 20 ms. It holds a couple of
//! frames before it starts playing, gives packets back in sequence order, reports
//! gaps (with the next packet, whose FEC data rebuilds the lost frame), and drops
//! what is too old or piles up beyond its bound so the delay stays small.

use std::collections::BTreeMap;

use bytes::Bytes;

/// What playback gets for the next 20 ms.
#[derive(Debug, PartialEq, Eq)]
pub enum Playout {
    Packet(Bytes),
    /// The packet for this frame is missing; `next` is the one after it, if here.
    Lost {
        next: Option<Bytes>,
    },
    /// Nothing buffered (not started, or ran dry): play silence.
    Empty,
}

pub struct JitterBuffer {
    packets: BTreeMap<u64, Bytes>,
    /// Sequence number of the next frame to play, once playing.
    next: Option<u64>,
    /// Highest extended sequence number seen, to unwrap 16-bit RTP numbers.
    highest: Option<u64>,
    /// Frames held before playing starts (or restarts after running dry).
    target: usize,
    /// Frames held at most; older ones are skipped to catch up.
    limit: usize,
}

impl JitterBuffer {
    pub fn new(target: usize, limit: usize) -> JitterBuffer {
        JitterBuffer {
            packets: BTreeMap::new(),
            next: None,
            highest: None,
            target: target.max(1),
            limit: limit.max(target.max(1) + 1),
        }
    }

    pub fn len(&self) -> usize {
        self.packets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }

    /// A packet as it arrived, by its RTP sequence number.
    pub fn push(&mut self, sequence: u16, payload: Bytes) {
        let extended = self.extend(sequence);
        if self.next.is_some_and(|next| extended < next) {
            return; // its time has passed
        }
        self.packets.insert(extended, payload);
        while self.packets.len() > self.limit {
            let (oldest, _) = self.packets.pop_first().expect("not empty");
            self.next = self.next.map(|next| next.max(oldest + 1));
        }
    }

    /// The next frame's packet, every 20 ms.
    pub fn pop(&mut self) -> Playout {
        let next = match self.next {
            Some(next) => next,
            None if self.packets.len() >= self.target => {
                *self.packets.keys().next().expect("not empty")
            }
            None => return Playout::Empty,
        };
        if self.packets.is_empty() {
            self.next = None; // ran dry: buffer up again
            return Playout::Empty;
        }
        self.next = Some(next + 1);
        match self.packets.remove(&next) {
            Some(packet) => Playout::Packet(packet),
            None => Playout::Lost {
                next: self.packets.get(&(next + 1)).cloned(),
            },
        }
    }

    fn extend(&mut self, sequence: u16) -> u64 {
        let Some(highest) = self.highest else {
            // Start well above zero so that reordering around the first packet works.
            let extended = (1 << 16) + u64::from(sequence);
            self.highest = Some(extended);
            return extended;
        };
        let base = highest & !0xffff;
        let candidates = [base.wrapping_sub(1 << 16), base, base + (1 << 16)];
        let extended = candidates
            .into_iter()
            .map(|cycle| cycle | u64::from(sequence))
            .min_by_key(|value| value.abs_diff(highest))
            .expect("three candidates");
        self.highest = Some(highest.max(extended));
        extended
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(n: u16) -> Bytes {
        Bytes::from(n.to_be_bytes().to_vec())
    }

    #[test]
    fn waits_for_the_target_then_plays_in_order_despite_reordering() {
        let mut buffer = JitterBuffer::new(2, 10);
        buffer.push(11, packet(11));
        assert_eq!(buffer.pop(), Playout::Empty);
        buffer.push(10, packet(10));
        buffer.push(12, packet(12));
        assert_eq!(buffer.pop(), Playout::Packet(packet(10)));
        assert_eq!(buffer.pop(), Playout::Packet(packet(11)));
        assert_eq!(buffer.pop(), Playout::Packet(packet(12)));
        // Ran dry: silence until two are buffered again.
        assert_eq!(buffer.pop(), Playout::Empty);
        buffer.push(13, packet(13));
        assert_eq!(buffer.pop(), Playout::Empty);
        buffer.push(14, packet(14));
        assert_eq!(buffer.pop(), Playout::Packet(packet(13)));
    }

    #[test]
    fn a_gap_is_reported_with_the_packet_after_it_and_late_packets_are_dropped() {
        let mut buffer = JitterBuffer::new(1, 10);
        buffer.push(1, packet(1));
        buffer.push(3, packet(3));
        assert_eq!(buffer.pop(), Playout::Packet(packet(1)));
        assert_eq!(
            buffer.pop(),
            Playout::Lost {
                next: Some(packet(3))
            }
        );
        buffer.push(2, packet(2)); // too late
        assert_eq!(buffer.pop(), Playout::Packet(packet(3)));
        assert!(buffer.is_empty());
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut buffer = JitterBuffer::new(3, 10);
        buffer.push(65_535, packet(65_535));
        buffer.push(1, packet(1));
        buffer.push(0, packet(0));
        assert_eq!(buffer.pop(), Playout::Packet(packet(65_535)));
        assert_eq!(buffer.pop(), Playout::Packet(packet(0)));
        assert_eq!(buffer.pop(), Playout::Packet(packet(1)));
    }

    #[test]
    fn a_pile_up_is_cut_to_the_limit_by_skipping_the_oldest() {
        let mut buffer = JitterBuffer::new(2, 4);
        for n in 0..10 {
            buffer.push(n, packet(n));
        }
        assert_eq!(buffer.len(), 4);
        assert_eq!(buffer.pop(), Playout::Packet(packet(6)));
        buffer.push(11, packet(11));
        buffer.push(12, packet(12));
        // At the limit again: 7 is skipped, playing goes on from 8.
        assert_eq!(buffer.pop(), Playout::Packet(packet(8)));
    }
}
