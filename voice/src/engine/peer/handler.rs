//! The peer connection's callbacks.

use std::sync::{Arc, OnceLock, Weak};

use tokio::sync::mpsc;
use uuid::Uuid;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionEventHandler, RTCIceConnectionState, RTCIceGatheringState,
    RTCPeerConnectionIceEvent, RTCPeerConnectionState,
};

use super::PeerInput;
use crate::engine::media::PeerMedia;
use crate::engine::video;
use crate::signalling::wire::{ClientFrame, Signal};
use crate::video::VideoSink;

/// The peer connection's callbacks: inputs for the task, candidates straight out,
/// remote audio into the jitter buffer.
pub(super) struct Handler {
    pub(super) inputs: mpsc::UnboundedSender<PeerInput>,
    pub(super) signals: mpsc::UnboundedSender<ClientFrame>,
    pub(super) channel_id: Uuid,
    pub(super) to: Uuid,
    pub(super) media: Arc<PeerMedia>,
    pub(super) video_sink: Option<Arc<dyn VideoSink>>,
    /// The connection itself, set once built (to tell a video track's slot).
    pub(super) pc: OnceLock<Weak<dyn PeerConnection>>,
}

impl Handler {
    fn candidate(&self, candidate: Signal) {
        let _ = self.signals.send(ClientFrame::VoiceSignal {
            channel_id: self.channel_id,
            to_user_id: self.to,
            signal: candidate,
        });
    }
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_negotiation_needed(&self) {
        let _ = self.inputs.send(PeerInput::NegotiationNeeded);
    }

    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        let Ok(init) = event.candidate.to_json() else {
            return;
        };
        // With one bundled transport every candidate belongs to the first m-line;
        // browsers find it by index (an empty mid would name no m-line).
        self.candidate(Signal::Candidate {
            candidate: init.candidate,
            sdp_mid: init.sdp_mid.filter(|mid| !mid.is_empty()),
            sdp_m_line_index: init.sdp_mline_index,
            username_fragment: init.username_fragment,
        });
    }

    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            self.candidate(Signal::Candidate {
                candidate: String::new(),
                sdp_mid: None,
                sdp_m_line_index: Some(0),
                username_fragment: None,
            });
        }
    }

    async fn on_ice_connection_state_change(&self, state: RTCIceConnectionState) {
        let _ = self.inputs.send(PeerInput::IceState(state));
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.inputs.send(PeerInput::Connection(state));
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        if track.kind().await != rtc::rtp_transceiver::rtp_sender::RtpCodecKind::Audio {
            if let (Some(sink), Some(pc)) = (&self.video_sink, self.pc.get()) {
                let receiving = video::receive(track, pc.clone(), self.to, sink.clone());
                tokio::spawn(receiving);
            }
            return;
        }
        let media = self.media.clone();
        tokio::spawn(async move {
            while let Some(event) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(packet) = event {
                    media.received_audio(packet.header.sequence_number, packet.payload);
                }
            }
        });
    }
}
