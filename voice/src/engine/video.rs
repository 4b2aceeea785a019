//! The call's video: the camera's clock (a picture every 1/fps s, encoded once, sent
//! to every connected peer on its camera track) and the receiving side (one task per
//! remote video track: RTP → whole VP8 or H.264 frames → decoder → the call's video
//! sink).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use rtc::media::io::sample_builder::SampleBuilder;
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_H264, MIME_TYPE_VP8};
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp::codec::h264::H264Packet;
use rtc::rtp::codec::vp8::Vp8Packet;
use rtc::rtp::packetizer::Depacketizer;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};
use tokio::time::MissedTickBehavior;
use uuid::Uuid;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::PeerConnection;

use super::clock::Peers;
use super::outgoing::OutgoingTrack;
use crate::video::codec::{VideoError, Vp8Decoder, Vp8Encoder};
use crate::video::h264::H264Decoder;
use crate::video::{
    CAMERA_FPS, CAMERA_HEIGHT, CAMERA_KBPS, CAMERA_WIDTH, VideoFrame, VideoSink, VideoSlot,
    VideoSource,
};

/// Video's RTP clock (VP8, H.264).
const VIDEO_CLOCK_RATE: u32 = 90_000;
/// How many packets a frame may wait for a late one before it is given up.
const MAX_LATE: u16 = 128;
/// At most one picture-loss request per this long (the sender answers with a key frame).
const PLI_INTERVAL: Duration = Duration::from_millis(500);

/// The call's video, as the session and its peers see it.
pub(crate) struct VideoContext {
    /// Set to ask the camera's clock for a key frame (someone connected).
    pub keyframe_wanted: Arc<AtomicBool>,
    /// The camera's clock while the camera is on, stopped with the call.
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

/// A remote track's depacketizer and decoder, by its codec.
enum Incoming {
    Vp8(SampleBuilder<Vp8Packet>, Vp8Decoder),
    H264(SampleBuilder<H264Packet>, H264Decoder),
}

impl Incoming {
    /// For a track of `mime_type`: VP8 or H.264 (a peer may negotiate either).
    fn for_codec(mime_type: &str) -> Result<Incoming, VideoError> {
        if mime_type.eq_ignore_ascii_case(MIME_TYPE_VP8) {
            let builder = SampleBuilder::new(MAX_LATE, Vp8Packet::default(), VIDEO_CLOCK_RATE);
            Ok(Incoming::Vp8(builder, Vp8Decoder::new()?))
        } else if mime_type.eq_ignore_ascii_case(MIME_TYPE_H264) {
            let builder = SampleBuilder::new(MAX_LATE, H264Packet::default(), VIDEO_CLOCK_RATE);
            Ok(Incoming::H264(builder, H264Decoder::new()?))
        } else {
            Err(VideoError(format!("{mime_type} is not decoded here")))
        }
    }

    /// Takes a packet; the pictures of the frames it completed, or why one failed.
    fn push(
        &mut self,
        now: Instant,
        packet: rtc::rtp::Packet,
    ) -> Vec<Result<VideoFrame, VideoError>> {
        match self {
            Incoming::Vp8(builder, decoder) => {
                completed(builder, now, packet, |data| decoder.decode(data))
            }
            Incoming::H264(builder, decoder) => {
                completed(builder, now, packet, |data| decoder.decode(data))
            }
        }
    }
}

/// Adds a packet to a frame builder and decodes every frame it completed.
fn completed<T: Depacketizer>(
    builder: &mut SampleBuilder<T>,
    now: Instant,
    packet: rtc::rtp::Packet,
    mut decode: impl FnMut(&[u8]) -> Result<Option<VideoFrame>, VideoError>,
) -> Vec<Result<VideoFrame, VideoError>> {
    builder.push(now, packet);
    let mut pictures = Vec::new();
    while let Some(sample) = builder.pop(now) {
        pictures.extend(decode(&sample.data).transpose());
    }
    pictures
}

/// Receives one remote video track until it ends: whole frames from RTP, decoded
/// (VP8 or H.264), to `sink`; a lost picture asks the sender for a key frame.
pub(crate) async fn receive(
    track: Arc<dyn TrackRemote>,
    pc: Weak<dyn PeerConnection>,
    from: Uuid,
    sink: Arc<dyn VideoSink>,
) {
    let mut incoming: Option<Incoming> = None;
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
                let codec = track.codec(init.ssrc).await.map(|codec| codec.mime_type);
                match Incoming::for_codec(codec.as_deref().unwrap_or_default()) {
                    Ok(decoding) => incoming = Some(decoding),
                    Err(error) => {
                        tracing::warn!(peer = %from, "voice: video not shown: {error}");
                        return;
                    }
                }
            }
            TrackRemoteEvent::OnRtpPacket(packet) => {
                let Some(incoming) = incoming.as_mut() else {
                    continue;
                };
                let now = Instant::now();
                for picture in incoming.push(now, packet) {
                    match picture {
                        Ok(frame) => sink.frame(from, slot, &frame),
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

/// Which slot a receiver belongs to. The slots are the m-lines of the negotiation,
/// in order (audio, camera, screen), whoever offered: the transceiver's mid names its
/// m-line in the description. (Neither transceiver order nor mid values tell it: the
/// crate lists transceivers unordered, and a browser's mids need not be numbers.)
async fn slot_of(
    pc: &dyn PeerConnection,
    receiver: rtc::rtp_transceiver::RTCRtpReceiverId,
) -> VideoSlot {
    let id = rtc::rtp_transceiver::RTCRtpTransceiverId::from(receiver);
    let mut mid = None;
    for transceiver in pc.get_transceivers().await {
        if transceiver.id() == id {
            mid = transceiver.mid().await.ok().flatten();
            break;
        }
    }
    let description = match pc.remote_description().await {
        Some(description) => Some(description),
        None => pc.local_description().await,
    };
    let line = mid
        .zip(description)
        .and_then(|(mid, description)| m_line_of(&description.sdp, &mid));
    slot_at(line)
}

/// The video slot of an m-line index: the camera's unless it is the screen's.
fn slot_at(m_line: Option<usize>) -> VideoSlot {
    match m_line {
        Some(2) => VideoSlot::Screen,
        _ => VideoSlot::Camera,
    }
}

/// The index of the m-line whose `a=mid:` is `mid` in a session description.
fn m_line_of(sdp: &str, mid: &str) -> Option<usize> {
    let mut index = None;
    for line in sdp.lines() {
        if line.starts_with("m=") {
            index = Some(index.map_or(0, |i: usize| i + 1));
        } else if line.strip_prefix("a=mid:").map(str::trim) == Some(mid) {
            return index;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDP: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
        a=group:BUNDLE 0 a1 10\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:a1\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:10\r\n";

    #[test]
    fn a_mid_names_its_m_line_whatever_its_value() {
        assert_eq!(m_line_of(SDP, "0"), Some(0));
        assert_eq!(m_line_of(SDP, "a1"), Some(1));
        assert_eq!(m_line_of(SDP, "10"), Some(2));
        assert_eq!(m_line_of(SDP, "1"), None);
    }

    #[test]
    fn the_third_m_line_is_the_screen_and_anything_else_the_camera() {
        assert_eq!(slot_at(Some(1)), VideoSlot::Camera);
        assert_eq!(slot_at(Some(2)), VideoSlot::Screen);
        assert_eq!(slot_at(None), VideoSlot::Camera);
    }
}
