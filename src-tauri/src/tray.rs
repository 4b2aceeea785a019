//! The tray icon: shows whether this computer hosts a server and where, and offers
//! to show the window or quit (which stops the server gracefully).

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::desktop::HostStatus;

/// The menu line that shows the host-mode state.
pub struct TrayStatus(MenuItem<Wry>);

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, "status", "Server: not hosting", false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show Chatalot", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&status, &separator, &show, &quit])?;
    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip("Chatalot")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "show" => crate::show_main_window(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(TrayStatus(status));
    Ok(())
}

/// Updates the status line and tooltip after the host state changed.
pub fn show_host_status(app: &AppHandle, status: &HostStatus) {
    let text = match (&status.running, &status.share_url) {
        (true, Some(url)) => format!("Server: hosting at {url}"),
        _ => "Server: not hosting".to_owned(),
    };
    if let Some(item) = app.try_state::<TrayStatus>() {
        let _ = item.0.set_text(&text);
    }
    if let Some(tray) = app.tray_by_id("main") {
        let _ = tray.set_tooltip(Some(format!("Chatalot — {text}")));
    }
}
