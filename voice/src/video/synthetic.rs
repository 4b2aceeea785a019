//! Video without a camera: a test pattern (one colour with a moving bar, so every
//! frame differs) and a sink that counts what arrives per participant and slot.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;
use uuid::Uuid;

use super::{VideoFrame, VideoSink, VideoSlot, VideoSource};
use crate::lock;

pub struct TestPattern {
    background: VideoFrame,
    step: u32,
}

impl TestPattern {
    /// `yuv`: the background colour (the bar is white).
    pub fn new(width: u32, height: u32, yuv: (u8, u8, u8)) -> TestPattern {
        TestPattern {
            background: VideoFrame::filled(width, height, yuv),
            step: 0,
        }
    }
}

impl VideoSource for TestPattern {
    fn next_frame(&mut self) -> VideoFrame {
        let mut frame = self.background.clone();
        let (width, height) = (frame.width as usize, frame.height as usize);
        let bar = width / 16;
        let x0 = (self.step as usize * 4) % (width - bar);
        for row in frame.data[..width * height].chunks_mut(width) {
            row[x0..x0 + bar].fill(235);
        }
        self.step += 1;
        frame
    }
}

/// What arrived from one participant's slot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Received {
    pub frames: u64,
    pub last: Option<VideoFrame>,
}

/// Counts decoded frames per participant and slot, keeping the last one.
pub struct FrameCounter {
    seen: Mutex<HashMap<(Uuid, VideoSlot), Received>>,
    /// Bumped with every picture, for those waiting for one.
    pictures: watch::Sender<u64>,
}

impl Default for FrameCounter {
    fn default() -> FrameCounter {
        FrameCounter {
            seen: Mutex::default(),
            pictures: watch::Sender::new(0),
        }
    }
}

impl FrameCounter {
    /// Everything received so far, by participant and slot.
    pub fn all(&self) -> Vec<((Uuid, VideoSlot), Received)> {
        lock(&self.seen)
            .iter()
            .map(|(key, received)| (*key, received.clone()))
            .collect()
    }

    pub fn received(&self, from: Uuid, slot: VideoSlot) -> Received {
        lock(&self.seen)
            .get(&(from, slot))
            .cloned()
            .unwrap_or_default()
    }

    /// Waits (as long as it takes: wrap it in a timeout) until what arrived from
    /// `from`'s `slot` satisfies `done`, and returns it.
    pub async fn wait_until(
        &self,
        from: Uuid,
        slot: VideoSlot,
        done: impl Fn(&Received) -> bool,
    ) -> Received {
        let mut pictures = self.pictures.subscribe();
        loop {
            let received = self.received(from, slot);
            if done(&received) {
                return received;
            }
            // The sender lives as long as `self`: this only waits.
            let _ = pictures.changed().await;
        }
    }
}

impl VideoSink for FrameCounter {
    fn frame(&self, from: Uuid, slot: VideoSlot, frame: &VideoFrame) {
        let mut seen = lock(&self.seen);
        let entry = seen.entry((from, slot)).or_default();
        entry.frames += 1;
        entry.last = Some(frame.clone());
        drop(seen);
        self.pictures.send_modify(|count| *count += 1);
    }
}
