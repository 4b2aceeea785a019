//! A peer's media as the call's audio clock sees it: the local track it sends on,
//! and the remote audio (jitter buffer, Opus decoder, speaking detector, volume).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use bytes::Bytes;
use rtc::peer_connection::configuration::media_engine::MIME_TYPE_OPUS;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};
use uuid::Uuid;

use super::outgoing::OutgoingTrack;
use super::video::camera_track;
use crate::audio::codec::Decoder;
use crate::audio::jitter::{JitterBuffer, Playout};
use crate::audio::level::SpeakingDetector;
use crate::audio::{FRAME_DURATION, SAMPLE_RATE};
use crate::lock;

/// Frames buffered before playing: 40 ms absorbs the usual jitter on a relay.
const JITTER_TARGET_FRAMES: usize = 2;
/// Frames held at most (200 ms) before the oldest are skipped.
const JITTER_LIMIT_FRAMES: usize = 10;

pub(crate) struct PeerMedia {
    pub user_id: Uuid,
    /// The microphone as sent to this peer.
    pub audio: OutgoingTrack,
    connected: AtomicBool,
    remote: Mutex<RemoteAudio>,
    /// Linear gain as `f32` bits (1.0 by default).
    volume: AtomicU32,
    /// The camera as sent to this peer: the track always exists (the camera slot is
    /// always negotiated), pictures flow while the camera is on.
    pub camera: OutgoingTrack,
}

struct RemoteAudio {
    jitter: JitterBuffer,
    decoder: Decoder,
    speaking: SpeakingDetector,
}

impl PeerMedia {
    pub fn new(user_id: Uuid) -> Result<PeerMedia, webrtc::error::Error> {
        let audio = OutgoingTrack::new(
            user_id,
            "microphone",
            RtpCodecKind::Audio,
            RTCRtpCodec {
                mime_type: MIME_TYPE_OPUS.to_owned(),
                clock_rate: SAMPLE_RATE,
                channels: 2,
                sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
                rtcp_feedback: vec![],
            },
        )?;
        let decoder = Decoder::new()
            .map_err(|e| webrtc::error::Error::Other(format!("Opus decoder: {e}")))?;
        Ok(PeerMedia {
            user_id,
            audio,
            connected: AtomicBool::new(false),
            remote: Mutex::new(RemoteAudio {
                jitter: JitterBuffer::new(JITTER_TARGET_FRAMES, JITTER_LIMIT_FRAMES),
                decoder,
                speaking: SpeakingDetector::default(),
            }),
            volume: AtomicU32::new(1.0f32.to_bits()),
            camera: camera_track(user_id)?,
        })
    }

    pub fn set_connected(&self, connected: bool) {
        self.connected.store(connected, Ordering::Relaxed);
    }

    pub fn set_volume(&self, volume: f32) {
        self.volume
            .store(volume.clamp(0.0, 2.0).to_bits(), Ordering::Relaxed);
    }

    /// Sends one encoded frame, once connected and negotiated.
    pub async fn send_audio(&self, packet: &Bytes) {
        if self.connected.load(Ordering::Relaxed) {
            self.audio.send(packet, FRAME_DURATION).await;
        }
    }

    /// Sends one encoded camera picture, once connected (and negotiated).
    pub async fn send_video(&self, frame: &Bytes, duration: std::time::Duration) {
        if self.connected.load(Ordering::Relaxed) {
            self.camera.send(frame, duration).await;
        }
    }

    pub fn received_audio(&self, sequence: u16, payload: Bytes) {
        lock(&self.remote).jitter.push(sequence, payload);
    }

    /// The next 20 ms of this peer's audio, added into `mix` at its volume; `Some`
    /// when they started or stopped speaking.
    pub fn play_into(&self, mix: &mut [f32], scratch: &mut [f32]) -> Option<bool> {
        let mut remote = lock(&self.remote);
        let RemoteAudio {
            jitter,
            decoder,
            speaking,
        } = &mut *remote;
        let decoded = match jitter.pop() {
            Playout::Packet(packet) => decoder.decode(&packet, scratch),
            Playout::Lost { next } => decoder.conceal(next.as_deref(), scratch),
            Playout::Empty => {
                scratch.fill(0.0);
                Ok(())
            }
        };
        if let Err(error) = decoded {
            tracing::debug!(peer = %self.user_id, "voice: undecodable audio: {error}");
            scratch.fill(0.0);
        }
        let change = speaking.update(scratch);
        let volume = f32::from_bits(self.volume.load(Ordering::Relaxed));
        for (out, sample) in mix.iter_mut().zip(scratch.iter()) {
            *out += sample * volume;
        }
        change
    }
}
