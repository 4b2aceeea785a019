//! A peer's negotiation, one input at a time: perfect negotiation, answers on the
//! offered slots, ICE restarts.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8};
use tokio::sync::mpsc;
use uuid::Uuid;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::peer_connection::{
    PeerConnection, RTCIceCandidateInit, RTCIceConnectionState, RTCPeerConnectionState, RTCSdpType,
    RTCSessionDescription,
};
use webrtc::rtp_transceiver::RtpSender;

use super::{DISCONNECTED_RESTART, PeerInput, PeerState, RESTART_INTERVAL, configuration};
use crate::engine::media::PeerMedia;
use crate::signalling::wire::{ClientFrame, Signal};

pub(super) struct PeerTask {
    pub(super) pc: Arc<dyn PeerConnection>,
    pub(super) user_id: Uuid,
    pub(super) call_session_id: Uuid,
    pub(super) polite: bool,
    pub(super) signals: mpsc::UnboundedSender<ClientFrame>,
    pub(super) states: mpsc::UnboundedSender<(Uuid, Uuid, PeerState)>,
    pub(super) channel_id: Uuid,
    pub(super) relay_only: bool,
    pub(super) inputs: mpsc::UnboundedSender<PeerInput>,
    pub(super) media: Arc<PeerMedia>,
    pub(super) audio_sender: Option<Arc<dyn RtpSender>>,
    pub(super) video_sender: Option<Arc<dyn RtpSender>>,
    /// Asks the camera's clock for a key frame when this peer connects.
    pub(super) keyframe_wanted: Arc<AtomicBool>,
    /// No offer of ours or theirs is pending.
    pub(super) stable: bool,
    /// Something changed while an offer was pending: offer again once stable.
    pub(super) negotiation_pending: bool,
    pub(super) restarts: u32,
    pub(super) last_restart: Option<Instant>,
    pub(super) state: PeerState,
}

impl PeerTask {
    pub(super) async fn run(mut self, mut queued: mpsc::UnboundedReceiver<PeerInput>) {
        while let Some(input) = queued.recv().await {
            tracing::debug!(peer = %self.user_id, input = input.name(), "voice: peer input");
            let result = match input {
                PeerInput::Close => break,
                PeerInput::Remote(signal) => self.remote(signal).await,
                // Raised again for changes the pending offer or answer already
                // carries (this engine changes media only by replacing tracks).
                PeerInput::NegotiationNeeded if !self.stable => Ok(()),
                PeerInput::NegotiationNeeded => self.negotiate(false).await,
                PeerInput::IceState(state) => {
                    tracing::debug!(peer = %self.user_id, "voice: ICE {state}");
                    self.ice_changed(state).await
                }
                PeerInput::Connection(state) => {
                    tracing::debug!(peer = %self.user_id, "voice: connection {state}");
                    self.connection_changed(state).await;
                    Ok(())
                }
                PeerInput::StillDisconnected(restarts) => {
                    if restarts == self.restarts && self.state == PeerState::Reconnecting {
                        self.restart_ice().await
                    } else {
                        Ok(())
                    }
                }
                PeerInput::ConnectTimeout => {
                    if self.state == PeerState::Connecting {
                        self.set_state(PeerState::Failed);
                    }
                    Ok(())
                }
                PeerInput::IceServers(ice) => {
                    self.pc
                        .set_configuration(configuration(&ice, self.relay_only))
                        .await
                }
            };
            if let Err(error) = result {
                tracing::warn!(peer = %self.user_id, "voice: negotiation step failed: {error}");
            }
        }
        self.media.set_connected(false);
        let _ = self.pc.close().await;
    }

    async fn remote(&mut self, signal: Signal) -> webrtc::error::Result<()> {
        let (kind, sdp) = match signal {
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
                username_fragment,
            } => {
                if candidate.is_empty() {
                    return Ok(()); // end of candidates: nothing to do here
                }
                let init = RTCIceCandidateInit {
                    candidate,
                    sdp_mid,
                    sdp_mline_index: sdp_m_line_index,
                    username_fragment,
                    url: None,
                };
                if let Err(error) = self.pc.add_ice_candidate(init).await {
                    // Candidates of an offer we ignored are expected to fail.
                    tracing::debug!(peer = %self.user_id, "voice: candidate refused: {error}");
                }
                return Ok(());
            }
            Signal::Offer { sdp } => (RTCSdpType::Offer, sdp),
            Signal::Answer { sdp } => (RTCSdpType::Answer, sdp),
        };
        if kind == RTCSdpType::Answer {
            if self.stable {
                return Ok(()); // an answer to an offer we rolled back
            }
            self.pc
                .set_remote_description(RTCSessionDescription::answer(sdp)?)
                .await?;
            self.stable = true;
            return self.negotiated().await;
        }
        if !self.stable {
            // Two offers crossed: the impolite side keeps its own.
            if !self.polite {
                return Ok(());
            }
            self.pc
                .set_local_description(RTCSessionDescription::rollback(None)?)
                .await?;
            self.stable = true;
            self.negotiation_pending = true;
        }
        self.pc
            .set_remote_description(RTCSessionDescription::offer(sdp)?)
            .await?;
        self.stable = false;
        if self.audio_sender.is_none() {
            // Send on the offer's audio slot (the first audio transceiver).
            let track: Arc<dyn TrackLocal> = self.media.audio.local_track();
            self.audio_sender = Some(self.pc.add_track(track).await?);
        }
        if self.video_sender.is_none() {
            // Send on the offer's camera slot (its first video transceiver).
            let track: Arc<dyn TrackLocal> = self.media.camera.local_track();
            self.video_sender = Some(self.pc.add_track(track).await?);
        }
        let answer = self.pc.create_answer(None).await?;
        self.pc.set_local_description(answer).await?;
        if let Some(answer) = self.pc.local_description().await {
            self.signal(Signal::Answer { sdp: answer.sdp });
        }
        self.stable = true;
        self.negotiated().await
    }

    /// Offers (again): a change of media, or a new ICE path when `ice_restart`.
    async fn negotiate(&mut self, ice_restart: bool) -> webrtc::error::Result<()> {
        if !self.stable {
            self.negotiation_pending = true;
            return Ok(());
        }
        let options = rtc::peer_connection::configuration::RTCOfferOptions { ice_restart };
        let offer = self.pc.create_offer(Some(options)).await?;
        self.pc.set_local_description(offer).await?;
        self.stable = false;
        if let Some(offer) = self.pc.local_description().await {
            self.signal(Signal::Offer { sdp: offer.sdp });
        }
        Ok(())
    }

    /// A negotiation finished: learn the payload type to send with, and offer again
    /// if something changed meanwhile.
    async fn negotiated(&mut self) -> webrtc::error::Result<()> {
        // The payload type of the codec each track is encoded in, whichever the peer
        // listed first (a peer that prefers H.264 still gets VP8 it can decode).
        if let Some(sender) = &self.audio_sender
            && let Some(payload_type) = payload_type_of(sender.as_ref(), MIME_TYPE_OPUS).await?
        {
            self.media.audio.set_payload_type(payload_type);
        }
        if let Some(sender) = &self.video_sender
            && let Some(payload_type) = payload_type_of(sender.as_ref(), MIME_TYPE_VP8).await?
        {
            self.media.camera.set_payload_type(payload_type);
        }
        if std::mem::take(&mut self.negotiation_pending) {
            return self.negotiate(false).await;
        }
        Ok(())
    }

    async fn ice_changed(&mut self, state: RTCIceConnectionState) -> webrtc::error::Result<()> {
        match state {
            RTCIceConnectionState::Failed => {
                self.set_state(PeerState::Reconnecting);
                self.restart_ice().await
            }
            RTCIceConnectionState::Disconnected => {
                self.set_state(PeerState::Reconnecting);
                let (inputs, restarts) = (self.inputs.clone(), self.restarts);
                tokio::spawn(async move {
                    tokio::time::sleep(DISCONNECTED_RESTART).await;
                    let _ = inputs.send(PeerInput::StillDisconnected(restarts));
                });
                Ok(())
            }
            _ => Ok(()),
        }
    }

    async fn restart_ice(&mut self) -> webrtc::error::Result<()> {
        let now = Instant::now();
        if self
            .last_restart
            .is_some_and(|last| now - last < RESTART_INTERVAL)
        {
            // Too soon: look again when the interval has passed.
            let (inputs, restarts) = (self.inputs.clone(), self.restarts);
            tokio::spawn(async move {
                tokio::time::sleep(RESTART_INTERVAL).await;
                let _ = inputs.send(PeerInput::StillDisconnected(restarts));
            });
            return Ok(());
        }
        self.last_restart = Some(now);
        self.restarts += 1;
        tracing::info!(peer = %self.user_id, "voice: restarting ICE");
        self.negotiate(true).await
    }

    async fn connection_changed(&mut self, state: RTCPeerConnectionState) {
        match state {
            RTCPeerConnectionState::Connected => {
                self.media.set_connected(true);
                // The newcomer needs a picture to start from.
                self.keyframe_wanted
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                self.set_state(PeerState::Connected);
            }
            RTCPeerConnectionState::Failed => self.set_state(PeerState::Failed),
            _ => {}
        }
    }

    fn set_state(&mut self, state: PeerState) {
        if self.state != state {
            self.state = state;
            let _ = self
                .states
                .send((self.user_id, self.call_session_id, state));
        }
    }

    fn signal(&self, signal: Signal) {
        let _ = self.signals.send(ClientFrame::VoiceSignal {
            channel_id: self.channel_id,
            to_user_id: self.user_id,
            signal,
        });
    }
}

/// The negotiated payload type of `mime_type` on a sender, if the peer accepted it.
async fn payload_type_of(
    sender: &dyn RtpSender,
    mime_type: &str,
) -> webrtc::error::Result<Option<u8>> {
    let parameters = sender.get_parameters().await?;
    Ok(parameters
        .rtp_parameters
        .codecs
        .iter()
        .find(|codec| codec.rtp_codec.mime_type.eq_ignore_ascii_case(mime_type))
        .map(|codec| codec.payload_type))
}
