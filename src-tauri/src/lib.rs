//! Chatalot desktop app (`chatalot-desktop`): a Tauri 2 shell around the web client
//! that connects to a Chatalot server or hosts one on this computer (host mode), and
//! keeps credentials in the OS keyring.
//!
//! - [`host`]: the embedded server's controller (no GUI dependency).
//! - [`secrets`]: the keyring behind the [`secrets::SecretStore`] trait.
//! - [`credentials`], [`servers`]: sessions per server, the saved-server list.
//! - [`desktop`]: the operations the UI may ask for; [`commands`] exposes them to Tauri.
//! - [`call`]: calls in the native engine (`chatalot-voice`) with the sound devices.
//! - [`web_client`]: the embedded web client, written out for host mode's browser guests.
//!
//! Build and run: `cargo run -p chatalot-desktop` (see `docs/desktop.md`).

pub mod call;
pub mod commands;
pub mod credentials;
pub mod desktop;
pub mod host;
pub mod secrets;
pub mod servers;
pub mod sso_return;
mod tray;
pub mod web_client;

include!("command_names.rs");

use std::sync::Arc;

use tauri::{AppHandle, Manager, RunEvent, Runtime};

use crate::call::NativeCalls;
use crate::desktop::Desktop;
use crate::secrets::KeyringStore;

/// The service name of every keyring entry the app writes.
pub const KEYRING_SERVICE: &str = "org.chatalot.desktop";

/// Starts the app; returns when the last window closed or the user quit.
pub fn run() {
    init_tracing();
    let app = with_commands(tauri::Builder::default())
        // First, so a second launch only focuses the running window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            show_main_window(app);
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(sso_return::plugin())
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                let mut origin = window.url()?;
                origin.set_path("/");
                origin.set_query(None);
                origin.set_fragment(None);
                app.manage(sso_return::AppOrigin(origin));
            }
            let paths = app.path();
            let host_dir = paths.app_data_dir()?.join("host");
            install_web_client(app.handle(), &host_dir.join("web"));
            let desktop = Desktop::new(
                Arc::new(KeyringStore::platform(KEYRING_SERVICE)),
                &paths.app_config_dir()?,
                &host_dir,
            );
            app.manage(desktop);
            app.manage(NativeCalls::from_env());
            exit_on_terminate(app.handle().clone());
            if let Err(err) = tray::create(app.handle()) {
                // A desktop without a tray (or a headless test) still gets the window.
                tracing::warn!(error = %err, "no tray icon");
            }
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri app builds");
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            // The others see us leave at once (not after the server's grace period).
            tauri::async_runtime::block_on(app.state::<NativeCalls>().leave());
            // Closing the app stops the embedded server gracefully.
            let desktop = app.state::<Desktop>();
            if let Err(err) = tauri::async_runtime::block_on(desktop.host_stop()) {
                tracing::error!(error = %err.message, "the server did not stop cleanly");
            }
        }
    });
}

/// Registers every command the UI may call; each is granted to the main window in
/// `capabilities/default.json` (and listed in `build.rs`). Generic over the runtime so
/// the tests can call the commands through Tauri's IPC on its mock runtime.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::session_load,
        commands::session_save,
        commands::session_clear,
        commands::keyring_check,
        commands::servers_list,
        commands::server_check,
        commands::server_add,
        commands::server_select,
        commands::server_remove,
        commands::host_settings,
        commands::host_status,
        commands::host_start,
        commands::host_stop,
        commands::voice_join,
        commands::voice_leave,
        commands::voice_set_mute,
        commands::voice_set_deaf,
        commands::voice_set_volume,
        commands::voice_set_token,
        commands::voice_devices,
        commands::voice_select_devices,
        commands::voice_set_camera,
        commands::voice_video_frame,
    ])
}

/// Writes the embedded web client where host mode serves static files, for guests who
/// open the share address in a browser. Without it they would see the server's
/// placeholder page; the app itself is unaffected, so a failure is only logged.
fn install_web_client(app: &AppHandle, dir: &std::path::Path) {
    let resolver = app.asset_resolver();
    let names: Vec<String> = resolver.iter().map(|(name, _)| name.into_owned()).collect();
    // `get` gives the served (decompressed) bytes; `iter` the stored ones.
    let files = names
        .into_iter()
        .filter_map(|name| resolver.get(name.clone()).map(|asset| (name, asset.bytes)));
    match web_client::install(dir, files) {
        Ok(count) => {
            tracing::debug!(count, dir = %dir.display(), "web client for guests installed")
        }
        Err(err) => {
            tracing::warn!(error = %err, dir = %dir.display(), "web client for guests not installed")
        }
    }
}

/// SIGTERM (logout, `kill`, test drivers) exits like "Quit", so host mode still
/// stops the server gracefully.
fn exit_on_terminate(app: AppHandle) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            terminate.recv().await;
            tracing::info!("terminate signal: quitting");
            app.exit(0);
        }
    });
    #[cfg(not(unix))]
    let _ = app;
}

pub(crate) fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

fn init_tracing() {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| {
        format!(
            "chatalot_desktop=info,{}",
            chatalot_server::config::DEFAULT_LOG_FILTER
        )
    });
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
