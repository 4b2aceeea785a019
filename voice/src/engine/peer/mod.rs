//! One peer connection to one other participant (a mesh call has one per pair). Its
//! negotiation runs in a task of its own that takes one input at a time, as the
//! browser client does (docs/realtime.md, "Voice"): perfect negotiation (the side
//! whose user ID sorts lower is polite), trickle ICE over `voice_signal`, the media
//! slots audio, camera, screen in that order, and ICE restarts when the path breaks.

mod handler;
mod task;

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::mpsc;
use uuid::Uuid;
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, RTCConfiguration, RTCConfigurationBuilder,
    RTCIceConnectionState, RTCIceServer, RTCIceTransportPolicy, RTCPeerConnectionState, Registry,
    SettingEngineBuilder, register_default_interceptors,
};
use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};

use self::handler::Handler;
use self::task::PeerTask;
use super::media::PeerMedia;
use crate::signalling::wire::{ClientFrame, Signal};
use crate::signalling::{IceConfig, IceServer};
use crate::video::VideoSink;

/// Without a packet for this long the path counts as disconnected (media flows every
/// 20 ms, so this is no idle link)...
const DISCONNECTED_AFTER: Duration = Duration::from_secs(3);
/// ...and as failed this much later.
const FAILED_AFTER: Duration = Duration::from_secs(10);
/// How long "disconnected" may last before the ICE path is searched again.
const DISCONNECTED_RESTART: Duration = Duration::from_secs(2);
/// At most one ICE restart in this time.
const RESTART_INTERVAL: Duration = Duration::from_secs(5);
/// How long a connection may take before the call shows it failed (a relay that
/// refuses the credentials shows no other sign: gathering just finds nothing).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

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
    /// The connection had its time to come up.
    ConnectTimeout,
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
            PeerInput::ConnectTimeout => "connect timeout",
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
    /// The camera clock's key-frame request (set when a peer connects).
    pub keyframe_wanted: Arc<AtomicBool>,
    pub video_sink: Option<Arc<dyn VideoSink>>,
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
        video_sink: context.video_sink.clone(),
        pc: OnceLock::new(),
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
            .with_handler(handler.clone())
            .with_udp_addrs(vec![context.bind])
            .build()
            .await?,
    );
    let _ = handler.pc.set(Arc::downgrade(&pc));
    let audio = media.audio.local_track();
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
        // The camera and screen slots of the layout browsers use: the camera's track is
        // there from the start (it carries pictures while the camera is on, as a
        // browser's transceiver with no track), the screen only received.
        let camera = pc
            .add_transceiver_from_track(
                media.camera.local_track(),
                Some(RTCRtpTransceiverInit {
                    direction: RTCRtpTransceiverDirection::Sendrecv,
                    ..Default::default()
                }),
            )
            .await?;
        pc.add_transceiver_from_kind(
            rtc::rtp_transceiver::rtp_sender::RtpCodecKind::Video,
            Some(RTCRtpTransceiverInit {
                direction: RTCRtpTransceiverDirection::Recvonly,
                ..Default::default()
            }),
        )
        .await?;
        (audio.sender().await?, camera.sender().await?)
    } else {
        (None, None)
    };
    let (sender, video_sender) = sender;
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
        video_sender,
        keyframe_wanted: context.keyframe_wanted.clone(),
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
    let timeout = inputs.clone();
    tokio::spawn(async move {
        tokio::time::sleep(CONNECT_TIMEOUT).await;
        let _ = timeout.send(PeerInput::ConnectTimeout);
    });
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
