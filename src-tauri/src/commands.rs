//! The Tauri commands: the whole surface the UI can reach. Each one delegates to
//! [`Desktop`]; each is granted in `capabilities/default.json`.

use tauri::{AppHandle, Emitter, Runtime, State};

use crate::call::{DeviceChoice, DeviceSettings, JoinRequest, Joined, NativeCalls, VOICE_EVENT};
use crate::credentials::TokenSet;
use crate::desktop::{CommandResult, Desktop, HostStatus};
use crate::host::HostSettings;
use crate::servers::{ServerInfo, ServerList};
use crate::tray;

#[tauri::command]
pub async fn session_load(
    desktop: State<'_, Desktop>,
    server: String,
) -> CommandResult<Option<TokenSet>> {
    desktop.session_load(server).await
}

#[tauri::command]
pub async fn session_save(
    desktop: State<'_, Desktop>,
    server: String,
    tokens: TokenSet,
) -> CommandResult<()> {
    desktop.session_save(server, tokens).await
}

#[tauri::command]
pub async fn session_clear(desktop: State<'_, Desktop>, server: String) -> CommandResult<()> {
    desktop.session_clear(server).await
}

#[tauri::command]
pub async fn keyring_check(desktop: State<'_, Desktop>) -> CommandResult<()> {
    desktop.keyring_check().await
}

#[tauri::command]
pub fn servers_list(desktop: State<'_, Desktop>) -> ServerList {
    desktop.servers()
}

#[tauri::command]
pub async fn server_check(desktop: State<'_, Desktop>, url: String) -> CommandResult<ServerInfo> {
    desktop.server_check(url).await
}

#[tauri::command]
pub async fn server_add(
    desktop: State<'_, Desktop>,
    url: String,
    name: Option<String>,
) -> CommandResult<ServerList> {
    desktop.server_add(url, name).await
}

#[tauri::command]
pub fn server_select(desktop: State<'_, Desktop>, url: String) -> CommandResult<ServerList> {
    desktop.server_select(url)
}

#[tauri::command]
pub async fn server_remove(desktop: State<'_, Desktop>, url: String) -> CommandResult<ServerList> {
    desktop.server_remove(url).await
}

#[tauri::command]
pub fn host_settings(desktop: State<'_, Desktop>) -> HostSettings {
    desktop.host_settings()
}

#[tauri::command]
pub async fn host_status(desktop: State<'_, Desktop>) -> CommandResult<HostStatus> {
    Ok(desktop.host_status().await)
}

#[tauri::command]
pub async fn host_start<R: Runtime>(
    app: AppHandle<R>,
    desktop: State<'_, Desktop>,
    settings: Option<HostSettings>,
) -> CommandResult<HostStatus> {
    let status = desktop.host_start(settings).await?;
    tray::show_host_status(&app, &status);
    Ok(status)
}

#[tauri::command]
pub async fn host_stop<R: Runtime>(
    app: AppHandle<R>,
    desktop: State<'_, Desktop>,
) -> CommandResult<HostStatus> {
    let status = desktop.host_stop().await?;
    tray::show_host_status(&app, &status);
    Ok(status)
}

/// Joins a voice channel's call in the native engine; the call's events follow as
/// `voice://event`, tagged with `call`, until it ends.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // the command's arguments, as the UI names them
pub async fn voice_join<R: Runtime>(
    app: AppHandle<R>,
    calls: State<'_, NativeCalls>,
    server: String,
    token: String,
    channel_id: String,
    self_mute: bool,
    self_deaf: bool,
    call: String,
) -> CommandResult<Joined> {
    let request = JoinRequest {
        server,
        token,
        channel_id,
        self_mute,
        self_deaf,
        call,
    };
    let events = app.clone();
    let joined = calls
        .join(request, move |event, summary| {
            tray::show_call_status(&events, summary);
            let _ = events.emit(VOICE_EVENT, event);
        })
        .await?;
    tray::show_call_status(&app, &calls.summary());
    Ok(joined)
}

#[tauri::command]
pub async fn voice_leave<R: Runtime>(
    app: AppHandle<R>,
    calls: State<'_, NativeCalls>,
) -> CommandResult<()> {
    calls.leave().await;
    tray::show_call_status(&app, &calls.summary());
    Ok(())
}

#[tauri::command]
pub async fn voice_set_mute<R: Runtime>(
    app: AppHandle<R>,
    calls: State<'_, NativeCalls>,
    muted: bool,
) -> CommandResult<()> {
    calls.set_mute(muted).await?;
    tray::show_call_status(&app, &calls.summary());
    Ok(())
}

#[tauri::command]
pub async fn voice_set_deaf<R: Runtime>(
    app: AppHandle<R>,
    calls: State<'_, NativeCalls>,
    deaf: bool,
) -> CommandResult<()> {
    calls.set_deaf(deaf).await?;
    tray::show_call_status(&app, &calls.summary());
    Ok(())
}

#[tauri::command]
pub async fn voice_set_volume(
    calls: State<'_, NativeCalls>,
    user_id: String,
    volume: f32,
) -> CommandResult<()> {
    calls.set_volume(&user_id, volume).await
}

#[tauri::command]
pub async fn voice_set_token(calls: State<'_, NativeCalls>, token: String) -> CommandResult<()> {
    calls.set_token(token).await
}

#[tauri::command]
pub async fn voice_devices(calls: State<'_, NativeCalls>) -> CommandResult<DeviceSettings> {
    Ok(calls.devices().await)
}

#[tauri::command]
pub async fn voice_select_devices(
    calls: State<'_, NativeCalls>,
    input: Option<String>,
    output: Option<String>,
    camera: Option<String>,
) -> CommandResult<DeviceSettings> {
    let choice = DeviceChoice {
        input,
        output,
        camera,
    };
    calls.select_devices(choice).await
}

/// Turns the camera on (the chosen one) or off in the call in progress.
#[tauri::command]
pub async fn voice_set_camera(calls: State<'_, NativeCalls>, on: bool) -> CommandResult<()> {
    calls.set_camera(on).await
}

/// A participant's next `camera` or `screen` picture newer than number `after`, as
/// bytes (an `ArrayBuffer` in the webview; layout in `call/video.rs`), or empty when
/// none came within 2 s.
#[tauri::command]
pub async fn voice_video_frame(
    calls: State<'_, NativeCalls>,
    user_id: String,
    slot: String,
    after: u64,
) -> CommandResult<tauri::ipc::Response> {
    let bytes = calls.video_frame(&user_id, &slot, after).await?;
    Ok(tauri::ipc::Response::new(bytes))
}

#[cfg(test)]
mod tests;
