//! The JSON error shape of every API response: `{"code", "message"}` plus `field`
//! for validation errors and `retry_after` for rate limits. Server faults are logged
//! and answered with a generic body.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::error::{Error, ErrorKind};

/// The body of every error response.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `invalid_credentials`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// The request field at fault, for `invalid_input`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before trying again (429 answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Gone => StatusCode::GONE,
        ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// A JSON error response with the given status (also used by middleware).
pub fn error_response(status: StatusCode, body: ErrorBody) -> Response {
    let retry_after = body.retry_after;
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match self {
            Error::Client {
                kind,
                code,
                message,
                field,
                retry_after,
            } => error_response(
                status_of(kind),
                ErrorBody {
                    code: code.to_owned(),
                    message: message.into_owned(),
                    field: field.map(str::to_owned),
                    retry_after,
                },
            ),
            Error::Internal(cause) => {
                tracing::error!(error = ?cause, "request failed");
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody {
                        code: "internal".into(),
                        message: "the server failed to handle this request".into(),
                        field: None,
                        retry_after: None,
                    },
                )
            }
        }
    }
}

/// Maps an extractor's status to a client error with the extractor's explanation.
fn rejection(status: StatusCode, code: &'static str, message: String) -> Error {
    let kind = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorKind::UnsupportedMediaType,
        _ => ErrorKind::BadRequest,
    };
    let code = match kind {
        ErrorKind::PayloadTooLarge => "payload_too_large",
        ErrorKind::UnsupportedMediaType => "unsupported_media_type",
        _ => code,
    };
    Error::client(kind, code, message)
}

impl From<JsonRejection> for Error {
    fn from(err: JsonRejection) -> Self {
        let code = match &err {
            JsonRejection::JsonSyntaxError(_) => "malformed_json",
            _ => "invalid_json",
        };
        rejection(err.status(), code, err.body_text())
    }
}

impl From<QueryRejection> for Error {
    fn from(err: QueryRejection) -> Self {
        rejection(err.status(), "invalid_query", err.body_text())
    }
}

impl From<PathRejection> for Error {
    fn from(err: PathRejection) -> Self {
        rejection(StatusCode::BAD_REQUEST, "invalid_path", err.body_text())
    }
}
