//! The others' cameras and screens for the webview. The engine's decoded pictures are
//! kept per tile, the newest only, and handed over as bytes (not JSON) when the
//! webview asks for a tile's next picture. The request waits for one newer than the
//! webview has, so a busy webview skips pictures instead of queueing them.
//!
//! A picture on the wire: a 16-byte header (sequence number as u64, width and height
//! as u32, all little-endian), then the I420 planes (Y, then U and V, each
//! `ceil(width/2) × ceil(height/2)`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chatalot_voice::video::{VideoFrame, VideoSink, VideoSlot};
use tokio::sync::watch;
use uuid::Uuid;

/// The header's length in bytes.
pub const HEADER_LEN: usize = 16;
/// Tiles one call keeps at most (a mesh call has a few dozen people at most, two each).
const MAX_TILES: usize = 256;

/// One encoded picture of a tile.
#[derive(Debug)]
pub struct Picture {
    pub seq: u64,
    pub bytes: Vec<u8>,
}

type Tile = watch::Sender<Option<Arc<Picture>>>;

/// The call's tiles (participant and slot) and their newest picture.
#[derive(Default)]
pub struct FrameBoard {
    tiles: Mutex<HashMap<(Uuid, VideoSlot), Tile>>,
    /// Numbers pictures across tiles and calls: a number the webview holds from an
    /// earlier call never hides a new picture.
    seq: AtomicU64,
}

impl FrameBoard {
    /// The first picture of a tile newer than `after`, waiting at most `wait` for one;
    /// `None` when none came, the tile is unknown and the board full, or the call ended.
    pub async fn next(
        &self,
        user_id: Uuid,
        slot: VideoSlot,
        after: u64,
        wait: Duration,
    ) -> Option<Arc<Picture>> {
        let mut receiver = {
            let mut tiles = self.lock();
            if !tiles.contains_key(&(user_id, slot)) && tiles.len() >= MAX_TILES {
                return None;
            }
            tiles
                .entry((user_id, slot))
                .or_insert_with(|| watch::channel(None).0)
                .subscribe()
        };
        let newer = receiver.wait_for(|picture| picture.as_ref().is_some_and(|p| p.seq > after));
        match tokio::time::timeout(wait, newer).await {
            Ok(Ok(picture)) => picture.clone(),
            // Timed out, or the board was cleared (the call ended).
            _ => None,
        }
    }

    /// Forgets every tile (the call ended): waiting requests return at once.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Uuid, VideoSlot), Tile>> {
        self.tiles.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl VideoSink for FrameBoard {
    fn frame(&self, from: Uuid, slot: VideoSlot, frame: &VideoFrame) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let picture = Arc::new(Picture {
            seq,
            bytes: encode(seq, frame),
        });
        let mut tiles = self.lock();
        if !tiles.contains_key(&(from, slot)) && tiles.len() >= MAX_TILES {
            return;
        }
        tiles
            .entry((from, slot))
            .or_insert_with(|| watch::channel(None).0)
            .send_replace(Some(picture));
    }
}

/// A picture as the webview reads it: the header, then the planes as decoded.
pub fn encode(seq: u64, frame: &VideoFrame) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER_LEN + frame.data.len());
    bytes.extend_from_slice(&seq.to_le_bytes());
    bytes.extend_from_slice(&frame.width.to_le_bytes());
    bytes.extend_from_slice(&frame.height.to_le_bytes());
    bytes.extend_from_slice(&frame.data);
    bytes
}

/// A slot as the webview names it.
pub fn parse_slot(slot: &str) -> Option<VideoSlot> {
    match slot {
        "camera" => Some(VideoSlot::Camera),
        "screen" => Some(VideoSlot::Screen),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOON: Duration = Duration::from_secs(5);

    #[test]
    fn a_picture_is_a_header_and_its_planes() {
        let frame = VideoFrame::filled(4, 2, (16, 128, 240));
        let bytes = encode(7, &frame);
        assert_eq!(bytes.len(), HEADER_LEN + 8 + 2 + 2);
        assert_eq!(&bytes[..8], &7u64.to_le_bytes());
        assert_eq!(&bytes[8..12], &4u32.to_le_bytes());
        assert_eq!(&bytes[12..16], &2u32.to_le_bytes());
        assert_eq!(&bytes[HEADER_LEN..], frame.data.as_slice());
    }

    #[test]
    fn slots_are_named_as_the_webview_names_them() {
        assert_eq!(parse_slot("camera"), Some(VideoSlot::Camera));
        assert_eq!(parse_slot("screen"), Some(VideoSlot::Screen));
        assert_eq!(parse_slot("Screen"), None);
    }

    #[tokio::test]
    async fn a_request_gets_the_newest_picture_it_has_not_seen() {
        let board = FrameBoard::default();
        let user = Uuid::now_v7();
        board.frame(
            user,
            VideoSlot::Camera,
            &VideoFrame::filled(2, 2, (1, 2, 3)),
        );
        board.frame(
            user,
            VideoSlot::Camera,
            &VideoFrame::filled(4, 4, (1, 2, 3)),
        );
        let newest = board.next(user, VideoSlot::Camera, 0, SOON).await.unwrap();
        assert_eq!(newest.seq, 2, "the older picture is skipped");
        assert_eq!(&newest.bytes[8..12], &4u32.to_le_bytes());
        // Nothing newer: the request waits, and gives up after its wait.
        let none = board
            .next(user, VideoSlot::Camera, 2, Duration::from_millis(20))
            .await;
        assert!(none.is_none());
        // Another slot of the same person is its own tile.
        let screen = board
            .next(user, VideoSlot::Screen, 0, Duration::from_millis(20))
            .await;
        assert!(screen.is_none());
    }

    /// A request for the first picture of a tile, waiting in its own task once this
    /// returns (the request has registered the tile).
    async fn waiting_request(
        board: &Arc<FrameBoard>,
        user: Uuid,
        slot: VideoSlot,
        wait: Duration,
    ) -> tokio::task::JoinHandle<Option<Arc<Picture>>> {
        let waiting = {
            let board = board.clone();
            tokio::spawn(async move { board.next(user, slot, 0, wait).await })
        };
        // On this single-threaded runtime the request runs as soon as this task yields.
        while !board.lock().contains_key(&(user, slot)) {
            tokio::task::yield_now().await;
        }
        waiting
    }

    #[tokio::test]
    async fn a_waiting_request_wakes_for_the_next_picture() {
        let board = Arc::new(FrameBoard::default());
        let user = Uuid::now_v7();
        let waiting = waiting_request(&board, user, VideoSlot::Screen, SOON).await;
        board.frame(
            user,
            VideoSlot::Screen,
            &VideoFrame::filled(2, 2, (9, 9, 9)),
        );
        let picture = waiting.await.unwrap().expect("the new picture");
        assert_eq!(picture.seq, 1);
    }

    #[tokio::test]
    async fn clearing_ends_waiting_requests_at_once() {
        let board = Arc::new(FrameBoard::default());
        let user = Uuid::now_v7();
        let waiting =
            waiting_request(&board, user, VideoSlot::Camera, Duration::from_secs(3600)).await;
        board.clear();
        assert!(waiting.await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_board_holds_a_bounded_number_of_tiles() {
        let board = FrameBoard::default();
        let frame = VideoFrame::filled(2, 2, (0, 0, 0));
        for _ in 0..MAX_TILES {
            board.frame(Uuid::now_v7(), VideoSlot::Camera, &frame);
        }
        let stranger = Uuid::now_v7();
        board.frame(stranger, VideoSlot::Camera, &frame);
        assert_eq!(board.lock().len(), MAX_TILES);
        assert!(
            board
                .next(stranger, VideoSlot::Camera, 0, SOON)
                .await
                .is_none(),
            "an unknown tile on a full board answers at once"
        );
    }
}
