//! The error answers that the extractors and middleware give on every operation,
//! documented once as `components/responses` and referenced from each operation that
//! can produce them (an operation's own description of the same status wins):
//!
//! - 400 on every API operation: a path parameter or query that does not parse, a
//!   body that is not JSON or not of the documented shape, a value the domain
//!   refuses, or a control character in the path, query or body (the text rule);
//! - 401 on operations that need a bearer token;
//! - 413 and 415 on operations that take a JSON body;
//! - 429 on every operation behind the general rate limit (the API and `/ws`);
//! - 503 on every API operation (the request timeout).

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{ContentBuilder, ObjectBuilder, OpenApi, Ref, RefOr, Response, Schema, Type};

const BAD_REQUEST: &str = "BadRequest";
const UNAUTHORIZED: &str = "Unauthorized";
const PAYLOAD_TOO_LARGE: &str = "PayloadTooLarge";
const UNSUPPORTED_MEDIA_TYPE: &str = "UnsupportedMediaType";
const TOO_MANY_REQUESTS: &str = "TooManyRequests";
const UNAVAILABLE: &str = "Unavailable";

fn error_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build(),
    )
}

fn shared() -> [(&'static str, Response); 6] {
    let retry_after = HeaderBuilder::new()
        .schema(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .build(),
        ))
        .description(Some("Seconds to wait before trying again."))
        .build();
    [
        (
            BAD_REQUEST,
            error_response(
                "The request was refused as it is: a path parameter (`invalid_path`) or \
                 query (`invalid_query`) that does not parse, a body that is not JSON \
                 (`malformed_json`) or not of the documented shape (`invalid_json`), a value \
                 the server does not accept (`invalid_input`, naming the `field`), or a \
                 control character other than tab and newline anywhere in the path, query \
                 or body (`invalid_input`).",
            )
            .build(),
        ),
        (
            UNAUTHORIZED,
            error_response(
                "No bearer token was sent (`missing_token`), or it is invalid or expired, \
                 or its session has ended.",
            )
            .build(),
        ),
        (
            PAYLOAD_TOO_LARGE,
            error_response(
                "The request body is larger than the server accepts (`payload_too_large`).",
            )
            .build(),
        ),
        (
            UNSUPPORTED_MEDIA_TYPE,
            error_response(
                "The body was not sent as `application/json` (`unsupported_media_type`).",
            )
            .build(),
        ),
        (
            TOO_MANY_REQUESTS,
            error_response(
                "Too many requests (`rate_limited`, or a per-account limit): wait \
                 `retry_after` seconds, also sent as `Retry-After`.",
            )
            .header("Retry-After", retry_after)
            .build(),
        ),
        (
            UNAVAILABLE,
            error_response(
                "The request took too long (`timeout`) or the server cannot answer it now.",
            )
            .build(),
        ),
    ]
}

fn add(operation: &mut Operation, status: &str, component: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(component)));
}

/// Adds the shared error answers to every operation of `doc`.
pub fn document(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, response) in shared() {
        components
            .responses
            .insert(name.to_owned(), RefOr::T(response));
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/");
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            add(operation, "429", TOO_MANY_REQUESTS);
            if !api {
                continue;
            }
            add(operation, "400", BAD_REQUEST);
            add(operation, "503", UNAVAILABLE);
            if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                add(operation, "401", UNAUTHORIZED);
            }
            if operation.request_body.is_some() {
                add(operation, "413", PAYLOAD_TOO_LARGE);
                add(operation, "415", UNSUPPORTED_MEDIA_TYPE);
            }
        }
    }
}
