//! The call's audio clock: every 20 ms it reads a frame from the source, encodes it
//! once and sends it to every connected peer, then plays each peer's next frame
//! from its jitter buffer, mixed at its volume, into the sink.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;
use uuid::Uuid;

use super::media::PeerMedia;
use super::{CallEvent, Media, Switches};
use crate::audio::codec::Encoder;
use crate::audio::level::SpeakingDetector;
use crate::audio::{FRAME_DURATION, FRAME_SAMPLES};

/// The peers the clock serves, shared with the session that adds and removes them.
#[derive(Clone, Default)]
pub(crate) struct Peers(Arc<Mutex<Vec<Arc<PeerMedia>>>>);

impl Peers {
    pub fn insert(&self, media: Arc<PeerMedia>) {
        let mut peers = self.lock();
        peers.retain(|peer| peer.user_id != media.user_id);
        peers.push(media);
    }

    pub fn remove(&self, user_id: Uuid) {
        self.lock().retain(|peer| peer.user_id != user_id);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn snapshot(&self) -> Vec<Arc<PeerMedia>> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<PeerMedia>>> {
        crate::lock(&self.0)
    }
}

pub(crate) async fn run(
    user_id: Uuid,
    mut media: Media,
    mut encoder: Encoder,
    peers: Peers,
    switches: Arc<Switches>,
    events: mpsc::UnboundedSender<CallEvent>,
) {
    let mut interval = tokio::time::interval(FRAME_DURATION);
    // A late tick is made up at once: the far side's jitter buffer evens it out.
    interval.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut frame = vec![0.0f32; FRAME_SAMPLES];
    let mut mix = vec![0.0f32; FRAME_SAMPLES];
    let mut scratch = vec![0.0f32; FRAME_SAMPLES];
    let mut own_voice = SpeakingDetector::default();
    loop {
        interval.tick().await;
        let deaf = switches.deaf.load(Ordering::Relaxed);
        media.source.read(&mut frame);
        if deaf || switches.mute.load(Ordering::Relaxed) {
            // Silence keeps packets flowing, so the path (and a relay) stays warm.
            frame.fill(0.0);
        }
        if let Some(speaking) = own_voice.update(&frame) {
            let _ = events.send(CallEvent::Speaking { user_id, speaking });
        }
        let packet = match encoder.encode(&frame) {
            Ok(packet) => Bytes::from(packet),
            Err(error) => {
                tracing::warn!("voice: cannot encode audio: {error}");
                continue;
            }
        };
        let peers = peers.snapshot();
        for peer in &peers {
            peer.send_audio(&packet).await;
        }
        mix.fill(0.0);
        for peer in &peers {
            if let Some(speaking) = peer.play_into(&mut mix, &mut scratch) {
                let user_id = peer.user_id;
                let _ = events.send(CallEvent::Speaking { user_id, speaking });
            }
        }
        if deaf {
            mix.fill(0.0);
        }
        for sample in &mut mix {
            *sample = sample.clamp(-1.0, 1.0);
        }
        media.sink.write(&mix);
    }
}
