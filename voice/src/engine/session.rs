//! The call's control loop: follows the gateway's voice events (who is in the call,
//! negotiation messages), keeps one peer per other participant, applies the user's
//! switches, and fetches fresh TURN credentials before the current ones expire.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

use super::clock::Peers;
use super::peer::{self, PeerContext, PeerHandle, PeerInput, PeerState};
use super::video::{self, VideoContext};
use super::{CallEvent, CallOptions, Command, Switches};
use crate::signalling::wire::{CallView, ClientFrame, Participant, ServerFrame};
use crate::signalling::{Gateway, GatewayError, IceConfig, fetch_ice_config};

/// Fetch new TURN credentials this long before the current ones expire (at most).
const REFRESH_LEAD: Duration = Duration::from_secs(60);
/// After a failed fetch, try again this much later.
const REFRESH_RETRY: Duration = Duration::from_secs(10);
/// How long to keep trying to join again after losing the server: its grace period
/// (`tuning.voice_reconnect_grace`, 15 s) keeps the place that long.
const REJOIN_WITHIN: Duration = Duration::from_secs(15);
const REJOIN_FIRST_WAIT: Duration = Duration::from_millis(250);
const REJOIN_MAX_WAIT: Duration = Duration::from_secs(2);

struct Rejoin {
    at: Instant,
    until: Instant,
    wait: Duration,
}

pub(crate) struct Session {
    options: CallOptions,
    http: reqwest::Client,
    /// `None` while the connection to the server is being made again.
    gateway: Option<Gateway>,
    /// When to try joining again, and until when it is worth trying.
    rejoin: Option<Rejoin>,
    ice: IceConfig,
    refresh_at: Option<Instant>,
    context: PeerContext,
    states: Option<mpsc::UnboundedReceiver<(Uuid, Uuid, PeerState)>>,
    peers: Peers,
    handles: HashMap<Uuid, PeerHandle>,
    volumes: HashMap<Uuid, f32>,
    roster: Vec<Participant>,
    /// This device's place in the call.
    call_session_id: Option<Uuid>,
    mute: bool,
    deaf: bool,
    switches: Arc<Switches>,
    events: mpsc::UnboundedSender<CallEvent>,
    clock: JoinHandle<()>,
    /// The camera's clock while the camera is on.
    camera: Option<JoinHandle<()>>,
}

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        options: CallOptions,
        http: reqwest::Client,
        gateway: Gateway,
        ice: IceConfig,
        peers: Peers,
        switches: Arc<Switches>,
        events: mpsc::UnboundedSender<CallEvent>,
        clock: JoinHandle<()>,
        video: VideoContext,
    ) -> Session {
        let (state_sender, states) = mpsc::unbounded_channel();
        let context = PeerContext {
            self_id: gateway.user_id(),
            channel_id: options.channel_id,
            signals: gateway.sender(),
            states: state_sender,
            bind: options.bind,
            relay_only: options.relay_only,
            keyframe_wanted: video.keyframe_wanted,
            video_sink: video.sink,
        };
        Session {
            refresh_at: refresh_time(&ice),
            mute: options.self_mute,
            deaf: options.self_deaf,
            options,
            http,
            gateway: Some(gateway),
            rejoin: None,
            ice,
            context,
            states: Some(states),
            peers,
            handles: HashMap::new(),
            volumes: HashMap::new(),
            roster: Vec::new(),
            call_session_id: None,
            switches,
            events,
            clock,
            camera: video.task,
        }
    }

    pub async fn run(
        mut self,
        call: CallView,
        frames: mpsc::UnboundedReceiver<ServerFrame>,
        mut commands: mpsc::UnboundedReceiver<Command>,
    ) {
        self.start(call).await;
        let mut frames = Some(frames);
        let mut states = self.states.take().expect("run once");
        let reason = loop {
            let refresh = sleep_until(self.refresh_at);
            let rejoin = sleep_until(self.rejoin.as_ref().map(|r| r.at));
            tokio::select! {
                frame = next_frame(&mut frames) => match frame {
                    Some(frame) => {
                        if let Some(reason) = self.on_frame(frame).await {
                            break reason;
                        }
                    }
                    None => {
                        frames = None;
                        self.lost_server();
                    }
                },
                () = rejoin => match self.try_rejoin().await {
                    Ok(Some(received)) => frames = Some(received),
                    Ok(None) => {}
                    Err(reason) => break reason,
                },
                command = commands.recv() => match command {
                    Some(Command::Leave) | None => {
                        if let Some(gateway) = &self.gateway {
                            let _ = gateway
                                .request(|nonce| ClientFrame::VoiceLeave { nonce })
                                .await;
                        }
                        break "left".to_owned();
                    }
                    Some(command) => self.on_command(command),
                },
                Some((user_id, session, state)) = states.recv() => {
                    if self.handles.get(&user_id).is_some_and(|h| h.call_session_id == session) {
                        let _ = self.events.send(CallEvent::Peer { user_id, state });
                    }
                }
                () = refresh => self.refresh_ice().await,
            }
        };
        self.handles.clear();
        self.peers.clear();
        self.clock.abort();
        if let Some(camera) = &self.camera {
            camera.abort();
        }
        let _ = self.events.send(CallEvent::Ended { reason });
    }

    /// Takes this device's place in `call`: the roster, and an offer to everyone already
    /// there (the newcomer offers).
    async fn start(&mut self, call: CallView) {
        let me = self.context.self_id;
        if self.camera.is_some()
            && let Some(gateway) = &self.gateway
        {
            // The others show a camera tile (joining cannot say so).
            gateway.send(ClientFrame::VoiceUpdate {
                self_mute: self.mute,
                self_deaf: self.deaf,
                camera: Some(true),
                nonce: Uuid::new_v4().to_string(),
            });
        }
        self.roster = call.participants;
        self.call_session_id = self
            .roster
            .iter()
            .find(|p| p.user_id == me)
            .map(|p| p.call_session_id);
        self.roster_changed();
        let others: Vec<Participant> = self
            .roster
            .iter()
            .filter(|p| p.user_id != me)
            .cloned()
            .collect();
        for participant in others {
            self.connect(participant.user_id, participant.call_session_id, true)
                .await;
        }
    }

    /// The WebSocket closed: the server keeps this place for its grace period, so
    /// connect and join again before it ends. Peer connections are made anew then (a
    /// new join is a new `call_session_id` for the others).
    fn lost_server(&mut self) {
        tracing::info!("voice: lost the server; joining again");
        self.gateway = None;
        self.handles.clear();
        self.peers.clear();
        self.rejoin = Some(Rejoin {
            at: Instant::now(),
            until: Instant::now() + REJOIN_WITHIN,
            wait: REJOIN_FIRST_WAIT,
        });
        let _ = self.events.send(CallEvent::Reconnecting);
    }

    /// One attempt: the new events when joined, `None` to try again later, or why the
    /// call is over.
    async fn try_rejoin(&mut self) -> Result<Option<mpsc::UnboundedReceiver<ServerFrame>>, String> {
        let Some(mut rejoin) = self.rejoin.take() else {
            return Err("connection_lost".into());
        };
        let attempt = async {
            let (gateway, frames) =
                Gateway::connect(&self.options.server, &self.options.token).await?;
            let call = gateway
                .request(|nonce| ClientFrame::VoiceJoin {
                    channel_id: self.options.channel_id,
                    self_mute: self.mute,
                    self_deaf: self.deaf,
                    nonce,
                })
                .await?
                .ok_or(GatewayError::Closed)?;
            Ok::<_, GatewayError>((gateway, frames, call))
        };
        match attempt.await {
            Ok((gateway, frames, call)) => {
                self.context.signals = gateway.sender();
                self.gateway = Some(gateway);
                self.start(call).await;
                Ok(Some(frames))
            }
            // The server answered, and said no (no longer allowed in the channel…).
            Err(GatewayError::Rejected { code, .. }) => {
                tracing::info!("voice: joining again was refused ({code})");
                Err("removed".into())
            }
            Err(error) => {
                let next = Instant::now() + rejoin.wait;
                if next > rejoin.until {
                    tracing::info!("voice: could not reach the server again: {error}");
                    return Err("connection_lost".into());
                }
                rejoin.at = next;
                rejoin.wait = (rejoin.wait * 2).min(REJOIN_MAX_WAIT);
                self.rejoin = Some(rejoin);
                Ok(None)
            }
        }
    }

    /// One gateway event; `Some(reason)` when the call is over for this device.
    async fn on_frame(&mut self, frame: ServerFrame) -> Option<String> {
        let me = self.context.self_id;
        match frame {
            ServerFrame::VoiceState {
                channel_id,
                user_id,
                participant,
                reason,
            } if channel_id == self.options.channel_id => match participant {
                Some(participant) if user_id == me => {
                    if Some(participant.call_session_id) != self.call_session_id {
                        // The user joined this call from another device.
                        return Some("joined_elsewhere".to_owned());
                    }
                    self.upsert(participant);
                }
                Some(participant) => {
                    let stale = self
                        .handles
                        .get(&user_id)
                        .is_none_or(|h| h.call_session_id != participant.call_session_id);
                    if stale {
                        // They (re)joined: they offer, this side answers.
                        self.connect(user_id, participant.call_session_id, false)
                            .await;
                    }
                    self.upsert(participant);
                }
                None if user_id == me => return Some(reason.unwrap_or_else(|| "left".into())),
                None => {
                    self.handles.remove(&user_id);
                    self.peers.remove(user_id);
                    self.roster.retain(|p| p.user_id != user_id);
                    self.roster_changed();
                }
            },
            ServerFrame::VoiceSignal {
                channel_id,
                from_user_id,
                from_call_session_id,
                signal,
            } if channel_id == self.options.channel_id => {
                let known = self
                    .handles
                    .get(&from_user_id)
                    .is_some_and(|h| h.call_session_id == from_call_session_id);
                if !known {
                    // Their offer overtook their voice_state.
                    self.connect(from_user_id, from_call_session_id, false)
                        .await;
                }
                if let Some(handle) = self.handles.get(&from_user_id) {
                    handle.send(PeerInput::Remote(signal));
                }
            }
            _ => {}
        }
        None
    }

    fn on_command(&mut self, command: Command) {
        let mut camera = None;
        match command {
            Command::SetMute(mute) => self.mute = mute,
            Command::SetDeaf(deaf) => self.deaf = deaf,
            Command::SetCamera(source) => {
                if let Some(running) = self.camera.take() {
                    running.abort();
                }
                camera = Some(source.is_some());
                self.camera = source.map(|source| {
                    // The others start from a key frame.
                    self.context.keyframe_wanted.store(true, Ordering::Relaxed);
                    tokio::spawn(video::run_camera(
                        source,
                        self.peers.clone(),
                        self.context.keyframe_wanted.clone(),
                    ))
                });
            }
            Command::SetToken(token) => {
                // Used from the next reconnect and credential refresh on.
                self.options.token = token;
                return;
            }
            Command::SetVolume(user_id, volume) => {
                self.volumes.insert(user_id, volume);
                if let Some(handle) = self.handles.get(&user_id) {
                    handle.media.set_volume(volume);
                }
                return;
            }
            Command::Leave => unreachable!("handled by the loop"),
        }
        self.switches.mute.store(self.mute, Ordering::Relaxed);
        self.switches.deaf.store(self.deaf, Ordering::Relaxed);
        // The answer does not matter here: the voice_state that follows shows the flags.
        // Without a connection, joining again carries them.
        if let Some(gateway) = &self.gateway {
            gateway.send(ClientFrame::VoiceUpdate {
                self_mute: self.mute,
                self_deaf: self.deaf,
                camera,
                nonce: Uuid::new_v4().to_string(),
            });
        }
    }

    async fn connect(&mut self, user_id: Uuid, call_session_id: Uuid, offer: bool) {
        self.handles.remove(&user_id);
        match peer::start(&self.context, user_id, call_session_id, &self.ice, offer).await {
            Ok(handle) => {
                if let Some(volume) = self.volumes.get(&user_id) {
                    handle.media.set_volume(*volume);
                }
                self.peers.insert(handle.media.clone());
                self.handles.insert(user_id, handle);
                let _ = self.events.send(CallEvent::Peer {
                    user_id,
                    state: PeerState::Connecting,
                });
            }
            Err(error) => {
                tracing::warn!(peer = %user_id, "voice: cannot start a peer connection: {error}");
                let _ = self.events.send(CallEvent::Peer {
                    user_id,
                    state: PeerState::Failed,
                });
            }
        }
    }

    fn upsert(&mut self, participant: Participant) {
        match self
            .roster
            .iter_mut()
            .find(|p| p.user_id == participant.user_id)
        {
            Some(known) => *known = participant,
            None => self.roster.push(participant),
        }
        self.roster_changed();
    }

    fn roster_changed(&self) {
        let _ = self
            .events
            .send(CallEvent::Participants(self.roster.clone()));
    }

    async fn refresh_ice(&mut self) {
        match fetch_ice_config(&self.http, &self.options.server, &self.options.token).await {
            Ok(ice) => {
                self.refresh_at = refresh_time(&ice);
                for handle in self.handles.values() {
                    handle.send(PeerInput::IceServers(ice.clone()));
                }
                self.ice = ice;
            }
            Err(error) => {
                tracing::warn!("voice: cannot refresh the TURN credentials: {error}");
                self.refresh_at = Some(Instant::now() + REFRESH_RETRY);
            }
        }
    }
}

/// When to fetch new credentials: a little before these expire.
fn refresh_time(ice: &IceConfig) -> Option<Instant> {
    let expires_at = ice.expires_at?;
    let left = (expires_at - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    let lead = REFRESH_LEAD.min(left / 5);
    Some(Instant::now() + left.saturating_sub(lead))
}

async fn next_frame(
    frames: &mut Option<mpsc::UnboundedReceiver<ServerFrame>>,
) -> Option<ServerFrame> {
    match frames {
        Some(frames) => frames.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
