//! Single sign-on over HTTP (AUTH-8): `GET /api/auth/oidc/start` sends the browser
//! to the provider; the provider sends it back to the callback (the path of
//! `OIDC_REDIRECT_URI`, default `/auth/oidc/callback`), which hands the web client
//! a one-time ticket in the URL fragment of `/sso`; the client trades it at
//! `POST /api/auth/oidc/exchange`. A failed sign-in ends on a plain page that
//! says why (the cause is logged), never on a raw error.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ErrorBody, status_of};
use super::extract::{Json, Query};
use crate::api::{LoginResponse, SsoExchangeRequest, SsoStartParams};
use crate::domain::error::{Error, Result};
use crate::domain::{RequestMeta, SsoCallback};

/// Both endpoints start or finish a sign-in: the auth rate limit wraps them.
pub fn credential_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(exchange))
}

/// The callback route, outside `/api` (the provider's redirect URI), when SSO is
/// configured.
pub fn callback_router(state: &AppState) -> Option<Router<AppState>> {
    let path = state.core.sso.redirect_path()?;
    Some(Router::new().route(&path, get(callback))) // not an API route: a page for browsers
}

/// Redirects the browser to the identity provider. Open it as a page (a link or
/// `location`), not with `fetch`.
#[utoipa::path(get, path = "/auth/oidc/start", tag = "auth", params(SsoStartParams),
    responses(
        (status = 303, description = "To the identity provider's sign-in page"),
        (status = 404, body = ErrorBody, description = "SSO is not configured"),
        (status = 503, body = ErrorBody, description = "The identity provider has not answered yet"),
    ))]
async fn start(
    State(state): State<AppState>,
    Query(params): Query<SsoStartParams>,
) -> Result<Redirect> {
    let url = state.core.start_sso(params.invite_code.as_deref()).await?;
    Ok(Redirect::to(url.as_str()))
}

/// Trades the ticket from the SSO callback for a session (or, with 2FA, a
/// challenge for `POST /api/auth/login/2fa`). A ticket works once, for two minutes.
#[utoipa::path(post, path = "/auth/oidc/exchange", tag = "auth", request_body = SsoExchangeRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, body = ErrorBody, description = "Unknown, used or expired ticket"),
        (status = 403, body = ErrorBody, description = "Account suspended"),
        (status = 429, body = ErrorBody, description = "Locked after failed attempts"),
    ))]
async fn exchange(
    State(state): State<AppState>,
    meta: RequestMeta,
    Json(body): Json<SsoExchangeRequest>,
) -> Result<Json<LoginResponse>> {
    let signed_in = state.core.exchange_sso_ticket(&body.ticket, &meta).await?;
    Ok(Json(signed_in.into()))
}

#[derive(Debug, Deserialize)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    meta: RequestMeta,
    params: Result<axum::extract::Query<CallbackParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(axum::extract::Query(params)) = params else {
        return failure_page(&Error::bad_request(
            "sso_failed",
            "the identity provider's answer is malformed; start signing in again",
        ));
    };
    let callback = SsoCallback {
        code: params.code,
        state: params.state,
        error: params.error,
        error_description: params.error_description,
    };
    match state.core.finish_sso(callback, &meta).await {
        Ok(ticket) => {
            // The web client's page; the desktop app takes this navigation into its
            // own window (docs/desktop.md).
            let mut response = Redirect::to(&format!("/sso#ticket={ticket}")).into_response();
            // The ticket is in the fragment, which browsers never send on; keep
            // the callback URL (with its code) out of any Referer too.
            response.headers_mut().insert(
                header::REFERRER_POLICY,
                "no-referrer".parse().expect("valid"),
            );
            response
        }
        Err(error) => failure_page(&error),
    }
}

/// A small page that says what went wrong and leads back to signing in.
fn failure_page(error: &Error) -> Response {
    let (status, message) = match error {
        Error::Client { kind, message, .. } => (status_of(*kind), message.to_string()),
        Error::Internal(e) => {
            tracing::error!(error = ?e, "SSO callback failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the server could not finish signing you in; try again".to_owned(),
            )
        }
    };
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sign-in failed · Chatalot</title></head>\
         <body style=\"font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem\">\
         <h1>Sign-in failed</h1><p id=\"reason\" data-code=\"{code}\">{message}</p>\
         <p><a href=\"/login\">Back to sign in</a></p></body></html>",
        code = escape(error.code()),
        message = escape(&capitalized(&message)),
    );
    (status, Html(page)).into_response()
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect::<String>() + "."
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
