//! The tray icon: shows whether this computer hosts a server and where, the call in
//! progress, and offers to show the window or quit (which stops the server gracefully).

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime, Wry};

use crate::call::CallSummary;
use crate::desktop::HostStatus;

/// The menu line that shows the host-mode state.
pub struct TrayStatus(MenuItem<Wry>);

/// The menu line that shows the call.
pub struct TrayCall(MenuItem<Wry>);

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, "status", NOT_HOSTING, false, None::<&str>)?;
    let call_text = CallSummary::default().text();
    let call = MenuItem::with_id(app, "call", call_text, false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show Chatalot", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&status, &call, &separator, &show, &quit])?;
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
    app.manage(TrayCall(call));
    Ok(())
}

/// Updates the call line after the call changed (nothing to do without a tray).
pub fn show_call_status<R: Runtime>(app: &AppHandle<R>, summary: &CallSummary) {
    if let Some(item) = app.try_state::<TrayCall>() {
        let _ = item.0.set_text(summary.text());
    }
}

/// The status line for a host state.
pub fn status_text(status: &HostStatus) -> String {
    match (&status.running, &status.share_url) {
        (true, Some(url)) => format!("Server: hosting at {url}"),
        _ => NOT_HOSTING.to_owned(),
    }
}

const NOT_HOSTING: &str = "Server: not hosting";

/// Updates the status line and tooltip after the host state changed (nothing to do
/// when there is no tray).
pub fn show_host_status<R: Runtime>(app: &AppHandle<R>, status: &HostStatus) {
    let text = status_text(status);
    if let Some(item) = app.try_state::<TrayStatus>() {
        let _ = item.0.set_text(&text);
    }
    if let Some(tray) = app.tray_by_id("main") {
        let _ = tray.set_tooltip(Some(format!("Chatalot — {text}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::HostSettings;

    fn status(running: bool, share_url: Option<&str>) -> HostStatus {
        HostStatus {
            running,
            settings: HostSettings::default(),
            local_url: share_url.map(str::to_owned),
            share_url: share_url.map(str::to_owned),
            setup_code: None,
            data_dir: "/tmp/host".into(),
        }
    }

    #[test]
    fn the_status_line_names_the_share_address_while_hosting() {
        assert_eq!(
            status_text(&status(true, Some("http://192.168.1.20:8787"))),
            "Server: hosting at http://192.168.1.20:8787"
        );
        assert_eq!(status_text(&status(false, None)), "Server: not hosting");
        assert_eq!(
            status_text(&status(false, Some("http://127.0.0.1:8787"))),
            "Server: not hosting"
        );
    }
}
