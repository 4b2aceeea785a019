//! The text rule at the door: no API request carries a control character that the
//! domain's text rule forbids, in its path, its query or its JSON body — whatever
//! handler it reaches and whichever database is behind it (PostgreSQL cannot even
//! store NUL). Bodies are scanned without being parsed; only a refused one is parsed,
//! to name the field.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use super::error::{ErrorBody, error_response};
use crate::domain::error::{Error, ErrorKind};
use crate::domain::validate::{
    forbidden_in_text, json_field_with_forbidden_text, json_has_forbidden_text,
};

fn refused(field: String) -> Response {
    // The field's name comes from the request: shown without its control characters.
    let field = if field.is_empty() {
        "body".to_owned()
    } else {
        field
            .chars()
            .take(64)
            .map(|c| if c.is_control() { '?' } else { c })
            .collect()
    };
    error_response(
        StatusCode::BAD_REQUEST,
        ErrorBody {
            code: "invalid_input".into(),
            message: format!(
                "{field} must not contain control characters other than tab and newline"
            ),
            field: Some(field),
            retry_after: None,
        },
    )
}

/// Refuses a request whose path, query or JSON body breaks the text rule.
pub async fn refuse_control_characters(
    State(body_limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let path_bad = percent_decode_str(parts.uri.path())
        .decode_utf8_lossy()
        .chars()
        .any(|c| c.is_control());
    if path_bad {
        return refused("path".into());
    }
    if let Some(query) = parts.uri.query() {
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if key.chars().chain(value.chars()).any(forbidden_in_text) {
                return refused(key.into_owned());
            }
        }
    }
    let is_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if !is_json {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let bytes = match to_bytes(body, body_limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return Error::client(
                ErrorKind::PayloadTooLarge,
                "payload_too_large",
                "the request body is too large",
            )
            .into_response();
        }
    };
    if json_has_forbidden_text(&bytes)
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
        && let Some(field) = json_field_with_forbidden_text(&value)
    {
        return refused(field);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
