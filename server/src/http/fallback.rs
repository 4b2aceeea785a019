//! Answers that no handler produced: unknown API routes, wrong methods, timeouts,
//! panics. Each gets the same JSON error shape as handler errors.

use std::any::Any;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::{ErrorBody, error_response};

fn body(code: &str, message: &str) -> ErrorBody {
    ErrorBody {
        code: code.into(),
        message: message.into(),
        field: None,
        retry_after: None,
    }
}

pub async fn api_not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        body("route_not_found", "no such API endpoint"),
    )
}

pub async fn method_not_allowed() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        body(
            "method_not_allowed",
            "this endpoint does not support this method",
        ),
    )
}

/// Gives error responses that have no body (made by middleware such as timeouts or
/// body limits) the JSON error shape.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let (code, message) = match status {
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
            ("timeout", "the request took too long")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not support this method",
        ),
        StatusCode::NOT_FOUND => ("route_not_found", "no such API endpoint"),
        s if s.is_server_error() => ("internal", "the server failed to handle this request"),
        _ => ("bad_request", "the request was not understood"),
    };
    let (mut parts, _) = response.into_parts();
    let fresh = error_response(status, body(code, message));
    parts.headers.extend(fresh.headers().clone());
    Response::from_parts(parts, fresh.into_body())
}

/// The answer to a handler that panicked; the panic itself is logged.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("non-string panic");
    tracing::error!(panic = detail, "handler panicked");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        body("internal", "the server failed to handle this request"),
    )
    .into_response()
}

/// The request deadline (30 s, `Tuning::request_timeout`): past it, the
/// request is dropped with 503.
pub async fn deadline(
    axum::extract::State(limit): axum::extract::State<std::time::Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
