//! The Tauri commands: the whole surface the UI can reach. Each one delegates to
//! [`Desktop`]; each is granted in `capabilities/default.json`.

use tauri::{AppHandle, Runtime, State};

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

#[cfg(test)]
mod tests;
