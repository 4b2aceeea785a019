//! The OpenAPI document: served, valid OpenAPI 3, and in step with the router in
//! both directions (every documented operation is routed; every route is
//! registered through the documenting router).

mod common;

use std::collections::BTreeSet;

use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::Value;

fn operations(doc: &Value) -> Vec<(Method, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            if let Ok(method) = method.to_uppercase().parse::<Method>() {
                ops.push((method, path.clone(), op.clone()));
            }
        }
    }
    ops
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn document_is_served_and_valid_openapi_3(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let resp = s
        .get("/api/openapi.json", None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(resp.headers["content-type"], "application/json");
    assert_eq!(
        resp.body,
        serde_json::to_value(chatalot_server::http::openapi()).unwrap(),
        "served = generated"
    );

    let spec = oas3::from_json(&resp.text).expect("parses as an OpenAPI 3.1 document");
    let version = spec.validate_version().expect("supported OpenAPI version");
    assert_eq!(version.major, 3);

    // Every $ref points at a defined schema or shared response.
    let schemas = resp.body["components"]["schemas"]
        .as_object()
        .expect("component schemas");
    let responses = resp.body["components"]["responses"]
        .as_object()
        .expect("shared responses");
    let mut refs = BTreeSet::new();
    collect_refs(&resp.body, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let defined = if let Some(name) = r.strip_prefix("#/components/schemas/") {
            schemas.contains_key(name)
        } else if let Some(name) = r.strip_prefix("#/components/responses/") {
            responses.contains_key(name)
        } else {
            panic!("unexpected $ref {r}")
        };
        assert!(defined, "{r} is defined");
    }
    // Operation IDs name client functions: each is unique.
    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(&resp.body) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} has an operationId"));
        assert!(
            ids.insert(id.to_owned()),
            "operationId {id} of {method} {path} is not unique"
        );
    }
    // Every operation says what it answers, and errors use the error schema.
    for (method, path, op) in operations(&resp.body) {
        let responses = op["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} has responses"));
        assert!(
            !responses.is_empty(),
            "{method} {path} documents a response"
        );
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path} is tagged"
        );
    }
}

#[test]
fn every_operation_documents_the_answers_of_extractors_and_middleware() {
    // What the fuzzer (scripts/test-api-fuzz.sh) found undocumented: malformed path,
    // query or body (400), rate limits (429), timeouts (503), missing tokens (401),
    // bodies too large (413) or not JSON (415).
    let doc = serde_json::to_value(chatalot_server::http::openapi()).unwrap();
    for (method, path, op) in operations(&doc) {
        let responses = op["responses"].as_object().unwrap();
        let mut expected = vec!["429"];
        if path.starts_with("/api/") {
            expected.extend(["400", "503"]);
        }
        if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
            expected.push("401");
        }
        if op.get("requestBody").is_some() {
            expected.extend(["413", "415"]);
        }
        for status in expected {
            let response = responses
                .get(status)
                .unwrap_or_else(|| panic!("{method} {path} documents {status}"));
            // An operation's own description of the status wins (GET /api/health
            // answers 503 with its health report).
            if let Some(r) = response.get("$ref") {
                let name = r.as_str().unwrap().rsplit('/').next().unwrap();
                assert_eq!(
                    doc["components"]["responses"][name]["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} {status} answers with the error body"
                );
            }
        }
    }
    let retry_after = &doc["components"]["responses"]["TooManyRequests"]["headers"]["Retry-After"];
    assert_eq!(retry_after["schema"]["type"], "integer");
}

fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.insert(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_documented_operation_is_routed_and_its_security_is_true(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let doc = serde_json::to_value(chatalot_server::http::openapi()).unwrap();
    let ops = operations(&doc);
    assert!(
        ops.len() >= 20,
        "all endpoints are documented: {}",
        ops.len()
    );
    for (method, path, op) in ops {
        let concrete = path
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    uuid::Uuid::now_v7().to_string()
                } else {
                    seg.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let body = (method != Method::GET).then(|| serde_json::json!({}));
        let resp = s.call(method.clone(), &concrete, None, body.as_ref()).await;
        assert_ne!(
            resp.code(),
            "route_not_found",
            "{method} {path} is documented but not routed"
        );
        assert_ne!(
            resp.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} is documented but not routed"
        );

        let needs_auth = op["security"].as_array().is_some_and(|s| !s.is_empty());
        let refused = resp.status == StatusCode::UNAUTHORIZED && resp.code() == "missing_token";
        assert_eq!(
            needs_auth, refused,
            "{method} {path}: documented security matches behaviour ({})",
            resp.text
        );
    }
}

#[test]
fn routes_are_registered_only_through_the_documenting_router() {
    // `OpenApiRouter::routes(routes!(…))` adds a route and its documentation in one
    // step; a plain `.route(` would add an undocumented endpoint. A browser page
    // outside `/api` says so on its line ("not an API route").
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for (n, line) in source.lines().enumerate() {
                if [".route(", ".route_service(", ".nest_service("]
                    .iter()
                    .any(|p| line.contains(p))
                    && !line.contains("not an API route")
                {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "undocumented route registrations:\n{}",
        offenders.join("\n")
    );
}
