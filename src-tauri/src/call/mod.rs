//! Calls in native code (VOICE-4): the app's side of the [`chatalot_voice`] engine.
//! The webview asks through commands (join, leave, mute, deafen, volumes, devices)
//! and follows the call through [`VoiceEvent`]s; sound goes straight between the
//! devices and the engine, never through the webview. The others' video reaches the
//! webview as bytes on request ([`video::FrameBoard`]).

pub mod camera;
mod convert;
pub mod devices;
pub mod events;
pub mod video;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chatalot_voice::{Call, CallOptions, Media};
use serde::Serialize;
use tokio::task::JoinHandle;
use url::Url;
use uuid::Uuid;

pub use devices::{DeviceError, DeviceLists, FakeAudio, MediaDevice};
pub use events::{CallSummary, TaggedEvent, VOICE_EVENT, VoiceEvent};
pub use video::FrameBoard;

use crate::desktop::{CommandError, CommandResult};

/// What the webview asks for when the user joins a voice channel.
#[derive(Debug, Clone)]
pub struct JoinRequest {
    /// The chat server's `http(s)://` base.
    pub server: String,
    /// The user's access token (the webview holds the session).
    pub token: String,
    pub channel_id: String,
    pub self_mute: bool,
    pub self_deaf: bool,
    /// The webview's tag for this call, repeated in each of its events.
    pub call: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Joined {
    pub user_id: Uuid,
}

/// The device lists and the current choice (`None`: the system's default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceSettings {
    #[serde(flatten)]
    pub lists: DeviceLists,
    pub cameras: Vec<MediaDevice>,
    pub input: Option<String>,
    pub output: Option<String>,
    pub camera: Option<String>,
}

/// The devices chosen (`None`: the system's default, or the first camera).
#[derive(Debug, Clone, Default)]
pub struct DeviceChoice {
    pub input: Option<String>,
    pub output: Option<String>,
    pub camera: Option<String>,
}

struct Active {
    call: Call,
    forward: JoinHandle<()>,
}

/// This app's call (at most one at a time), held as Tauri state.
pub struct NativeCalls {
    /// `CHATALOT_FAKE_AUDIO`, read at start; an invalid value fails every join.
    fake: Result<Option<FakeAudio>, DeviceError>,
    /// `CHATALOT_FAKE_CAMERA`: the test pattern stands in for the cameras.
    fake_camera: Result<bool, DeviceError>,
    choice: Mutex<DeviceChoice>,
    active: tokio::sync::Mutex<Option<Active>>,
    summary: Arc<Mutex<CallSummary>>,
    /// The others' newest pictures, for the webview.
    frames: Arc<FrameBoard>,
}

impl NativeCalls {
    pub fn new(fake: Result<Option<FakeAudio>, DeviceError>) -> NativeCalls {
        NativeCalls {
            fake,
            fake_camera: Ok(false),
            choice: Mutex::default(),
            active: tokio::sync::Mutex::default(),
            summary: Arc::default(),
            frames: Arc::default(),
        }
    }

    /// With the test pattern for a camera (`CHATALOT_FAKE_CAMERA=pattern`).
    pub fn with_fake_camera(mut self) -> NativeCalls {
        self.fake_camera = Ok(true);
        self
    }

    /// Real devices, unless `CHATALOT_FAKE_AUDIO` or `CHATALOT_FAKE_CAMERA` say otherwise.
    pub fn from_env() -> NativeCalls {
        let fake = FakeAudio::from_env();
        let fake_camera = camera::fake_from_env();
        for err in [fake.as_ref().err(), fake_camera.as_ref().err()]
            .into_iter()
            .flatten()
        {
            tracing::error!("{err}");
        }
        NativeCalls {
            fake_camera,
            ..NativeCalls::new(fake)
        }
    }

    /// Joins a voice channel (leaving the call in progress, if any). `on_event` hears
    /// every event of the call, tagged, with the tray's summary after it, until it ends.
    pub async fn join(
        &self,
        request: JoinRequest,
        on_event: impl Fn(TaggedEvent, &CallSummary) + Send + 'static,
    ) -> CommandResult<Joined> {
        // Validate before opening devices or the network.
        let server = Url::parse(&request.server)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| invalid("server must be an http(s) URL"))?;
        let channel_id =
            Uuid::parse_str(&request.channel_id).map_err(|_| invalid("channel_id is not an ID"))?;
        if request.token.is_empty() {
            return Err(invalid("token is empty"));
        }
        if request.call.is_empty() || request.call.len() > 64 {
            return Err(invalid("call must be a tag of 1 to 64 characters"));
        }

        let mut active = self.active.lock().await;
        if let Some(previous) = active.take() {
            previous.leave().await;
        }
        self.frames.clear();
        let mut media = self.open_media().await?;
        media.video = Some(self.frames.clone());
        let mut options = CallOptions::new(server, request.token, channel_id);
        options.self_mute = request.self_mute;
        options.self_deaf = request.self_deaf;
        let (call, mut events) = Call::join(options, media)
            .await
            .map_err(|err| CommandError::new("voice_join_failed", err.to_string()))?;
        let user_id = call.user_id();
        *lock(&self.summary) = CallSummary {
            in_call: true,
            participants: 1,
            muted: request.self_mute || request.self_deaf,
            deafened: request.self_deaf,
            reconnecting: false,
        };
        let summary = self.summary.clone();
        let frames = self.frames.clone();
        let tag = request.call;
        let forward = tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                let event = VoiceEvent::from(event);
                if matches!(event, VoiceEvent::Ended { .. }) {
                    frames.clear();
                }
                let now = {
                    let mut summary = lock(&summary);
                    summary.apply(&event);
                    summary.clone()
                };
                let event = TaggedEvent {
                    call: tag.clone(),
                    event,
                };
                on_event(event, &now);
            }
        });
        *active = Some(Active { call, forward });
        Ok(Joined { user_id })
    }

    /// Leaves the call (nothing to do outside one); returns once the server knows.
    pub async fn leave(&self) {
        if let Some(active) = self.active.lock().await.take() {
            active.leave().await;
        }
        self.frames.clear();
        *lock(&self.summary) = CallSummary::default();
    }

    /// A participant's next camera or screen picture after number `after`, as bytes
    /// (the layout is in [`video`]); empty when none came within a while or the call
    /// ended. Waits without holding the call.
    pub async fn video_frame(
        &self,
        user_id: &str,
        slot: &str,
        after: u64,
    ) -> CommandResult<Vec<u8>> {
        let user_id = Uuid::parse_str(user_id).map_err(|_| invalid("user_id is not an ID"))?;
        let slot =
            video::parse_slot(slot).ok_or_else(|| invalid("slot must be camera or screen"))?;
        self.with_call(|_| ()).await?;
        let picture = self.frames.next(user_id, slot, after, FRAME_WAIT).await;
        Ok(picture
            .map(|picture| picture.bytes.clone())
            .unwrap_or_default())
    }

    pub async fn set_mute(&self, muted: bool) -> CommandResult<()> {
        self.with_call(|call| call.set_mute(muted)).await?;
        lock(&self.summary).muted = muted;
        Ok(())
    }

    pub async fn set_deaf(&self, deaf: bool) -> CommandResult<()> {
        self.with_call(|call| call.set_deaf(deaf)).await?;
        lock(&self.summary).deafened = deaf;
        Ok(())
    }

    pub async fn set_volume(&self, user_id: &str, volume: f32) -> CommandResult<()> {
        let user_id = Uuid::parse_str(user_id).map_err(|_| invalid("user_id is not an ID"))?;
        if !(0.0..=2.0).contains(&volume) {
            return Err(invalid("volume must be between 0 and 2"));
        }
        self.with_call(|call| call.set_volume(user_id, volume))
            .await
    }

    /// Turns the camera on (the chosen one, or the first) or off; the others see it,
    /// and this user's own tile shows its pictures.
    pub async fn set_camera(&self, on: bool) -> CommandResult<()> {
        let active = self.active.lock().await;
        let Some(active) = active.as_ref() else {
            return Err(not_in_call());
        };
        if !on {
            active.call.set_camera(None);
            return Ok(());
        }
        let source = self.open_camera().await?;
        active.call.set_camera(Some(Box::new(camera::Preview {
            source,
            board: self.frames.clone(),
            user_id: active.call.user_id(),
        })));
        Ok(())
    }

    pub async fn set_token(&self, token: String) -> CommandResult<()> {
        if token.is_empty() {
            return Err(invalid("token is empty"));
        }
        self.with_call(|call| call.set_token(token)).await
    }

    /// The microphones, speakers and cameras, and which are chosen.
    pub async fn devices(&self) -> DeviceSettings {
        let lists = match self.fake {
            Ok(Some(fake)) => fake.lists(),
            Err(_) => DeviceLists::default(),
            // Enumerating can block on the sound server.
            Ok(None) => tokio::task::spawn_blocking(devices::list)
                .await
                .unwrap_or_default(),
        };
        let cameras = match self.fake_camera {
            Ok(true) => camera::fake_list(),
            Err(_) => Vec::new(),
            Ok(false) => tokio::task::spawn_blocking(camera::list)
                .await
                .unwrap_or_default(),
        };
        let choice = lock(&self.choice).clone();
        DeviceSettings {
            lists,
            cameras,
            input: choice.input,
            output: choice.output,
            camera: choice.camera,
        }
    }

    /// Chooses the devices of the next call and of the camera's next start (`None`:
    /// the system's default, the first camera).
    pub async fn select_devices(&self, choice: DeviceChoice) -> CommandResult<DeviceSettings> {
        let DeviceChoice {
            input,
            output,
            camera,
        } = choice;
        let settings = self.devices().await;
        let known = |id: &Option<String>, list: &[MediaDevice]| {
            id.as_ref()
                .is_none_or(|id| list.iter().any(|device| &device.id == id))
        };
        if !known(&input, &settings.lists.inputs) {
            return Err(CommandError::new(
                "audio_device",
                "that microphone is not connected",
            ));
        }
        if !known(&output, &settings.lists.outputs) {
            return Err(CommandError::new(
                "audio_device",
                "those speakers are not connected",
            ));
        }
        if !known(&camera, &settings.cameras) {
            return Err(CommandError::new("camera", "that camera is not connected"));
        }
        *lock(&self.choice) = DeviceChoice {
            input: input.clone(),
            output: output.clone(),
            camera: camera.clone(),
        };
        Ok(DeviceSettings {
            input,
            output,
            camera,
            ..settings
        })
    }

    /// The call as the tray shows it.
    pub fn summary(&self) -> CallSummary {
        lock(&self.summary).clone()
    }

    async fn open_media(&self) -> CommandResult<Media> {
        let audio_error = |err: DeviceError| CommandError::new("audio_device", err.to_string());
        match &self.fake {
            Ok(Some(fake)) => Ok(fake.media()),
            Err(err) => Err(audio_error(err.clone())),
            Ok(None) => {
                let choice = lock(&self.choice).clone();
                tokio::task::spawn_blocking(move || {
                    devices::open(choice.input.as_deref(), choice.output.as_deref())
                })
                .await
                .map_err(|err| CommandError::new("internal", err.to_string()))?
                .map_err(audio_error)
            }
        }
    }

    /// The chosen camera (or the test pattern), with this user's preview.
    async fn open_camera(&self) -> CommandResult<Box<dyn chatalot_voice::video::VideoSource>> {
        let device_error = |err: DeviceError| CommandError::new("camera", err.to_string());
        match &self.fake_camera {
            Ok(true) => Ok(camera::pattern()),
            Err(err) => Err(device_error(err.clone())),
            Ok(false) => {
                let chosen = lock(&self.choice).camera.clone();
                let opened = tokio::task::spawn_blocking(move || {
                    camera::DeviceCamera::open(chosen.as_deref())
                })
                .await
                .map_err(|err| CommandError::new("internal", err.to_string()))?
                .map_err(device_error)?;
                Ok(Box::new(opened))
            }
        }
    }

    async fn with_call(&self, act: impl FnOnce(&Call)) -> CommandResult<()> {
        match self.active.lock().await.as_ref() {
            Some(active) => {
                act(&active.call);
                Ok(())
            }
            None => Err(not_in_call()),
        }
    }
}

impl Active {
    async fn leave(self) {
        let mut forward = self.forward;
        self.call.leave().await;
        // The last events (`Ended { left }`) reach the webview before this returns.
        if tokio::time::timeout(FORWARD_DRAIN, &mut forward)
            .await
            .is_err()
        {
            forward.abort();
        }
    }
}

/// How long a request for a picture waits for one (the webview then asks again).
const FRAME_WAIT: Duration = Duration::from_secs(2);

/// How long leaving waits for the call's last events.
const FORWARD_DRAIN: Duration = Duration::from_secs(2);

fn not_in_call() -> CommandError {
    CommandError::new("not_in_call", "there is no call in progress")
}

fn invalid(message: &str) -> CommandError {
    CommandError::new("invalid_argument", message)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
