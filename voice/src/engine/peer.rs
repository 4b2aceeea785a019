//! One peer connection to one other participant (a mesh call has one per pair). Its
//! negotiation runs in a task of its own that takes one input at a time, as the
//! browser client does (docs/realtime.md, "Voice"): perfect negotiation (the side
//! whose user ID sorts lower is polite), trickle ICE over `voice_signal`, the media
//! slots audio, camera, screen in that order, and ICE restarts when the path breaks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use uuid::Uuid;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfiguration, RTCConfigurationBuilder, RTCIceCandidateInit, RTCIceConnectionState,
    RTCIceGatheringState, RTCIceServer, RTCIceTransportPolicy, RTCPeerConnectionIceEvent,
    RTCPeerConnectionState, RTCSdpType, RTCSessionDescription, Registry, SettingEngineBuilder,
    register_default_interceptors,
};
use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit, RtpSender};

use super::media::PeerMedia;
use crate::signalling::wire::{ClientFrame, Signal};
use crate::signalling::{IceConfig, IceServer};

/// Without a packet for this long the path counts as disconnected (media flows every
/// 20 ms, so this is no idle link)...
const DISCONNECTED_AFTER: Duration = Duration::from_secs(3);
/// ...and as failed this much later.
const FAILED_AFTER: Duration = Duration::from_secs(10);
/// How long "disconnected" may last before the ICE path is searched again.
const DISCONNECTED_RESTART: Duration = Duration::from_secs(2);
/// At most one ICE restart in this time.
const RESTART_INTERVAL: Duration = Duration::from_secs(5);

/// What a peer's task acts on, in order.
pub(crate) enum PeerInput {
    Remote(Signal),
    NegotiationNeeded,
    IceState(RTCIceConnectionState),
    Connection(RTCPeerConnectionState),
    /// The ICE path stayed disconnected since this restart count.
    StillDisconnected(u32),
    /// Fresh TURN credentials, for the next ICE restart.
    IceServers(IceConfig),
    Close,
}

impl PeerInput {
    fn name(&self) -> &'static str {
        match self {
            PeerInput::Remote(Signal::Offer { .. }) => "offer",
            PeerInput::Remote(Signal::Answer { .. }) => "answer",
            PeerInput::Remote(Signal::Candidate { .. }) => "candidate",
            PeerInput::NegotiationNeeded => "negotiation needed",
            PeerInput::IceState(_) => "ICE state",
            PeerInput::Connection(_) => "connection state",
            PeerInput::StillDisconnected(_) => "still disconnected",
            PeerInput::IceServers(_) => "ICE servers",
            PeerInput::Close => "close",
        }
    }
}

/// How a peer connection is doing, for the call view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerState {
    Connecting,
    Connected,
    /// The path broke; an ICE restart is under way.
    Reconnecting,
    Failed,
}

/// Everything a peer needs from the call that holds it.
pub(crate) struct PeerContext {
    pub self_id: Uuid,
    pub channel_id: Uuid,
    pub signals: mpsc::UnboundedSender<ClientFrame>,
    pub states: mpsc::UnboundedSender<(Uuid, Uuid, PeerState)>,
    pub bind: std::net::SocketAddr,
    pub relay_only: bool,
}

/// The call's handle on a peer's task.
pub(crate) struct PeerHandle {
    pub call_session_id: Uuid,
    pub media: Arc<PeerMedia>,
    inputs: mpsc::UnboundedSender<PeerInput>,
}

impl PeerHandle {
    pub fn send(&self, input: PeerInput) {
        let _ = self.inputs.send(input);
    }
}

impl Drop for PeerHandle {
    fn drop(&mut self) {
        let _ = self.inputs.send(PeerInput::Close);
    }
}

/// Starts a peer connection to `user_id`; `offer` when this side lays out the media
/// (it joined after them), otherwise it waits for their offer.
pub(crate) async fn start(
    context: &PeerContext,
    user_id: Uuid,
    call_session_id: Uuid,
    ice: &IceConfig,
    offer: bool,
) -> Result<PeerHandle, webrtc::error::Error> {
    let (inputs, queued) = mpsc::unbounded_channel();
    let media = Arc::new(PeerMedia::new(user_id)?);
    let handler = Arc::new(Handler {
        inputs: inputs.clone(),
        signals: context.signals.clone(),
        channel_id: context.channel_id,
        to: user_id,
        media: media.clone(),
    });
    let mut media_engine = MediaEngine::default();
    media_engine.register_default_codecs()?;
    let registry = register_default_interceptors(Registry::new(), &mut media_engine)?;
    let settings = SettingEngineBuilder::new()
        // Offer a relay pair as soon as it is checked instead of waiting for better ones.
        .with_relay_acceptance_min_wait(Some(Duration::ZERO))
        // An ICE restart gathers anew on fresh sockets: a new relay allocation (with the
        // current credentials) instead of the one a restarted relay no longer knows.
        .with_discard_local_candidates_during_ice_restart(true)
        .with_ice_timeouts(
            Some(DISCONNECTED_AFTER),
            Some(FAILED_AFTER),
            Some(Duration::from_secs(1)),
        )
        .build();
    let pc: Arc<dyn PeerConnection> = Arc::new(
        PeerConnectionBuilder::new()
            .with_configuration(configuration(ice, context.relay_only))
            .with_media_engine(media_engine)
            .with_interceptor_registry(registry)
            .with_setting_engine(settings)
            .with_handler(handler)
            .with_udp_addrs(vec![context.bind])
            .build()
            .await?,
    );
    let audio = media.local_track();
    let sender = if offer {
        let audio = pc
            .add_transceiver_from_track(
                audio,
                Some(RTCRtpTransceiverInit {
                    direction: RTCRtpTransceiverDirection::Sendrecv,
                    ..Default::default()
                }),
            )
            .await?;
        // The camera and screen slots of the layout browsers use (video is not handled yet).
        for _ in 0..2 {
            pc.add_transceiver_from_kind(
                rtc::rtp_transceiver::rtp_sender::RtpCodecKind::Video,
                Some(RTCRtpTransceiverInit {
                    direction: RTCRtpTransceiverDirection::Recvonly,
                    ..Default::default()
                }),
            )
            .await?;
        }
        audio.sender().await?
    } else {
        None
    };
    let task = PeerTask {
        pc,
        user_id,
        call_session_id,
        polite: context.self_id.to_string() < user_id.to_string(),
        signals: context.signals.clone(),
        states: context.states.clone(),
        channel_id: context.channel_id,
        relay_only: context.relay_only,
        inputs: inputs.clone(),
        media: media.clone(),
        audio_sender: sender,
        stable: true,
        negotiation_pending: false,
        restarts: 0,
        last_restart: None,
        state: PeerState::Connecting,
    };
    if offer {
        // webrtc-rs does not always raise negotiation-needed for a new layout.
        let _ = inputs.send(PeerInput::NegotiationNeeded);
    }
    tokio::spawn(task.run(queued));
    Ok(PeerHandle {
        call_session_id,
        media,
        inputs,
    })
}

fn configuration(ice: &IceConfig, relay_only: bool) -> RTCConfiguration {
    let servers = ice
        .ice_servers
        .iter()
        .map(|server: &IceServer| RTCIceServer {
            urls: server.urls.clone(),
            username: server.username.clone().unwrap_or_default(),
            credential: server.credential.clone().unwrap_or_default(),
        })
        .collect();
    let policy = if relay_only {
        RTCIceTransportPolicy::Relay
    } else {
        RTCIceTransportPolicy::All
    };
    RTCConfigurationBuilder::new()
        .with_ice_servers(servers)
        .with_ice_transport_policy(policy)
        .build()
}

struct PeerTask {
    pc: Arc<dyn PeerConnection>,
    user_id: Uuid,
    call_session_id: Uuid,
    polite: bool,
    signals: mpsc::UnboundedSender<ClientFrame>,
    states: mpsc::UnboundedSender<(Uuid, Uuid, PeerState)>,
    channel_id: Uuid,
    relay_only: bool,
    inputs: mpsc::UnboundedSender<PeerInput>,
    media: Arc<PeerMedia>,
    audio_sender: Option<Arc<dyn RtpSender>>,
    /// No offer of ours or theirs is pending.
    stable: bool,
    /// Something changed while an offer was pending: offer again once stable.
    negotiation_pending: bool,
    restarts: u32,
    last_restart: Option<Instant>,
    state: PeerState,
}

impl PeerTask {
    async fn run(mut self, mut queued: mpsc::UnboundedReceiver<PeerInput>) {
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
            let track: Arc<dyn TrackLocal> = self.media.local_track();
            self.audio_sender = Some(self.pc.add_track(track).await?);
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
        if let Some(sender) = &self.audio_sender
            && let Some(codec) = sender.get_parameters().await?.rtp_parameters.codecs.first()
        {
            self.media.set_payload_type(codec.payload_type);
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

/// The peer connection's callbacks: inputs for the task, candidates straight out,
/// remote audio into the jitter buffer.
struct Handler {
    inputs: mpsc::UnboundedSender<PeerInput>,
    signals: mpsc::UnboundedSender<ClientFrame>,
    channel_id: Uuid,
    to: Uuid,
    media: Arc<PeerMedia>,
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
            return; // video is not received yet
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
