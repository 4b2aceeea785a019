//! The one error type of the domain layer. The HTTP edge turns it into a status and
//! a JSON body (`{"code", "message"}`); the WebSocket gateway sends the same code.

use std::borrow::Cow;

use crate::store::StoreError;

/// The class of a client error; the edge maps each to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Gone,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
    TooManyRequests,
    Unavailable,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the client can fix or must be told; `code` is stable for clients
    /// to react to, `message` is for people.
    #[error("{message}")]
    Client {
        kind: ErrorKind,
        code: &'static str,
        message: Cow<'static, str>,
        /// The request field at fault, for validation errors.
        field: Option<&'static str>,
        /// Seconds to wait, for rate limits and lockouts.
        retry_after: Option<u64>,
    },
    /// A fault of the server; logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn client(
        kind: ErrorKind,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Error {
        Error::Client {
            kind,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A field of the request that fails validation.
    pub fn invalid(field: &'static str, message: impl Into<Cow<'static, str>>) -> Error {
        Error::Client {
            kind: ErrorKind::BadRequest,
            code: "invalid_input",
            message: message.into(),
            field: Some(field),
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Error {
        Error::client(ErrorKind::BadRequest, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<Cow<'static, str>>) -> Error {
        Error::client(ErrorKind::Unauthorized, code, message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<Cow<'static, str>>) -> Error {
        Error::client(ErrorKind::Forbidden, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<Cow<'static, str>>) -> Error {
        Error::client(ErrorKind::NotFound, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Error {
        Error::client(ErrorKind::Conflict, code, message)
    }

    pub fn gone(code: &'static str, message: impl Into<Cow<'static, str>>) -> Error {
        Error::client(ErrorKind::Gone, code, message)
    }

    /// Names the request field a client error is about (forms show it there).
    pub fn on_field(mut self, name: &'static str) -> Error {
        if let Error::Client { field, .. } = &mut self {
            *field = Some(name);
        }
        self
    }

    /// Tells the client when trying again can succeed (seconds, rounded up).
    pub fn retry_after(mut self, secs: u64) -> Error {
        if let Error::Client { retry_after, .. } = &mut self {
            *retry_after = Some(secs);
        }
        self
    }

    pub fn too_many(
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
        retry_after: u64,
    ) -> Error {
        Error::Client {
            kind: ErrorKind::TooManyRequests,
            code,
            message: message.into(),
            field: None,
            retry_after: Some(retry_after),
        }
    }

    /// The stable code of a client error (`internal` for server faults).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Client { code, .. } => code,
            Error::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        match err {
            // Reached only when a check-then-write raced another request.
            StoreError::Conflict | StoreError::Dangling => Error::conflict(
                "conflict",
                "the change conflicts with another one; try again",
            ),
            StoreError::Busy => {
                tracing::warn!("a request found no free database connection in time");
                Error::client(
                    ErrorKind::Unavailable,
                    "server_busy",
                    "the server is busy; try again in a moment",
                )
                .retry_after(1)
            }
            other => Error::Internal(anyhow::Error::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exhausted_pool_is_a_busy_server_not_a_fault() {
        let err = Error::from(StoreError::from(sqlx::Error::PoolTimedOut));
        let Error::Client {
            kind,
            code,
            retry_after,
            ..
        } = err
        else {
            panic!("a client error, not a server fault: {err:?}");
        };
        assert_eq!(
            (kind, code, retry_after),
            (ErrorKind::Unavailable, "server_busy", Some(1))
        );
    }
}
