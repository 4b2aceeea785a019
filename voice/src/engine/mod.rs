//! A call from this device: [`Call::join`] signs in to the gateway, fetches ICE
//! servers, joins the voice channel and keeps one peer connection per other
//! participant; the audio clock moves sound between the media traits and the peers.

mod clock;
mod media;
mod outgoing;
mod peer;
mod session;
mod video;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use url::Url;
use uuid::Uuid;

pub use peer::PeerState;

use crate::audio::{AudioSink, AudioSource};
use crate::signalling::wire::{ClientFrame, Participant};
use crate::signalling::{Gateway, GatewayError, fetch_ice_config};
use crate::video::{VideoSink, VideoSource};

/// What a call needs to know.
#[derive(Debug, Clone)]
pub struct CallOptions {
    /// The server's `http(s)://` base.
    pub server: Url,
    /// An access token of the signed-in user.
    pub token: String,
    pub channel_id: Uuid,
    pub self_mute: bool,
    pub self_deaf: bool,
    /// Where media sockets bind: every interface (`0.0.0.0:0`) by default.
    pub bind: SocketAddr,
    /// Use only the TURN relay (hides this device's addresses from the others).
    pub relay_only: bool,
}

impl CallOptions {
    pub fn new(server: Url, token: String, channel_id: Uuid) -> CallOptions {
        CallOptions {
            server,
            token,
            channel_id,
            self_mute: false,
            self_deaf: false,
            bind: SocketAddr::from(([0, 0, 0, 0], 0)),
            relay_only: false,
        }
    }
}

/// The devices (or stand-ins) of a call.
pub struct Media {
    pub source: Box<dyn AudioSource>,
    pub sink: Box<dyn AudioSink>,
    /// This participant's camera (none: no video is sent).
    pub camera: Option<Box<dyn VideoSource>>,
    /// Where the others' cameras and screens go (none: video is not received).
    pub video: Option<Arc<dyn VideoSink>>,
}

impl Media {
    /// Sound only: no camera, others' video not received.
    pub fn audio(source: Box<dyn AudioSource>, sink: Box<dyn AudioSink>) -> Media {
        Media {
            source,
            sink,
            camera: None,
            video: None,
        }
    }
}

/// What the call view shows, as it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum CallEvent {
    /// Everyone in the call now (this user included), in the order they joined.
    Participants(Vec<Participant>),
    /// Someone (this user too) started or stopped speaking.
    Speaking { user_id: Uuid, speaking: bool },
    /// The connection to another participant changed.
    Peer { user_id: Uuid, state: PeerState },
    /// The connection to the server dropped: the engine is joining again (within the
    /// server's grace period, which keeps this place); `Participants` follows when it is
    /// back, `Ended` with `connection_lost` when it gives up.
    Reconnecting,
    /// The call is over for this device: `left`, or the server's reason
    /// (`moved`, `disconnected`, `removed`, `connection_lost`).
    Ended { reason: String },
}

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error("cannot get the call's ICE servers: {0}")]
    IceServers(#[from] reqwest::Error),
    #[error("cannot start the audio codec: {0}")]
    Codec(#[from] opus::Error),
}

enum Command {
    SetMute(bool),
    SetDeaf(bool),
    SetVolume(Uuid, f32),
    SetToken(String),
    SetCamera(Option<Box<dyn VideoSource>>),
    Leave,
}

/// The mute and deafen switches, read by the audio clock every frame.
#[derive(Default)]
pub(crate) struct Switches {
    pub mute: AtomicBool,
    pub deaf: AtomicBool,
}

/// A call in progress. Dropping it leaves the call without telling the server
/// (the server ends the place after its grace period); prefer [`Call::leave`].
pub struct Call {
    user_id: Uuid,
    commands: mpsc::UnboundedSender<Command>,
    session: JoinHandle<()>,
}

impl Call {
    /// Joins `options.channel_id`; events arrive on the returned receiver until
    /// [`CallEvent::Ended`].
    pub async fn join(
        options: CallOptions,
        mut media: Media,
    ) -> Result<(Call, mpsc::UnboundedReceiver<CallEvent>), CallError> {
        let camera = media.camera.take();
        let video_sink = media.video.take();
        let http = reqwest::Client::new();
        let (gateway, frames) = Gateway::connect(&options.server, &options.token).await?;
        let ice = fetch_ice_config(&http, &options.server, &options.token).await?;
        let encoder = crate::audio::codec::Encoder::new()?;
        let call = gateway
            .request(|nonce| ClientFrame::VoiceJoin {
                channel_id: options.channel_id,
                self_mute: options.self_mute,
                self_deaf: options.self_deaf,
                nonce,
            })
            .await?
            .ok_or(GatewayError::Closed)?;
        let user_id = gateway.user_id();
        let (events, received) = mpsc::unbounded_channel();
        let (commands, queued) = mpsc::unbounded_channel();
        let switches = Arc::new(Switches::default());
        switches.mute.store(options.self_mute, Ordering::Relaxed);
        switches.deaf.store(options.self_deaf, Ordering::Relaxed);
        let peers = clock::Peers::default();
        let clock = tokio::spawn(clock::run(
            user_id,
            media,
            encoder,
            peers.clone(),
            switches.clone(),
            events.clone(),
        ));
        let keyframe_wanted = Arc::new(AtomicBool::new(true));
        let video = video::VideoContext {
            task: camera.map(|source| {
                tokio::spawn(video::run_camera(
                    source,
                    peers.clone(),
                    keyframe_wanted.clone(),
                ))
            }),
            keyframe_wanted,
            sink: video_sink,
        };
        let session = session::Session::new(
            options, http, gateway, ice, peers, switches, events, clock, video,
        );
        let session = tokio::spawn(session.run(call, frames, queued));
        Ok((
            Call {
                user_id,
                commands,
                session,
            },
            received,
        ))
    }

    /// The signed-in user.
    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    /// Stops sending this microphone (the others see `self_mute`).
    pub fn set_mute(&self, mute: bool) {
        let _ = self.commands.send(Command::SetMute(mute));
    }

    /// Stops playing the call (and mutes, as the server does).
    pub fn set_deaf(&self, deaf: bool) {
        let _ = self.commands.send(Command::SetDeaf(deaf));
    }

    /// One participant's loudness here: 0.0 (silent) to 2.0 (twice), 1.0 by default.
    pub fn set_volume(&self, user_id: Uuid, volume: f32) {
        let _ = self.commands.send(Command::SetVolume(user_id, volume));
    }

    /// A fresh access token, for joining again after a dropped connection and for
    /// fetching new TURN credentials once the first token has expired.
    pub fn set_token(&self, token: String) {
        let _ = self.commands.send(Command::SetToken(token));
    }

    /// Turns the camera on (sending `camera`'s pictures, replacing the camera on now)
    /// or off (`None`); the others see the `camera` flag change.
    pub fn set_camera(&self, camera: Option<Box<dyn VideoSource>>) {
        let _ = self.commands.send(Command::SetCamera(camera));
    }

    /// Leaves the call and waits until the server knows.
    pub async fn leave(mut self) {
        let _ = self.commands.send(Command::Leave);
        let _ = (&mut self.session).await;
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if !self.session.is_finished() {
            self.session.abort();
        }
    }
}
