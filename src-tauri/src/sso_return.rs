//! Single sign-on back into the app. "Sign in with SSO" leaves the app's pages for
//! the server and the identity provider (in the same window); the server ends the
//! trip with a redirect to its own `/sso#ticket=…`. That navigation is taken into the
//! app: the window goes to the app's own `/sso` with the same fragment, whose page
//! trades the ticket with the server as usual. (A redirect straight to the app's
//! scheme is refused by WebKitGTK, so the app catches the server's page instead.)
//!
//! Only a navigation to the chosen server's own `/sso` is taken, so no other site can
//! send the app anywhere.

use tauri::plugin::TauriPlugin;
use tauri::{Manager, Runtime};
use url::Url;

use crate::desktop::Desktop;

/// The app's own origin (`tauri://localhost`, or `http://tauri.localhost` on
/// Windows), as the main window first loaded it.
pub struct AppOrigin(pub Url);

/// Where the app goes instead of `navigation`, when it is the end of an SSO sign-in
/// at `server`.
pub fn app_url_for(navigation: &Url, server: &Url, app_origin: &Url) -> Option<Url> {
    let ends_sign_in = matches!(navigation.scheme(), "http" | "https")
        && navigation.origin() == server.origin()
        && navigation.path() == "/sso"
        && navigation
            .fragment()
            .is_some_and(|f| f.starts_with("ticket="));
    if !ends_sign_in {
        return None;
    }
    let mut target = app_origin.join("/sso").ok()?;
    target.set_fragment(navigation.fragment());
    Some(target)
}

/// The plugin that watches the app's navigations.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("sso-return")
        .on_navigation(|webview, url| {
            let app = webview.app_handle();
            let (Some(desktop), Some(origin)) =
                (app.try_state::<Desktop>(), app.try_state::<AppOrigin>())
            else {
                return true;
            };
            let server = desktop
                .servers()
                .current()
                .and_then(|s| Url::parse(&s.url).ok());
            let Some(target) = server.and_then(|server| app_url_for(url, &server, &origin.0))
            else {
                return true;
            };
            // Navigating from inside the navigation callback is not allowed: after it.
            let webview = webview.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(err) = webview.navigate(target) {
                    tracing::error!(error = %err, "could not return to the app after SSO");
                }
            });
            false
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn the_servers_sso_page_with_a_ticket_comes_into_the_app() {
        let server = url("https://chat.example.com");
        let app = url("tauri://localhost");
        let target = app_url_for(
            &url("https://chat.example.com/sso#ticket=abc"),
            &server,
            &app,
        );
        assert_eq!(target.unwrap().as_str(), "tauri://localhost/sso#ticket=abc");
        let windows = url("http://tauri.localhost");
        let target = app_url_for(
            &url("https://chat.example.com/sso#ticket=abc"),
            &server,
            &windows,
        );
        assert_eq!(
            target.unwrap().as_str(),
            "http://tauri.localhost/sso#ticket=abc"
        );
    }

    #[test]
    fn anything_else_is_left_alone() {
        let server = url("http://127.0.0.1:8080");
        let app = url("tauri://localhost");
        for other in [
            "http://127.0.0.1:8080/sso",                       // no ticket
            "http://127.0.0.1:8080/login#ticket=abc",          // another page
            "http://127.0.0.1:9090/sso#ticket=abc",            // another server
            "https://127.0.0.1:8080/sso#ticket=abc",           // another scheme
            "https://evil.example/sso#ticket=abc",             // another site
            "http://127.0.0.1:8080/auth/oidc/callback?code=x", // on the way
            "tauri://localhost/sso#ticket=abc",                // the app itself
        ] {
            assert_eq!(app_url_for(&url(other), &server, &app), None, "{other}");
        }
    }
}
