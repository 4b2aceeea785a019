//! The call's video: the camera's clock (a picture every 1/fps s, encoded once, sent
//! to every connected peer on its camera track) and the receiving side (one task per
//! remote video track: RTP → whole VP8 frames → decoder → the call's video sink).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use rtc::media::io::sample_builder::SampleBuilder;
use rtc::peer_connection::configuration::media_engine::MIME_TYPE_VP8;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp::codec::vp8::Vp8Packet;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};
use tokio::time::MissedTickBehavior;
use uuid::Uuid;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::PeerConnection;

use super::clock::Peers;
use super::outgoing::OutgoingTrack;
use crate::video::codec::{Vp8Decoder, Vp8Encoder};
use crate::video::{
    CAMERA_FPS, CAMERA_HEIGHT, CAMERA_KBPS, CAMERA_WIDTH, VideoSink, VideoSlot, VideoSource,
};

/// VP8's RTP clock.
const VIDEO_CLOCK_RATE: u32 = 90_000;
/// At most one picture-loss request per this long (the sender answers with a key frame).
const PLI_INTERVAL: Duration = Duration::from_millis(500);

/// The call's video, as the session and its peers see it.
pub(crate) struct VideoContext {
    /// With a camera: set to ask the camera's clock for a key frame (someone connected).
    pub keyframe_wanted: Option<Arc<AtomicBool>>,
    /// The camera's clock, stopped with the call.
    pub task: Option<tokio::task::JoinHandle<()>>,
    /// Where the others' pictures go (none: video is not received).
    pub sink: Option<Arc<dyn VideoSink>>,
}

/// The camera as sent to one peer: VP8.
pub(crate) fn camera_track(user_id: Uuid) -> Result<OutgoingTrack, webrtc::error::Error> {
    OutgoingTrack::new(
        user_id,
        "camera",
        RtpCodecKind::Video,
        RTCRtpCodec {
            mime_type: MIME_TYPE_VP8.to_owned(),
            clock_rate: VIDEO_CLOCK_RATE,
            channels: 0,
            sdp_fmtp_line: String::new(),
            rtcp_feedback: vec![],
        },
    )
}

/// The camera's clock: runs until the call ends (the task is aborted).
pub(crate) async fn run_camera(
    mut source: Box<dyn VideoSource>,
    peers: Peers,
    keyframe_wanted: Arc<AtomicBool>,
) {
    let mut encoder = match Vp8Encoder::new(CAMERA_WIDTH, CAMERA_HEIGHT, CAMERA_FPS, CAMERA_KBPS) {
        Ok(encoder) => encoder,
        Err(error) => {
            tracing::warn!("voice: no camera video: {error}");
            return;
        }
    };
    let period = Duration::from_secs(1) / CAMERA_FPS;
    let mut interval = tokio::time::interval(period);
    // A slow machine sends fewer pictures rather than a burst of old ones.
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        if keyframe_wanted.swap(false, Ordering::Relaxed) {
            encoder.request_keyframe();
        }
        let frame = source.next_frame();
        let packets = match encoder.encode(&frame) {
            Ok(packets) => packets,
            Err(error) => {
                tracing::warn!("voice: cannot encode the camera: {error}");
                continue;
            }
        };
        let peers = peers.snapshot();
        for packet in &packets {
            for peer in &peers {
                peer.send_video(packet, period).await;
            }
        }
    }
}

/// Receives one remote video track until it ends: whole frames from RTP, decoded,
/// to `sink`; a lost picture asks the sender for a key frame.
pub(crate) async fn receive(
    track: Arc<dyn TrackRemote>,
    pc: Weak<dyn PeerConnection>,
    from: Uuid,
    sink: Arc<dyn VideoSink>,
) {
    let mut builder = SampleBuilder::new(128, Vp8Packet::default(), VIDEO_CLOCK_RATE);
    let mut decoder = match Vp8Decoder::new() {
        Ok(decoder) => decoder,
        Err(error) => {
            tracing::warn!(peer = %from, "voice: no video decoder: {error}");
            return;
        }
    };
    let mut slot = VideoSlot::Camera;
    let mut media_ssrc = 0;
    let mut last_pli: Option<Instant> = None;
    while let Some(event) = track.poll().await {
        match event {
            TrackRemoteEvent::OnOpen(init) => {
                media_ssrc = init.ssrc;
                if let Some(pc) = pc.upgrade() {
                    slot = slot_of(pc.as_ref(), init.receiver_id).await;
                }
            }
            TrackRemoteEvent::OnRtpPacket(packet) => {
                let now = Instant::now();
                builder.push(now, packet);
                while let Some(sample) = builder.pop(now) {
                    match decoder.decode(&sample.data) {
                        Ok(Some(frame)) => sink.frame(from, slot, &frame),
                        Ok(None) => {}
                        Err(error) => {
                            tracing::debug!(peer = %from, "voice: undecodable video: {error}");
                            if last_pli.is_none_or(|at| now - at >= PLI_INTERVAL) {
                                last_pli = Some(now);
                                let pli = PictureLossIndication {
                                    sender_ssrc: 0,
                                    media_ssrc,
                                };
                                let _ = track.write_rtcp(vec![Box::new(pli)]).await;
                            }
                        }
                    }
                }
            }
            TrackRemoteEvent::OnEnded => break,
            _ => {}
        }
    }
}

/// Which slot a receiver belongs to: the browser's layout has the camera on the
/// first video m-line and the screen on the second.
async fn slot_of(
    pc: &dyn PeerConnection,
    receiver: rtc::rtp_transceiver::RTCRtpReceiverId,
) -> VideoSlot {
    let mut video = Vec::new();
    for transceiver in pc.get_transceivers().await {
        let Ok(Some(r)) = transceiver.receiver().await else {
            continue;
        };
        if r.track().kind().await != RtpCodecKind::Video {
            continue;
        }
        let mid = transceiver.mid().await.ok().flatten().unwrap_or_default();
        video.push((mid.parse::<u32>().unwrap_or(u32::MAX), r.id()));
    }
    video.sort_by_key(|(mid, _)| *mid);
    match video.iter().position(|(_, id)| *id == receiver) {
        Some(1) => VideoSlot::Screen,
        _ => VideoSlot::Camera,
    }
}
