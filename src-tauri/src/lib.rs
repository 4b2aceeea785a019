//! Chatalot desktop app (`chatalot-desktop`): a Tauri 2 shell around the web client
//! that connects to a Chatalot server or hosts one on this computer (host mode), and
//! keeps credentials in the OS keyring.
//!
//! - [`host`]: the embedded server's controller (no GUI dependency).
//! - [`secrets`]: the keyring behind the [`secrets::SecretStore`] trait.
//! - [`credentials`], [`servers`]: sessions per server, the saved-server list.
//! - [`desktop`]: the operations the UI may ask for; [`commands`] exposes them to Tauri.
//!
//! Build and run: `cargo run -p chatalot-desktop` (see `docs/desktop.md`).

pub mod commands;
pub mod credentials;
pub mod desktop;
pub mod host;
pub mod secrets;
pub mod servers;
mod tray;

use std::sync::Arc;

use tauri::{AppHandle, Manager, RunEvent};

use crate::desktop::Desktop;
use crate::secrets::KeyringStore;

/// The service name of every keyring entry the app writes.
pub const KEYRING_SERVICE: &str = "org.chatalot.desktop";

/// Starts the app; returns when the last window closed or the user quit.
pub fn run() {
    init_tracing();
    let app = tauri::Builder::default()
        // First, so a second launch only focuses the running window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            show_main_window(app);
        }))
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let paths = app.path();
            let desktop = Desktop::new(
                Arc::new(KeyringStore::platform(KEYRING_SERVICE)),
                &paths.app_config_dir()?,
                &paths.app_data_dir()?.join("host"),
            );
            app.manage(desktop);
            exit_on_terminate(app.handle().clone());
            if let Err(err) = tray::create(app.handle()) {
                // A desktop without a tray (or a headless test) still gets the window.
                tracing::warn!(error = %err, "no tray icon");
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
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
        ])
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri app builds");
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            // Closing the app stops the embedded server gracefully.
            let desktop = app.state::<Desktop>();
            if let Err(err) = tauri::async_runtime::block_on(desktop.host_stop()) {
                tracing::error!(error = %err.message, "the server did not stop cleanly");
            }
        }
    });
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

pub(crate) fn show_main_window(app: &AppHandle) {
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
